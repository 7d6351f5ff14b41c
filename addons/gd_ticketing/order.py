# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Orders (订单) and their real-name tickets (客票): single, connecting (联程)
and return (返程) journeys sold all or nothing, refunds and changes per
ticket (DOMAIN.md §3)

A ticket is a leg: one passenger on one run from a stop to a later stop.
The legs of a passenger's connecting journey share `kind` 'connecting' and
are numbered by `leg`; a return leg has `kind` 'return'.  A child riding
free holds a real-name ticket attached to an adult's ticket on the same run
and takes no seat.

Times are naive UTC datetimes as everywhere in gd_ticketing; `at` (now by
default) is the time of the sale, refund or change."""
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sql import Column, For
from sql.conditionals import Coalesce
from sql.operators import Equal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import (
    Exclude, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access

from .code import code_field
from .exceptions import OrderError, RunAccessError
from .schedule import format_local

CHANNELS = [
    ('window', "Window"),
    ('self_service', "Self-Service Machine"),
    ('online', "Online"),
    ]
PAYMENT_METHODS = [
    ('cash', "Cash"),
    ('card', "Bank Card"),
    ('wechat', "WeChat Pay"),
    ('alipay', "Alipay"),
    ('unionpay', "UnionPay"),
    ]
KINDS = [
    ('single', "Single"),
    ('connecting', "Connecting"),
    ('return', "Return"),
    ]
# The fields of a ticket written by the sale, the refund and the change
TICKET_SYSTEM_FIELDS = {
    'number', 'seat', 'state', 'id_hash', 'fare', 'price_cap',
    'refund_fee', 'refund_amount', 'refunded_at', 'changed_from'}


def _aborted():
    "Whether the database aborted the transaction (PostgreSQL)"
    info = getattr(Transaction().connection, 'info', None)
    status = getattr(info, 'transaction_status', None)
    return getattr(status, 'name', None) == 'INERROR'


def lock_runs(run_ids):
    """Lock the rows of the runs, in the order of their ids, before any row
    refers to them: the foreign key of a new ticket takes a share lock on
    its run, and two sales holding it would deadlock on the lock that
    allocate takes.  A sale that waited retries (serialization error)."""
    pool = Pool()
    Run = pool.get('gd.run')
    transaction = Transaction()
    if not transaction.database.has_select_for():
        return
    table = Run.__table__()
    cursor = transaction.connection.cursor()
    for run_id in sorted({int(r) for r in run_ids}):
        query = table.select(table.id, where=table.id == run_id)
        query.for_ = For('UPDATE')
        cursor.execute(*query)


def now():
    "The time of a sale, refund or change: naive UTC (patched by tests)"
    return dt.datetime.now()


class Order(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.order'
    __string__ = "Order"
    _rec_name = 'number'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, states=_states)
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='RESTRICT',
        states=_states, help="The station that sells the order.")
    seller = fields.Many2One(
        'res.user', "Seller", readonly=True, ondelete='RESTRICT')
    sold_at = fields.DateTime("Sold At", readonly=True)
    tickets = fields.One2Many(
        'gd.ticket', 'order', "Tickets", states=_states)
    payments = fields.One2Many(
        'gd.order.payment', 'order', "Payments", states=_states)
    total = fields.Function(
        fields.Numeric("Total", digits=(16, 2)), 'get_amounts')
    refunded = fields.Function(
        fields.Numeric("Refunded", digits=(16, 2)), 'get_amounts')
    state = fields.Selection([
            ('draft', "Draft"),
            ('paid', "Paid"),
            ('partially_refunded', "Partially Refunded"),
            ('refunded', "Refunded"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'gd_ticketing.msg_order_number_unique'),
            ]
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'paid'),
            ('draft', 'cancelled'),
            ('paid', 'partially_refunded'),
            ('paid', 'refunded'),
            ('partially_refunded', 'refunded'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_channel(cls):
        return 'window'

    @classmethod
    def default_station(cls):
        User = Pool().get('res.user')
        stations = User.get_gd_stations()
        if stations:
            return stations[0]

    @classmethod
    def get_amounts(cls, orders, names):
        result = {n: {o.id: Decimal(0) for o in orders} for n in names}
        for order in orders:
            for ticket in order.tickets:
                if 'total' in names and ticket.state != 'changed':
                    result['total'][order.id] += ticket.price or 0
                if 'refunded' in names and ticket.state == 'refunded':
                    result['refunded'][order.id] += ticket.refund_amount or 0
        return result

    @classmethod
    def check_modification(cls, mode, orders, values=None, external=False):
        super().check_modification(
            mode, orders, values=values, external=external)
        if not external:
            return
        if mode == 'write' and 'state' in values:
            # Only confirm, cancel, refund and change move the state
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_order_state_direct'))
        if mode in {'write', 'delete'}:
            for order in orders:
                if order.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_order_modify_draft',
                            order=order.rec_name))

    @classmethod
    def _set_state(cls, orders, state):
        # The state follows the tickets; the system writes it
        with without_check_access():
            cls.write(orders, {'state': state})
        cls.log(orders, 'transition', f'state:{state}')

    @classmethod
    def update_state(cls, orders):
        "Set paid orders to (partially) refunded from their tickets"
        for order in cls.browse(orders):
            if order.state not in {'paid', 'partially_refunded'}:
                continue
            states = {t.state for t in order.tickets if t.state != 'changed'}
            if states == {'refunded'}:
                state = 'refunded'
            elif 'refunded' in states:
                state = 'partially_refunded'
            else:
                state = 'paid'
            if state != order.state:
                cls._set_state([order], state)

    @classmethod
    def sell(cls, vlist):
        """Create and confirm orders from vlist, all or nothing

        Each values is a dict of the order's fields (channel, station,
        payments as a list of dicts) and 'tickets': a list of dicts with
        'passenger' (an id, or a dict of name, id_type and id_number),
        'run', 'departure' and 'arrival' (stops of the run's route),
        'fare_type', optionally 'price', 'seat', 'kind', 'leg' and, for a
        child riding free, 'adult' (the index of the adult's ticket in the
        list).  When a ticket cannot be sold nothing is left: no order, no
        ticket, no passenger created, no seat held."""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Passenger = pool.get('gd.passenger')
        orders, created_passengers = [], []
        lock_runs(
            t['run'] for v in vlist for t in v.get('tickets', [])
            if t.get('run'))
        try:
            for values in vlist:
                values = values.copy()
                tickets = values.pop('tickets', [])
                payments = values.pop('payments', [])
                ticket_values = []
                for ticket in tickets:
                    ticket = ticket.copy()
                    ticket.pop('adult', None)
                    passenger = ticket.get('passenger')
                    if isinstance(passenger, dict):
                        passenger, created = Passenger.find_or_create(
                            passenger)
                        if created:
                            created_passengers.append(passenger)
                        ticket['passenger'] = passenger.id
                    ticket_values.append(ticket)
                values['tickets'] = [('create', ticket_values)]
                values['payments'] = [('create', payments)]
                order, = cls.create([values])
                orders.append(order)
                adults = {
                    i: t['adult'] for i, t in enumerate(tickets)
                    if t.get('adult') is not None}
                if adults:
                    created = sorted(order.tickets, key=lambda t: t.id)
                    Ticket.write(*sum(([[created[i]], {
                                        'adult_ticket': created[a].id}]
                                for i, a in adults.items()), []))
            cls.confirm(orders)
        except UserError:
            # Leave nothing behind, also for a caller that goes on in its
            # transaction; a database error aborts the transaction anyway
            if not _aborted():
                cls._undo(orders, created_passengers)
            raise
        return cls.browse(orders)

    @classmethod
    def _undo(cls, orders, passengers):
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        Passenger = pool.get('gd.passenger')
        Ticket = pool.get('gd.ticket')
        # Only what this call created, by the system
        with without_check_access():
            orders = cls.browse([o.id for o in orders])
            tickets = [t for o in orders for t in o.tickets]
            for ticket in tickets:
                if ticket.number:
                    Section.release(ticket.run, ticket.number)
            Ticket.write(tickets, {'adult_ticket': None})
            cls.delete(orders)
            Passenger.delete(Passenger.browse([p.id for p in passengers]))

    @classmethod
    @ModelView.button
    def confirm(cls, orders):
        """Sell the tickets of the draft orders: check the rules, hold the
        seats, number the tickets and record the passenger flow"""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Sequence = pool.get('ir.sequence')
        Configuration = pool.get('gd.ticketing.configuration')
        User = pool.get('res.user')
        at = now()
        orders = [o for o in cls.browse(orders) if o.state == 'draft']
        lock_runs(t.run.id for o in orders for t in o.tickets)
        for order in orders:
            order.check_sale(at)
        tickets = [t for o in orders for t in o.tickets]
        sequence = Configuration(1).get_order_sequence()
        user = User(Transaction().user) if Transaction().user else None
        # The system numbers the orders and writes the tickets
        with without_check_access():
            for order in orders:
                cls.write([order], {
                        'number': Sequence(sequence.id).get(),
                        'seller': user.id if user else None,
                        'sold_at': at,
                        })
        Ticket.sell(tickets, at)
        cls._set_state(orders, 'paid')

    def check_sale(self, at):
        "Check the order and its tickets before any seat is held"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        if not self.tickets:
            raise OrderError(gettext(
                    'gd_ticketing.msg_order_no_ticket', order=self.rec_name))
        for ticket in self.tickets:
            ticket.check_sale(at)
        self.check_station()
        Ticket.check_identities(self.tickets)
        Ticket.check_journeys(self.tickets)
        self.check_payments()

    @property
    def first_leg(self):
        "The ticket that begins the order's journeys"
        tickets = [
            t for t in self.tickets
            if not t.is_free_child and t.state in {'draft', 'sold', 'used'}]
        if tickets:
            return min(tickets, key=lambda t: t.departs_at)

    def check_station(self, first=None):
        """A station sells the journeys that begin with its own runs; the
        later legs may be other stations' runs (networked sales)"""
        first = first or self.first_leg
        if first and first.run.origin_station != self.station:
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_order_station_run',
                    station=self.station.rec_name, run=first.run.rec_name,
                    origin=first.run.origin_station.rec_name))

    def check_payments(self):
        total = sum((t.price or 0 for t in self.tickets), Decimal(0))
        paid = sum((p.amount or 0 for p in self.payments), Decimal(0))
        if paid != total:
            raise OrderError(gettext(
                    'gd_ticketing.msg_order_payment_mismatch',
                    order=self.rec_name or '', total=total, paid=paid))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, orders):
        pass

    def get_rec_name(self, name):
        return self.number or str(self.id)


