# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Passenger-flow statistics (客流统计): daily aggregates kept up to date as
tickets are sold, refunded and checked, and the views of the province, a
city, a station and a route drawn from them, never from the tickets.

The aggregates hold counts and amounts only, no identity: the department
reads them all, a city bureau its city's, a station its own, a carrier its
own runs'."""
import datetime as dt
from decimal import Decimal

from sql import Conflict, Literal, Null
from sql.aggregate import Min, Sum
from sql.conditionals import Coalesce

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

COUNTS = ['sold', 'refunded', 'checked']


class PassengerFlow(ModelSQL, ModelView):
    "The passengers of a day leaving a station on a route with a carrier"
    __name__ = 'gd.passenger.flow'
    __string__ = "Daily Passenger Flow"

    date = fields.Date("Date", required=True, readonly=True,
        help="The date of the run.")
    station = fields.Many2One(
        'gd.station', "Station", required=True, readonly=True,
        ondelete='RESTRICT', help="Where the passengers board.")
    city = fields.Many2One(
        'gd.city', "City", required=True, readonly=True, ondelete='RESTRICT')
    route = fields.Many2One(
        'gd.route', "Route", required=True, readonly=True,
        ondelete='RESTRICT')
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, readonly=True,
        ondelete='RESTRICT')
    sold = fields.Integer("Sold", readonly=True,
        help="Tickets sold for the day, refunded ones included.")
    refunded = fields.Integer("Refunded", readonly=True)
    checked = fields.Integer("Checked", readonly=True,
        help="Passengers whose ticket was checked at the gate.")
    passengers = fields.Integer("Passengers", readonly=True,
        help="Tickets sold and not refunded.")
    revenue = fields.Numeric(
        "Revenue", digits=(16, 2), readonly=True,
        help="The fares of the tickets sold, less refunds, plus fees kept.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # The target of record()'s INSERT ... ON CONFLICT
            ('day_unique',
                Unique(t, t.date, t.station, t.route, t.carrier),
                'gd_ticketing.msg_passenger_flow_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.city, Index.Equality()), (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def record(cls, date, station, route, carrier,
            sold=0, refunded=0, checked=0, revenue=Decimal(0)):
        """Add the counts and the revenue to the day's row of station, route
        and carrier, creating it when missing, in one statement

        Called by the sale, the refund, the change and the check of a
        ticket, in their transaction: the statistics are never behind."""
        table = cls.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        increments = {
            'sold': sold, 'refunded': refunded, 'checked': checked,
            'passengers': sold - refunded, 'revenue': revenue}
        now = dt.datetime.now()
        columns = [table.date, table.station, table.city, table.route,
            table.carrier, table.create_uid, table.create_date]
        values = [date, station.id, station.city.id, route.id, carrier.id,
            transaction.user, now]
        columns += [getattr(table, n) for n in increments]
        values += list(increments.values())
        conflict = Conflict(table,
            indexed_columns=[
                table.date, table.station, table.route, table.carrier],
            columns=[getattr(table, n) for n in increments] + [
                table.write_uid, table.write_date],
            values=[getattr(table, n) + v for n, v in increments.items()]
            + [transaction.user, now])
        cursor.execute(*table.insert(
                columns, [values], on_conflict=conflict))


class FlowContext(ModelView):
    "The period and the place of the passenger-flow views"
    __name__ = 'gd.passenger.flow.context'
    __string__ = "Passenger Flow Context"

    from_date = fields.Date(
        "From Date", required=True,
        domain=[If(Eval('to_date'),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date(
        "To Date", required=True,
        domain=[If(Eval('from_date'),
                ('to_date', '>=', Eval('from_date')), ())])
    city = fields.Many2One('gd.city', "City")
    station = fields.Many2One(
        'gd.station', "Station",
        domain=[If(Eval('city'), ('city', '=', Eval('city')), ())])
    route = fields.Many2One('gd.route', "Route")

    @classmethod
    def default_from_date(cls):
        context = Transaction().context
        if context.get('from_date'):
            return context['from_date']
        today = Pool().get('ir.date').today()
        return today - dt.timedelta(days=29)

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        if context.get('to_date'):
            return context['to_date']
        return Pool().get('ir.date').today()

    @classmethod
    def default_city(cls):
        return Transaction().context.get('city')

    @classmethod
    def default_station(cls):
        return Transaction().context.get('station')

    @classmethod
    def default_route(cls):
        return Transaction().context.get('route')


class FlowMixin:
    """The sums of the daily flow in the context's period and place,
    grouped by _group: one row per group, its id that of _group_id (a
    city, a station, a route: what a drill-down opens) or the lowest of its
    rows"""
    __slots__ = ()
    _group = []
    _group_id = None

    sold = fields.Integer("Sold")
    refunded = fields.Integer("Refunded")
    checked = fields.Integer("Checked")
    passengers = fields.Integer("Passengers")
    revenue = fields.Numeric("Revenue", digits=(16, 2))

    @classmethod
    def _flow_where(cls, flow):
        "The rows of the context, the user's record rules included"
        pool = Pool()
        Flow = pool.get('gd.passenger.flow')
        Date = pool.get('ir.date')
        context = Transaction().context
        today = Date.today()
        domain = [
            ('date', '>=', context.get('from_date')
                or today - dt.timedelta(days=29)),
            ('date', '<=', context.get('to_date') or today),
            ]
        for name in ['city', 'station', 'route']:
            if context.get(name):
                domain.append((name, '=', context[name]))
        # Unordered: the views sum the rows, a sort would be wasted
        return flow.id.in_(Flow.search(domain, order=[], query=True))

    @classmethod
    def table_query(cls):
        pool = Pool()
        Flow = pool.get('gd.passenger.flow')
        flow = Flow.__table__()
        id_ = getattr(flow, cls._group_id) if cls._group_id else Min(flow.id)
        return flow.select(
            id_.as_('id'),
            *(getattr(flow, g).as_(g) for g in cls._group),
            *(Coalesce(Sum(getattr(flow, c)), 0).as_(c)
                for c in COUNTS + ['passengers']),
            Sum(flow.revenue).as_('revenue'),
            Literal(0).as_('create_uid'),
            Min(flow.create_date).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            where=cls._flow_where(flow),
            group_by=[getattr(flow, g) for g in cls._group])


class FlowCity(FlowMixin, ModelSQL, ModelView):
    "The passengers of each city in the period"
    __name__ = 'gd.passenger.flow.city'
    __string__ = "Passenger Flow per City"
    _group = ['city']
    _group_id = 'city'

    city = fields.Many2One('gd.city', "City")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('city.code', 'ASC'), ('id', 'ASC')]


class FlowStation(FlowMixin, ModelSQL, ModelView):
    "The passengers of each station in the period"
    __name__ = 'gd.passenger.flow.station'
    __string__ = "Passenger Flow per Station"
    _group = ['city', 'station']
    _group_id = 'station'

    city = fields.Many2One('gd.city', "City")
    station = fields.Many2One('gd.station', "Station")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('passengers', 'DESC'), ('id', 'ASC')]


class FlowRoute(FlowMixin, ModelSQL, ModelView):
    "The passengers of each route in the period"
    __name__ = 'gd.passenger.flow.route'
    __string__ = "Passenger Flow per Route"
    _group = ['route']
    _group_id = 'route'

    route = fields.Many2One('gd.route', "Route")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('passengers', 'DESC'), ('id', 'ASC')]


class FlowDaily(FlowMixin, ModelSQL, ModelView):
    "The passengers of each day in the period: the trend"
    __name__ = 'gd.passenger.flow.daily'
    __string__ = "Passenger Flow per Day"
    _group = ['date']

    date = fields.Date("Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'ASC'), ('id', 'ASC')]
