# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Schedules (班次计划), their dated runs (班次) and the seat inventory of a
run per section

Times: a schedule's departure time is the local time of Guangdong
(Asia/Shanghai, UTC+8, no daylight saving).  A run's departure is a
DateTime stored as Tryton stores every DateTime, naive in UTC; the clients
show it in the user's timezone.  is_on_sale and allocate take naive UTC
datetimes (datetime.datetime.now() in the server)."""
import datetime as dt

from sql import For
from sql.aggregate import Count

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice, reduce_ids
from trytond.tools.timezone import UTC, get_tzinfo
from trytond.transaction import Transaction, without_check_access

from .code import code_field
from .exceptions import RunAccessError, SaleError, ScheduleError

TIMEZONE = get_tzinfo('Asia/Shanghai')
WEEKDAYS = [
    'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday',
    'sunday']


def local_to_utc(date, time):
    "The naive UTC datetime of date and time in Guangdong"
    return dt.datetime.combine(date, time, tzinfo=TIMEZONE).astimezone(
        UTC).replace(tzinfo=None)


def utc_to_local(value):
    "The naive local datetime of Guangdong of a naive UTC datetime"
    return value.replace(tzinfo=UTC).astimezone(TIMEZONE).replace(
        tzinfo=None)


def format_local(value):
    return utc_to_local(value).strftime('%Y-%m-%d %H:%M')


def is_admin():
    "Whether the current user is an administrator"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return ModelData.get_id('res', 'group_admin') in User.get_groups()


def check_station_fields(records, values, allowed, message):
    """Refuse, when an RPC call of a user who is not an administrator
    writes other fields than allowed"""
    if is_admin():
        return
    refused = set(values) - allowed
    if refused:
        record = records[0]
        strings = record.fields_get(sorted(refused))
        raise RunAccessError(gettext(
                message, record=record.rec_name,
                fields='、'.join(
                    strings[n]['string'] for n in sorted(refused))))


class Schedule(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.schedule'
    __string__ = "Schedule"
    _rec_name = 'number'

    number = fields.Char(
        "Number", required=True,
        help="The schedule number (班次号), unique at its origin station.")
    route = fields.Many2One(
        'gd.route', "Route", required=True, ondelete='RESTRICT')
    origin_station = fields.Function(
        fields.Many2One('gd.station', "Origin Station"),
        'get_origin_station', searcher='search_origin_station')
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, ondelete='RESTRICT')
    departure_time = fields.Time(
        "Departure Time", required=True,
        help="The local time of departure at the origin station.")
    monday = fields.Boolean("Monday")
    tuesday = fields.Boolean("Tuesday")
    wednesday = fields.Boolean("Wednesday")
    thursday = fields.Boolean("Thursday")
    friday = fields.Boolean("Friday")
    saturday = fields.Boolean("Saturday")
    sunday = fields.Boolean("Sunday")
    valid_from = fields.Date("Valid From", required=True)
    valid_to = fields.Date(
        "Valid To",
        domain=[If(Eval('valid_to') & Eval('valid_from'),
                ('valid_to', '>=', Eval('valid_from')),
                ())])
    schedule_type = code_field(
        'schedule_type', "Schedule Type", required=True)
    vehicle_type = code_field('vehicle_type', "Vehicle Type")
    seats = fields.Integer(
        "Seats", required=True, help="The seats put on sale on each run.")
    sale_open_days = fields.Integer(
        "Sale Opens (Days)", required=True,
        domain=[('sale_open_days', '>=', 0)],
        help="Sales open at midnight this many days before the run's date.")
    sale_close_minutes = fields.Integer(
        "Sale Closes (Minutes)", required=True,
        domain=[('sale_close_minutes', '>=', 0)],
        help="Sales close this many minutes before departure.")
    gate = fields.Char("Check Gate", help="The default check gate (检票口).")
    bay = fields.Char("Bay", help="The default departure bay (发车位).")
    runs = fields.One2Many('gd.run', 'schedule', "Runs", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('departure_time', 'ASC'))
        cls._order.insert(1, ('number', 'ASC'))
        cls._buttons.update({
                'generate': {
                    'readonly': ~Eval('active', True),
                    'depends': ['active'],
                    },
                })

    @classmethod
    def default_monday(cls):
        return True

    default_tuesday = default_wednesday = default_thursday = default_monday
    default_friday = default_saturday = default_sunday = default_monday

    @classmethod
    def default_valid_from(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_sale_open_days(cls):
        return 7

    @classmethod
    def default_sale_close_minutes(cls):
        return 10

    def get_origin_station(self, name):
        if self.route and self.route.origin_station:
            return self.route.origin_station.id

    @classmethod
    def search_origin_station(cls, name, clause):
        nested = clause[0][len(name):]
        return [('route.origin_station' + nested, *clause[1:])]

    def get_rec_name(self, name):
        return f'{self.number} {self.route.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('route.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def validate_fields(cls, schedules, field_names):
        super().validate_fields(schedules, field_names)
        for schedule in schedules:
            if schedule.seats is None or schedule.seats <= 0:
                raise ScheduleError(gettext(
                        'gd_ticketing.msg_schedule_seats_positive',
                        schedule=schedule.rec_name))
        if not field_names or field_names & {'number', 'route'}:
            cls.check_number(schedules)

    @classmethod
    def check_number(cls, schedules):
        "A number is used once at each origin station"
        for schedule in schedules:
            others = cls.search([
                    ('number', '=', schedule.number),
                    ('route.origin_station', '=',
                        schedule.route.origin_station.id),
                    ('id', '!=', schedule.id),
                    ('active', 'in', [True, False]),
                    ], limit=1)
            if others:
                raise ScheduleError(gettext(
                        'gd_ticketing.msg_schedule_number_unique',
                        number=schedule.number,
                        station=schedule.route.origin_station.rec_name))

    @classmethod
    def check_modification(cls, mode, schedules, values=None, external=False):
        super().check_modification(
            mode, schedules, values=values, external=external)
        if mode == 'write' and external:
            check_station_fields(
                schedules, values, {'gate', 'bay'},
                'gd_ticketing.msg_schedule_station_fields')

    def runs_on(self, date):
        "Whether the schedule runs on date"
        return (self.valid_from <= date
            and (not self.valid_to or date <= self.valid_to)
            and getattr(self, WEEKDAYS[date.weekday()]))

    def get_run_values(self, date):
        "The values of the run of the schedule on date"
        return {
            'schedule': self.id,
            'date': date,
            'route': self.route.id,
            'origin_station': self.route.origin_station.id,
            'carrier': self.carrier.id,
            'departure': local_to_utc(date, self.departure_time),
            'seats': self.seats,
            'gate': self.gate,
            'bay': self.bay,
            }

    @classmethod
    def generate_runs(cls, schedules, start=None, days=None):
        """Create the missing runs of the schedules for the days from start
        (today by default); days comes from the configuration"""
        pool = Pool()
        Run = pool.get('gd.run')
        Date = pool.get('ir.date')
        Configuration = pool.get('gd.ticketing.configuration')
        if start is None:
            start = Date.today()
        if days is None:
            days = Configuration(1).days_ahead
        dates = [start + dt.timedelta(days=d) for d in range(days)]
        if not dates:
            return []
        existing = set()
        for sub in grouped_slice(schedules):
            runs = Run.search([
                    ('schedule', 'in', [s.id for s in sub]),
                    ('date', '>=', dates[0]),
                    ('date', '<=', dates[-1]),
                    ])
            existing.update((r.schedule.id, r.date) for r in runs)
        vlist = []
        for schedule in schedules:
            if not schedule.active:
                continue
            for date in dates:
                if (schedule.runs_on(date)
                        and (schedule.id, date) not in existing):
                    vlist.append(schedule.get_run_values(date))
        return Run.create(vlist)

    @classmethod
    def generate_runs_cron(cls):
        "Generate the runs of every active schedule, called by ir.cron"
        cls.generate_runs(cls.search([]))

    @classmethod
    @ModelView.button
    def generate(cls, schedules):
        cls.generate_runs(schedules)


class Run(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.run'
    __string__ = "Run"

    _states = {
        'readonly': Eval('state').in_(['departed', 'cancelled']),
        }

    schedule = fields.Many2One(
        'gd.schedule', "Schedule", required=True, ondelete='RESTRICT',
        readonly=True)
    number = fields.Function(fields.Char("Number"), 'get_number')
    date = fields.Date("Date", required=True, readonly=True)
    route = fields.Many2One(
        'gd.route', "Route", required=True, ondelete='RESTRICT',
        readonly=True)
    origin_station = fields.Many2One(
        'gd.station', "Origin Station", required=True, ondelete='RESTRICT',
        readonly=True)
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, ondelete='RESTRICT',
        readonly=True)
    departure = fields.DateTime(
        "Departure", required=True, states=_states,
        help="The departure at the origin station.")
    vehicle = fields.Many2One(
        'gd.vehicle', "Vehicle", ondelete='RESTRICT', states=_states,
        domain=[('carrier', '=', Eval('carrier', -1))])
    driver = fields.Many2One(
        'gd.driver', "Driver", ondelete='RESTRICT', states=_states,
        domain=[('carrier', '=', Eval('carrier', -1))])
    gate = fields.Char("Check Gate", states=_states)
    bay = fields.Char("Bay", states=_states)
    seats = fields.Integer(
        "Seats", required=True, states=_states,
        help="The seats on sale, numbered from 1; at most the vehicle's.")
    free_seats = fields.Function(
        fields.Integer(
            "Free Seats",
            help="The seats free on every section of the route."),
        'get_free_seats')
    sale_opens = fields.Function(
        fields.DateTime("Sale Opens"), 'get_sale_window')
    sale_closes = fields.Function(
        fields.DateTime("Sale Closes"), 'get_sale_window')
    inventory_revision = fields.Integer(
        "Inventory Revision", readonly=True,
        help="Counts the changes of the seat inventory.")
    state = fields.Selection([
            ('planned', "Planned"),
            ('open', "Open"),
            ('departed', "Departed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('schedule_date_unique', Unique(t, t.schedule, t.date),
                'gd_ticketing.msg_run_unique'),
            ]
        cls._order = [('departure', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('planned', 'open'),
            ('planned', 'cancelled'),
            ('open', 'departed'),
            ('open', 'cancelled'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'depart': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['planned', 'open']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_inventory_revision(cls):
        return 0

    def get_number(self, name):
        return self.schedule.number

    def get_rec_name(self, name):
        return f'{self.schedule.number} {self.date}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('schedule.number',) + tuple(clause[1:])]

    @classmethod
    def get_free_seats(cls, runs, name):
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        section = Section.__table__()
        cursor = Transaction().connection.cursor()
        taken = {}
        for sub in grouped_slice(runs):
            cursor.execute(*section.select(
                    section.run, Count(section.seat, distinct=True),
                    where=reduce_ids(section.run, [r.id for r in sub]),
                    group_by=[section.run]))
            taken.update(cursor)
        return {r.id: r.seats - taken.get(r.id, 0) for r in runs}

    def get_sale_window(self, name):
        if name == 'sale_opens':
            day = self.date - dt.timedelta(days=self.schedule.sale_open_days)
            return local_to_utc(day, dt.time())
        return self.departure - dt.timedelta(
            minutes=self.schedule.sale_close_minutes)

    def is_on_sale(self, at=None):
        """Return whether seats may be sold at (a naive UTC datetime, now
        by default) and, when not, the reason"""
        if at is None:
            at = dt.datetime.now()
        if self.state != 'open':
            state = dict(self.fields_get(['state'])['state']['selection'])
            return False, gettext(
                'gd_ticketing.msg_run_not_open',
                run=self.rec_name, state=state[self.state])
        if at < self.sale_opens:
            return False, gettext(
                'gd_ticketing.msg_run_sale_not_open_yet',
                run=self.rec_name, opens=format_local(self.sale_opens))
        if at >= self.sale_closes:
            return False, gettext(
                'gd_ticketing.msg_run_sale_closed',
                run=self.rec_name, closes=format_local(self.sale_closes))
        return True, None

    @classmethod
    def find_journeys(cls, departure, arrival, date, count=1, at=None):
        """The runs of date on sale at that call at the station departure
        and later at the station arrival, with at least count seats free
        on every section between: a list of (run, from_index, to_index,
        free seats)"""
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        runs = cls.search([
                ('date', '=', date),
                ('state', '=', 'open'),
                ('route.stops.station', '=', departure.id),
                ('route.stops.station', '=', arrival.id),
                ])
        journeys = []
        for run in runs:
            if not run.is_on_sale(at)[0]:
                continue
            stations = [s.station.id for s in run.route.stops]
            from_index = stations.index(departure.id)
            if arrival.id not in stations[from_index + 1:]:
                continue
            to_index = stations.index(arrival.id, from_index + 1)
            free = run.seats - len(
                Section.taken_seats(run, from_index, to_index))
            if free >= count:
                journeys.append((run, from_index, to_index, free))
        return journeys

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Schedule = pool.get('gd.schedule')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('schedule') and values.get('date'):
            schedule = Schedule(values['schedule'])
            for name, value in schedule.get_run_values(
                    values['date']).items():
                values.setdefault(name, value)
        return values

    @classmethod
    def _validate(cls, runs, field_names=None):
        # Before the domains of vehicle and driver, to say why
        for run in runs:
            run.check_vehicle()
        super()._validate(runs, field_names=field_names)

    @classmethod
    def validate_fields(cls, runs, field_names):
        super().validate_fields(runs, field_names)
        for run in runs:
            run.check_seats()

    def check_vehicle(self):
        if self.vehicle and self.vehicle.carrier != self.carrier:
            raise ScheduleError(gettext(
                    'gd_ticketing.msg_run_vehicle_carrier',
                    run=self.rec_name, vehicle=self.vehicle.rec_name,
                    vehicle_carrier=self.vehicle.carrier.rec_name,
                    carrier=self.carrier.rec_name))
        if self.driver and self.driver.carrier != self.carrier:
            raise ScheduleError(gettext(
                    'gd_ticketing.msg_run_driver_carrier',
                    run=self.rec_name, driver=self.driver.rec_name,
                    driver_carrier=self.driver.carrier.rec_name,
                    carrier=self.carrier.rec_name))

    def check_seats(self):
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        if self.seats is None or self.seats <= 0:
            raise ScheduleError(gettext(
                    'gd_ticketing.msg_run_seats_positive', run=self.rec_name))
        if self.vehicle and self.seats > self.vehicle.seats:
            raise ScheduleError(gettext(
                    'gd_ticketing.msg_run_seats_above_vehicle',
                    run=self.rec_name, seats=self.seats,
                    vehicle=self.vehicle.rec_name,
                    vehicle_seats=self.vehicle.seats))
        held = Section.search([
                ('run', '=', self.id),
                ('seat', '>', self.seats),
                ], order=[('seat', 'DESC')], limit=1)
        if held:
            raise ScheduleError(gettext(
                    'gd_ticketing.msg_run_seats_below_held',
                    run=self.rec_name, seats=self.seats,
                    seat=held[0].seat))

    @classmethod
    def check_modification(cls, mode, runs, values=None, external=False):
        super().check_modification(
            mode, runs, values=values, external=external)
        if mode == 'write':
            for run in runs:
                if run.state in {'departed', 'cancelled'}:
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_run_closed_modify',
                            run=run.rec_name))
            if external:
                check_station_fields(
                    runs, values,
                    {'gate', 'bay', 'vehicle', 'driver', 'departure'},
                    'gd_ticketing.msg_run_station_fields')
        elif mode == 'delete':
            for run in runs:
                if run.state != 'planned':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_run_delete_planned',
                            run=run.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, runs):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('departed')
    def depart(cls, runs):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, runs):
        pass


class RunSeatSection(ModelSQL, ModelView):
    """A seat of a run held on one section of its route

    Section i runs from stop i to stop i + 1 of the run's route.  A journey
    from stop i to stop j holds its seat on the sections i to j - 1, so two
    journeys on disjoint sections may hold the same seat."""
    __name__ = 'gd.run.seat.section'
    __string__ = "Run Seat Section"
    __access__ = {'run'}

    run = fields.Many2One(
        'gd.run', "Run", required=True, ondelete='CASCADE', readonly=True)
    seat = fields.Integer("Seat", required=True, readonly=True)
    section = fields.Integer("Section", required=True, readonly=True)
    key = fields.Char(
        "Hold Key", required=True, readonly=True,
        help="Identifies who holds the seat, to release it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('run_seat_section_unique', Unique(t, t.run, t.seat, t.section),
                'gd_ticketing.msg_seat_section_unique'),
            ]
        cls._order = [
            ('run', 'ASC'), ('seat', 'ASC'), ('section', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def check_modification(
            cls, mode, sections, values=None, external=False):
        super().check_modification(
            mode, sections, values=values, external=external)
        # Seats are held and freed by allocate and release only, which
        # check the sale window and the capacity
        if external:
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_seat_section_direct'))

    @classmethod
    def _lock_run(cls, run):
        """Lock the row of run until the end of the transaction and count
        a change of its inventory

        Under REPEATABLE READ (trytond on PostgreSQL) a transaction whose
        snapshot predates a committed change of the run fails here with a
        serialization error: the dispatcher retries it with a fresh
        snapshot, so the seats counted below are never stale."""
        pool = Pool()
        Run = pool.get('gd.run')
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        table = Run.__table__()
        query = table.select(table.id, where=table.id == run.id)
        if transaction.database.has_select_for():
            query.for_ = For('UPDATE')
        cursor.execute(*query)
        cursor.execute(*table.update(
                [table.inventory_revision],
                [table.inventory_revision + 1],
                where=table.id == run.id))

    @classmethod
    def _check_seller(cls, run):
        "The user may sell the run: write access and the run's rules"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Run = pool.get('gd.run')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ModelAccess.check(Run.__name__, 'write')
            if not Run.search([('id', '=', run.id)]):
                Run.read([run.id], ['id'])

    @classmethod
    def taken_seats(cls, run, from_index, to_index):
        "The seats held on any section from stop from_index to to_index"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.seat,
                where=(table.run == run.id)
                & (table.section >= from_index)
                & (table.section < to_index),
                group_by=[table.seat]))
        return {s for s, in cursor}

    @classmethod
    def allocate(
            cls, run, from_index, to_index, count=1, seat_numbers=None,
            key=None, at=None):
        """Hold count seats (or the seat_numbers) of run for the journey
        from the stop from_index to the stop to_index of its route, under
        key; return the seat numbers

        A seat is given only when free on every section of the journey.
        The run's row is locked first, so allocations of one run happen
        one after the other; the unique constraint on (run, seat, section)
        is the last guard."""
        pool = Pool()
        Run = pool.get('gd.run')
        cls._check_seller(run)
        if not key:
            raise ValueError("a hold key is required")
        cls._lock_run(run)
        run = Run(run.id)
        on_sale, reason = run.is_on_sale(at)
        if not on_sale:
            raise SaleError(gettext(
                    'gd_ticketing.msg_seat_sale_refused', reason=reason))
        stops = run.route.stops
        if not (0 <= from_index < to_index < len(stops)):
            raise SaleError(gettext(
                    'gd_ticketing.msg_seat_journey_invalid',
                    run=run.rec_name, from_index=from_index,
                    to_index=to_index, stops=len(stops)))
        departure, arrival = stops[from_index], stops[to_index]
        taken = cls.taken_seats(run, from_index, to_index)
        free = [s for s in range(1, run.seats + 1) if s not in taken]
        if seat_numbers:
            seat_numbers = sorted(set(seat_numbers))
            for seat in seat_numbers:
                if not (1 <= seat <= run.seats):
                    raise SaleError(gettext(
                            'gd_ticketing.msg_seat_number_invalid',
                            run=run.rec_name, seat=seat, seats=run.seats))
                if seat in taken:
                    raise SaleError(gettext(
                            'gd_ticketing.msg_seat_taken',
                            run=run.rec_name, seat=seat,
                            departure=departure.rec_name,
                            arrival=arrival.rec_name))
        else:
            if count < 1 or count > len(free):
                raise SaleError(gettext(
                        'gd_ticketing.msg_seat_not_enough',
                        run=run.rec_name, count=count, free=len(free),
                        departure=departure.rec_name,
                        arrival=arrival.rec_name))
            seat_numbers = free[:count]
        # Access was checked above: the holds are written by the system
        with without_check_access():
            cls.create([{
                        'run': run.id,
                        'seat': seat,
                        'section': section,
                        'key': key,
                        }
                    for seat in seat_numbers
                    for section in range(from_index, to_index)])
        return seat_numbers

    @classmethod
    def release(cls, run, key):
        "Free the seats of run held under key; return how many rows"
        cls._check_seller(run)
        cls._lock_run(run)
        # Access was checked above
        with without_check_access():
            holds = cls.search([('run', '=', run.id), ('key', '=', key)])
            cls.delete(holds)
        return len(holds)