class Payment(ModelSQL, ModelView):
    __name__ = 'gd.order.payment'
    __string__ = "Order Payment"
    __access__ = {'order'}

    order = fields.Many2One(
        'gd.order', "Order", required=True, ondelete='CASCADE')
    method = fields.Selection(PAYMENT_METHODS, "Method", required=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True)
    reference = fields.Char(
        "Reference", help="The transaction number of the payment.")

    @classmethod
    def default_method(cls):
        return 'cash'


class Ticket(ModelSQL, ModelView):
    __name__ = 'gd.ticket'
    __string__ = "Ticket"
    _rec_name = 'number'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char(
        "Number", readonly=True,
        help="Area code, station code and the station's serial (JT/T 319).")
    order = fields.Many2One(
        'gd.order', "Order", required=True, ondelete='CASCADE',
        states=_states)
    passenger = fields.Many2One(
        'gd.passenger', "Passenger", required=True, ondelete='RESTRICT',
        states=_states)
    run = fields.Many2One(
        'gd.run', "Run", required=True, ondelete='RESTRICT', states=_states)
    route = fields.Function(
        fields.Many2One('gd.route', "Route"), 'on_change_with_route')
    departure = fields.Many2One(
        'gd.route.stop', "Departure Stop", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('route', '=', Eval('route', -1))])
    arrival = fields.Many2One(
        'gd.route.stop', "Arrival Stop", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('route', '=', Eval('route', -1))])
    departure_time = fields.Function(
        fields.DateTime("Departure Time"), 'get_times')
    arrival_time = fields.Function(
        fields.DateTime("Arrival Time"), 'get_times')
    seat = fields.Integer(
        "Seat", readonly=True, help="Empty for a child riding free.")
    fare_type = code_field(
        'fare_type', "Fare Type", required=True, states=_states)
    fare = fields.Many2One(
        'gd.fare', "Fare", readonly=True, ondelete='RESTRICT')
    price = fields.Numeric(
        "Price", digits=(16, 2), states=_states,
        help="The fare's price unless given; never above its price cap.")
    price_cap = fields.Numeric("Price Cap", digits=(16, 2), readonly=True)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    leg = fields.Integer(
        "Leg", required=True, states=_states,
        help="The order of the leg in a connecting journey, from 1.")
    adult_ticket = fields.Many2One(
        'gd.ticket', "Adult Ticket", ondelete='RESTRICT',
        domain=[('order', '=', Eval('order', -1))],
        states=_states,
        help="For a child riding free: the ticket of the adult on the run.")
    id_hash = fields.Char("ID Hash", readonly=True)
    refund_fee = fields.Numeric("Refund Fee", digits=(16, 2), readonly=True)
    refund_amount = fields.Numeric(
        "Refund Amount", digits=(16, 2), readonly=True)
    refunded_at = fields.DateTime("Refunded At", readonly=True)
    changed_from = fields.Many2One(
        'gd.ticket', "Changed From", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('sold', "Sold"),
            ('refunded', "Refunded"),
            ('changed', "Changed"),
            ('used', "Used"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'gd_ticketing.msg_ticket_number_unique'),
            # One ID, one ticket per run
            ('run_identity_exclude',
                Exclude(t, (t.run, Equal), (t.id_hash, Equal),
                    where=t.state.in_(['sold', 'used'])),
                'gd_ticketing.msg_ticket_identity_twice'),
            ]
        # A person's tickets, as a trace finds them: the search of a Char
        # compares Coalesce(id_hash, '')
        cls._sql_indexes.add(
            Index(t, (Coalesce(t.id_hash, ''), Index.Equality())))
        cls._order = [('order', 'DESC'), ('id', 'ASC')]
        cls.__rpc__.update({
                'change': RPC(readonly=False, instantiate=0),
                })
        cls._buttons.update({
                'refund': {
                    'invisible': Eval('state') != 'sold',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'single'

    @classmethod
    def default_leg(cls):
        return 1

    @fields.depends('run')
    def on_change_with_route(self, name=None):
        if self.run and self.run.route:
            return self.run.route.id

    def get_rec_name(self, name):
        return self.number or str(self.id)

    def get_times(self, name):
        return {
            'departure_time': self.departs_at,
            'arrival_time': self.arrives_at,
            }[name]

    @property
    def departs_at(self):
        "When the run leaves the departure stop"
        return self.run.departure + dt.timedelta(
            minutes=self.departure.minutes)

    @property
    def arrives_at(self):
        "When the run reaches the arrival stop"
        return self.run.departure + dt.timedelta(
            minutes=self.arrival.minutes)

    @property
    def from_index(self):
        return self.run.route.stop_index(self.departure)

    @property
    def to_index(self):
        return self.run.route.stop_index(self.arrival)

    @property
    def is_free_child(self):
        return bool(getattr(self, 'adult_ticket', None))

    @classmethod
    def check_modification(cls, mode, tickets, values=None, external=False):
        super().check_modification(
            mode, tickets, values=values, external=external)
        if not external:
            return
        if mode == 'write' and set(values) & TICKET_SYSTEM_FIELDS:
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_ticket_system_fields'))
        if mode in {'write', 'delete'}:
            for ticket in tickets:
                if ticket.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_ticket_modify_draft',
                            ticket=ticket.rec_name))

    # Sale

    def find_fare(self):
        "The fare of the ticket's stops and fare type on its route"
        Fare = Pool().get('gd.fare')
        fares = Fare.search([
                ('route', '=', self.run.route.id),
                ('departure', '=', self.departure.id),
                ('arrival', '=', self.arrival.id),
                ('fare_type', '=', self.fare_type.id),
                ], limit=1)
        if fares:
            return fares[0]

    def check_sale(self, at):
        "Check the ticket alone: run on sale, stops, fare and price"
        run = self.run
        on_sale, reason = run.is_on_sale(at)
        if not on_sale:
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_not_on_sale',
                    passenger=self.passenger.rec_name, reason=reason))
        if (self.departure.route != run.route
                or self.arrival.route != run.route
                or self.from_index >= self.to_index):
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_stops',
                    run=run.rec_name, departure=self.departure.rec_name,
                    arrival=self.arrival.rec_name))
        if self.is_free_child:
            adult = self.adult_ticket
            if (adult.order != self.order or adult.run != run
                    or adult.is_free_child):
                raise OrderError(gettext(
                        'gd_ticketing.msg_ticket_child_adult',
                        passenger=self.passenger.rec_name,
                        run=run.rec_name))
            if self.price:
                raise OrderError(gettext(
                        'gd_ticketing.msg_ticket_child_price',
                        passenger=self.passenger.rec_name))
            self.price = Decimal(0)
            return
        fare = self.find_fare()
        if not fare:
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_no_fare',
                    run=run.rec_name, departure=self.departure.rec_name,
                    arrival=self.arrival.rec_name,
                    fare_type=self.fare_type.rec_name))
        if self.price is None:
            self.price = fare.price
        if self.price < 0 or self.price > fare.price_cap:
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_above_cap',
                    passenger=self.passenger.rec_name, run=run.rec_name,
                    price=self.price, price_cap=fare.price_cap))
        self.fare = fare

    @classmethod
    def check_identities(cls, tickets, exclude=None):
        """One ID, one ticket per run: in tickets and among those sold
        (but exclude)"""
        seen = set()
        for ticket in tickets:
            key = (ticket.run.id, ticket.passenger.id_hash)
            if key in seen:
                ticket.raise_identity_twice()
            seen.add(key)
            domain = [
                ('run', '=', ticket.run.id),
                ('id_hash', '=', ticket.passenger.id_hash),
                ('state', 'in', ['sold', 'used']),
                ]
            if ticket.id is not None and ticket.id >= 0:
                domain.append(('id', '!=', ticket.id))
            if exclude:
                domain.append(('id', '!=', exclude.id))
            # Among every ticket, whoever sold it
            with without_check_access():
                others = cls.search(domain, limit=1)
            if others:
                ticket.raise_identity_twice()

    def raise_identity_twice(self):
        raise OrderError(gettext(
                'gd_ticketing.msg_ticket_identity_twice_run',
                passenger=self.passenger.rec_name, run=self.run.rec_name))

    @classmethod
    def check_journeys(cls, tickets):
        """The legs of a passenger's connecting journey meet at a transfer
        station with the minimum transfer time; a return leg leaves after
        the outward journey arrives"""
        pool = Pool()
        Configuration = pool.get('gd.ticketing.configuration')
        transfer = dt.timedelta(minutes=Configuration(1).transfer_minutes)
        journeys = defaultdict(list)
        for ticket in tickets:
            if not ticket.is_free_child and ticket.state != 'changed':
                journeys[ticket.passenger].append(ticket)
        for passenger, legs in journeys.items():
            outward = sorted(
                (t for t in legs if t.kind != 'return'),
                key=lambda t: (t.leg, t.departs_at))
            returns = [t for t in legs if t.kind == 'return']
            connecting = [t for t in outward if t.kind == 'connecting']
            for previous, leg in zip(connecting, connecting[1:]):
                if leg.departure.station != previous.arrival.station:
                    raise OrderError(gettext(
                            'gd_ticketing.msg_ticket_transfer_station',
                            passenger=passenger.rec_name,
                            previous=previous.run.rec_name,
                            arrival=previous.arrival.rec_name,
                            run=leg.run.rec_name,
                            departure=leg.departure.rec_name))
                if leg.departs_at < previous.arrives_at + transfer:
                    raise OrderError(gettext(
                            'gd_ticketing.msg_ticket_transfer_short',
                            passenger=passenger.rec_name,
                            station=leg.departure.rec_name,
                            arrival=format_local(previous.arrives_at),
                            departure=format_local(leg.departs_at),
                            minutes=transfer.seconds // 60))
            for leg in returns:
                if not outward:
                    raise OrderError(gettext(
                            'gd_ticketing.msg_ticket_return_outward',
                            passenger=passenger.rec_name))
                last = max(outward, key=lambda t: t.arrives_at)
                if leg.departs_at <= last.arrives_at:
                    raise OrderError(gettext(
                            'gd_ticketing.msg_ticket_return_early',
                            passenger=passenger.rec_name,
                            run=leg.run.rec_name,
                            departure=format_local(leg.departs_at),
                            arrival=format_local(last.arrives_at)))

    @classmethod
    def sell(cls, tickets, at):
        """Number the checked tickets, hold their seats and record them
        in the passenger flow"""
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        Flow = pool.get('gd.passenger.flow')
        for ticket in tickets:
            number = ticket.order.station.next_ticket_number()
            seat = None
            if not ticket.is_free_child:
                seats = [ticket.seat] if ticket.seat else None
                # Order.check_station checked that the order's station
                # sells the journeys; their later legs are other stations'
                with without_check_access():
                    seat, = Section.allocate(
                        ticket.run, ticket.from_index, ticket.to_index,
                        seat_numbers=seats, key=number, at=at)
            # The system writes what the sale sets
            with without_check_access():
                cls.write([ticket], {
                        'number': number,
                        'seat': seat,
                        'price': ticket.price,
                        'fare': ticket.fare.id if ticket.fare else None,
                        'price_cap': (
                            ticket.fare.price_cap if ticket.fare else None),
                        'id_hash': ticket.passenger.id_hash,
                        'state': 'sold',
                        })
        for ticket in tickets:
            Flow.record(
                ticket.run.date, ticket.departure.station, ticket.run.route,
                ticket.run.carrier, sold=1, revenue=ticket.price)

    # Refund

    @classmethod
    @ModelView.button
    def refund(cls, tickets):
        cls.refund_tickets(tickets)

    @classmethod
    def refund_tickets(cls, tickets):
        """Refund sold tickets less the fee of the tier of the time left
        before departure; free their seats"""
        pool = Pool()
        Order = pool.get('gd.order')
        Tier = pool.get('gd.ticketing.refund.tier')
        Section = pool.get('gd.run.seat.section')
        Flow = pool.get('gd.passenger.flow')
        at = now()
        tickets = cls.browse(tickets)
        cls.check_seller(tickets)
        ids = {t.id for t in tickets}
        for ticket in tickets:
            ticket.check_refund(at, ids)
        for ticket in tickets:
            rate = Tier.rate_for(ticket.departs_at - at)
            fee = (ticket.price * rate / 100).quantize(
                Decimal('0.01'), rounding=ROUND_HALF_UP)
            if ticket.seat:
                with without_check_access():
                    Section.release(ticket.run, ticket.number)
            with without_check_access():
                cls.write([ticket], {
                        'state': 'refunded',
                        'refund_fee': fee,
                        'refund_amount': ticket.price - fee,
                        'refunded_at': at,
                        })
            Flow.record(
                ticket.run.date, ticket.departure.station, ticket.run.route,
                ticket.run.carrier, refunded=1,
                revenue=-(ticket.price - fee))
        Order.update_state(list({t.order for t in tickets}))

    def check_refund(self, at, ids=()):
        if self.state == 'used':
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_refund_used',
                    ticket=self.rec_name))
        if self.state != 'sold':
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_refund_state',
                    ticket=self.rec_name))
        if at >= self.departs_at or self.run.state != 'open':
            raise OrderError(gettext(
                    'gd_ticketing.msg_ticket_refund_departed',
                    ticket=self.rec_name,
                    departure=format_local(self.departs_at)))
        for child in self.children():
            if child.id not in ids:
                raise OrderError(gettext(
                        'gd_ticketing.msg_ticket_refund_child',
                        ticket=self.rec_name, child=child.rec_name))

    def children(self):
        "The sold tickets of children riding free with this ticket"
        with without_check_access():
            return self.search([
                    ('adult_ticket', '=', self.id),
                    ('state', '=', 'sold'),
                    ])

    # Change

    @classmethod
    def change(cls, tickets, run, departure=None, arrival=None, seat=None):
        """Change each sold ticket to run, between the stations of its stops
        unless other stops are given, keeping its passenger, fare type and
        leg; return the new tickets.  The new seat is held before the old
        one is freed: a change that fails changes nothing."""
        pool = Pool()
        Run = pool.get('gd.run')
        Order = pool.get('gd.order')
        Section = pool.get('gd.run.seat.section')
        Flow = pool.get('gd.passenger.flow')
        at = now()
        tickets = cls.browse(tickets)
        run = Run(int(run))
        cls.check_seller(tickets)
        news = []
        for ticket in tickets:
            if ticket.is_free_child or ticket.children():
                raise OrderError(gettext(
                        'gd_ticketing.msg_ticket_change_child',
                        ticket=ticket.rec_name))
            ticket.check_refund(at)
            new = cls(
                order=ticket.order, passenger=ticket.passenger, run=run,
                departure=departure or _stop_of(run, ticket.departure),
                arrival=arrival or _stop_of(run, ticket.arrival),
                fare_type=ticket.fare_type, kind=ticket.kind, leg=ticket.leg,
                price=None, state='draft', changed_from=ticket)
            if not new.departure or not new.arrival:
                raise OrderError(gettext(
                        'gd_ticketing.msg_ticket_change_stops',
                        ticket=ticket.rec_name, run=run.rec_name,
                        departure=ticket.departure.rec_name,
                        arrival=ticket.arrival.rec_name))
            new.check_sale(at)
            cls.check_identities([new], exclude=ticket)
            cls.check_journeys([
                    t for t in ticket.order.tickets
                    if t.state in {'sold', 'used'} and t != ticket] + [new])
            if ticket == ticket.order.first_leg:
                ticket.order.check_station(new)
            new.number = ticket.order.station.next_ticket_number()
            # The station was checked as for a sale
            with without_check_access():
                new.seat, = Section.allocate(
                    run, new.from_index, new.to_index,
                    seat_numbers=[seat] if seat else None, key=new.number,
                    at=at)
            new.price_cap = new.fare.price_cap
            new.id_hash = new.passenger.id_hash
            new.state = 'sold'
            # The system frees the old seat and writes both tickets
            with without_check_access():
                if ticket.seat:
                    Section.release(ticket.run, ticket.number)
                cls.write([ticket], {'state': 'changed', 'refunded_at': at})
                new.save()
            Flow.record(
                ticket.run.date, ticket.departure.station, ticket.run.route,
                ticket.run.carrier, refunded=1, revenue=-ticket.price)
            Flow.record(
                run.date, new.departure.station, run.route, run.carrier,
                sold=1, revenue=new.price)
            news.append(new)
        Order.update_state(list({t.order for t in tickets}))
        return cls.browse(news)

    @classmethod
    def check_seller(cls, tickets):
        "The user may refund or change tickets: write access and rules"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ModelAccess.check(cls.__name__, 'write')
            ids = {t.id for t in tickets}
            if len(cls.search([('id', 'in', list(ids))])) != len(ids):
                # Raises the AccessError naming the records
                cls.read(list(ids), ['id'])


def _stop_of(run, stop):
    "The stop of run's route at the station of stop"
    for other in run.route.stops:
        if other.station == stop.station:
            return other


class RefundTier(ModelSQL, ModelView):
    "A refund fee by the time left before departure"
    __name__ = 'gd.ticketing.refund.tier'
    __string__ = "Refund Fee Tier"

    minutes_before = fields.Integer(
        "Minutes Before Departure", required=True,
        domain=[('minutes_before', '>=', 0)],
        help="The tier applies when at least this many minutes are left.")
    fee_rate = fields.Numeric(
        "Fee Rate (%)", digits=(5, 2), required=True,
        domain=[('fee_rate', '>=', 0), ('fee_rate', '<=', 100)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('minutes_unique', Unique(t, t.minutes_before),
                'gd_ticketing.msg_refund_tier_unique'),
            ]
        cls._order = [('minutes_before', 'DESC'), ('id', 'DESC')]

    @classmethod
    def rate_for(cls, left):
        """The fee rate (percent) for the timedelta left before departure:
        the tier with the most minutes not above it"""
        minutes = left.total_seconds() // 60
        for tier in cls.search([], order=[('minutes_before', 'DESC')]):
            if minutes >= tier.minutes_before:
                return tier.fee_rate
        return Decimal(100)


class Run(metaclass=PoolMeta):
    __name__ = 'gd.run'

    tickets = fields.One2Many('gd.ticket', 'run', "Tickets", readonly=True)


class Station(metaclass=PoolMeta):
    __name__ = 'gd.station'

    route_stops = fields.One2Many(
        'gd.route.stop', 'station', "Route Stops", readonly=True)
    ticket_sequence = fields.Many2One(
        'ir.sequence', "Ticket Sequence", readonly=True,
        ondelete='RESTRICT',
        help="The serial of the station's ticket numbers, created with "
        "its first ticket.")

    def next_ticket_number(self):
        """A new ticket number: the city's area code (province 44, city,
        county), the station code and the station's serial"""
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        sequence = self.get_ticket_sequence()
        serial = Sequence(sequence.id).get()
        area = self.city.code
        code = self.code
        if code.startswith(area):
            code = code[len(area):]
        return f'{area}{code}{serial}'

    def get_ticket_sequence(self):
        "The station's sequence of tickets, created when missing"
        return self.get_sequence('ticket_sequence', 'sequence_type_ticket', 8)

    def get_sequence(self, field, sequence_type, padding):
        """The station's sequence stored in field, created when missing with
        the gd_ticketing sequence type of that XML id and padding"""
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        if getattr(self, field):
            return getattr(self, field)
        transaction = Transaction()
        table = self.__table__()
        column = Column(table, field)
        cursor = transaction.connection.cursor()
        # One transaction creates it: the others wait, then find it
        query = table.select(column, where=table.id == self.id)
        if transaction.database.has_select_for():
            query.for_ = For('UPDATE')
        cursor.execute(*query)
        sequence_id, = cursor.fetchone()
        if sequence_id:
            return Sequence(sequence_id)
        # The system keeps the sequences
        with without_check_access():
            sequence, = Sequence.create([{
                        'name': self.code,
                        'sequence_type': ModelData.get_id(
                            'gd_ticketing', sequence_type),
                        'padding': padding,
                        }])
            self.write([self], {field: sequence.id})
        return sequence


class Configuration(metaclass=PoolMeta):
    __name__ = 'gd.ticketing.configuration'

    order_sequence = fields.Many2One(
        'ir.sequence', "Order Sequence", required=True,
        domain=[('sequence_type', '=', Eval('order_sequence_type', -1))])
    order_sequence_type = fields.Function(
        fields.Many2One('ir.sequence.type', "Order Sequence Type"),
        'get_order_sequence_type')

    @classmethod
    def default_order_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('gd_ticketing', 'sequence_order')
        except KeyError:
            return None

    def get_order_sequence_type(self, name=None):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('gd_ticketing', 'sequence_type_order')

    def get_order_sequence(self):
        return self.order_sequence

