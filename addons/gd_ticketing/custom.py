# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Customized travel (定制客运): demand-responsive service booked online
with pick-up and drop-off points and a pick-up time window, aggregated by a
carrier into custom runs (DOMAIN.md §3)

A custom run is an ordinary gd.run, so that the seat inventory, the
real-name tickets, their QR codes and vouchers, the boarding check, the
passenger flow and the trace work on it unchanged.  The carrier's planning
gives it a route of its own from the station area of the pick-ups to that
of the drop-offs, a schedule of type "custom" and a fare; both stay
inactive, out of the network's lists and journey searches.  The points the
bus calls at are the run's gd.custom.stop, ordered, with a planned time
inside each request's window.

Times are naive UTC datetimes as everywhere in gd_ticketing."""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import order as order_module
from .exceptions import CustomTravelError
from .order import PAYMENT_METHODS
from .schedule import format_local, utc_to_local


def _now():
    "The time of a request or a planning: naive UTC (patched by tests)"
    return order_module.now()


class Request(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.custom.request'
    __string__ = "Customized Travel Request"

    _states = {
        'readonly': Eval('state') != 'requested',
        }

    departure_station = fields.Many2One(
        'gd.station', "Departure Station", required=True,
        ondelete='RESTRICT', states=_states,
        help="The station area of the pick-up point: the station that "
        "sells the tickets and whose gate may check them.")
    arrival_station = fields.Many2One(
        'gd.station', "Arrival Station", required=True,
        ondelete='RESTRICT', states=_states,
        help="The station area of the drop-off point.")
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", ondelete='RESTRICT', states=_states,
        help="The carrier asked for; empty for any carrier.")
    date = fields.Date("Date", required=True, states=_states)
    pickup_address = fields.Char(
        "Pick-up Point", required=True, states=_states)
    pickup_latitude = fields.Float(
        "Pick-up Latitude", digits=(9, 6), states=_states)
    pickup_longitude = fields.Float(
        "Pick-up Longitude", digits=(9, 6), states=_states)
    dropoff_address = fields.Char(
        "Drop-off Point", required=True, states=_states)
    dropoff_latitude = fields.Float(
        "Drop-off Latitude", digits=(9, 6), states=_states)
    dropoff_longitude = fields.Float(
        "Drop-off Longitude", digits=(9, 6), states=_states)
    earliest_pickup = fields.DateTime(
        "Earliest Pick-up", required=True, states=_states)
    latest_pickup = fields.DateTime(
        "Latest Pick-up", required=True, states=_states,
        domain=[If(Eval('earliest_pickup') & Eval('latest_pickup'),
                ('latest_pickup', '>', Eval('earliest_pickup')),
                ())])
    passengers = fields.One2Many(
        'gd.custom.request.passenger', 'request', "Passengers",
        states=_states,
        help="One real-name passenger per seat.")
    seats = fields.Function(fields.Integer("Seats"), 'get_seats')
    contact_phone = fields.Char(
        "Contact Phone", required=True, states=_states)
    payment_method = fields.Selection(
        PAYMENT_METHODS, "Payment Method", required=True, states=_states)
    payment_reference = fields.Char(
        "Payment Reference", states=_states)
    requested_by = fields.Many2One(
        'res.user', "Requested By", readonly=True, ondelete='RESTRICT')
    run = fields.Many2One(
        'gd.run', "Custom Run", readonly=True, ondelete='RESTRICT')
    pickup_time = fields.DateTime("Planned Pick-up", readonly=True)
    dropoff_time = fields.DateTime("Planned Drop-off", readonly=True)
    order = fields.Many2One(
        'gd.order', "Order", readonly=True, ondelete='RESTRICT')
    reject_reason = fields.Char(
        "Reason of Rejection",
        states={
            'readonly': Eval('state') != 'requested',
            'required': Eval('state') == 'rejected',
            })
    state = fields.Selection([
            ('requested', "Requested"),
            ('planned', "Planned"),
            ('ticketed', "Ticketed"),
            ('cancelled', "Cancelled"),
            ('rejected', "Rejected"),
            ], "State", required=True, readonly=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('earliest_pickup', 'ASC'),
            ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'planned'),
            ('planned', 'ticketed'),
            ('requested', 'cancelled'),
            ('planned', 'cancelled'),
            ('requested', 'rejected'),
            }
        cls._buttons.update({
                'plan_wizard': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'issue': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['requested', 'planned']),
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    @classmethod
    def default_payment_method(cls):
        return 'wechat'

    @classmethod
    def default_departure_station(cls):
        User = Pool().get('res.user')
        stations = User.get_gd_stations()
        if stations:
            return stations[0]

    def get_seats(self, name):
        return len(self.passengers)

    def get_rec_name(self, name):
        return (f'{self.id} {self.date} {self.pickup_address} - '
            f'{self.dropoff_address}')

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('pickup_address', operator, operand, *extra),
            ('dropoff_address', operator, operand, *extra),
            ]

    @property
    def window(self):
        "The pick-up window in local time, to show"
        return (f'{format_local(self.earliest_pickup)} - '
            f'{utc_to_local(self.latest_pickup).strftime("%H:%M")}')

    # Validation

    @classmethod
    def _validate(cls, requests, field_names=None):
        # Before the domain of the latest pick-up, to say why
        for request in requests:
            if request.state == 'requested':
                request.check_window_order()
        super()._validate(requests, field_names=field_names)

    @classmethod
    def validate_fields(cls, requests, field_names):
        super().validate_fields(requests, field_names)
        times = {'date', 'earliest_pickup', 'latest_pickup'}
        for request in requests:
            if request.state != 'requested':
                continue
            if not field_names or field_names & times:
                request.check_window()
            if not field_names or 'passengers' in field_names:
                cls.check_passengers([
                        (p.passenger.rec_name, p.passenger.id_hash)
                        for p in request.passengers])

    def check_window_order(self):
        if (self.earliest_pickup and self.latest_pickup
                and self.earliest_pickup >= self.latest_pickup):
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_window_inverted',
                    earliest=format_local(self.earliest_pickup),
                    latest=format_local(self.latest_pickup)))

    def check_window(self, at=None):
        """The window is not inverted, on the request's date, to come and
        within the days on sale"""
        pool = Pool()
        Configuration = pool.get('gd.ticketing.configuration')
        at = at or _now()
        self.check_window_order()
        if (utc_to_local(self.earliest_pickup).date() != self.date
                or utc_to_local(self.latest_pickup).date() != self.date):
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_window_date',
                    date=self.date, window=self.window))
        if self.earliest_pickup <= at:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_window_past',
                    window=self.window, now=format_local(at)))
        days = Configuration(1).days_ahead
        last = utc_to_local(at).date() + dt.timedelta(days=days)
        if self.date > last:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_date_late',
                    date=self.date, days=days, last=last))

    @classmethod
    def check_passengers(cls, identities):
        """At least one passenger, not more than a request may take, each
        once: identities is a list of (name, id_hash)"""
        pool = Pool()
        Configuration = pool.get('gd.ticketing.configuration')
        maximum = Configuration(1).custom_seats_max
        if not identities:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_no_passenger'))
        if len(identities) > maximum:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_seats_max',
                    seats=len(identities), maximum=maximum))
        seen = set()
        for name, id_hash in identities:
            if id_hash in seen:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_passenger_twice',
                        passenger=name))
            seen.add(id_hash)

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if not external:
            return
        if mode == 'write':
            # The buttons and the planning move the state and set the run
            if set(values) & {'state', 'run', 'order', 'pickup_time',
                    'dropoff_time', 'requested_by'}:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_system_fields'))
            for request in requests:
                if request.state != 'requested':
                    raise CustomTravelError(gettext(
                            'gd_ticketing.msg_custom_modify_requested',
                            request=request.rec_name))
            # A carrier plans or rejects what the passengers asked for
            if (Pool().get('res.user').get_gd_carriers()
                    and set(values) - {'reject_reason'}):
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_carrier_fields'))
        elif mode == 'delete':
            for request in requests:
                if request.state != 'requested':
                    raise CustomTravelError(gettext(
                            'gd_ticketing.msg_custom_modify_requested',
                            request=request.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('requested_by', Transaction().user or None)
        return values

    # Submission by an online channel

    @classmethod
    def submit(cls, vlist):
        """Create requests from vlist, all or nothing: each values holds the
        request's fields and 'passengers', a list of dicts of name, id_type
        and id_number; the passengers are found or created (encrypted,
        masked).  When one cannot be made nothing is left."""
        pool = Pool()
        Passenger = pool.get('gd.passenger')
        # Check everything before anything is created
        for values in vlist:
            identities = []
            for passenger in values.get('passengers') or []:
                if not passenger.get('name'):
                    raise CustomTravelError(gettext(
                            'gd_ticketing.msg_custom_passenger_name'))
                if not passenger.get('id_number'):
                    raise CustomTravelError(gettext(
                            'gd_ticketing.msg_custom_passenger_id',
                            passenger=passenger['name']))
                protected = Passenger.protect(
                    passenger.get('id_type') or Passenger.default_id_type(),
                    passenger['id_number'])
                identities.append((
                        f"{passenger['name']} {protected['id_masked']}",
                        protected['id_hash']))
            cls.check_passengers(identities)
            request = cls(**{k: v for k, v in values.items()
                    if k in {'date', 'earliest_pickup', 'latest_pickup'}})
            if request.earliest_pickup and request.latest_pickup:
                request.check_window()
        created_passengers = []
        try:
            to_create = []
            for values in vlist:
                values = values.copy()
                lines = []
                for passenger in values.pop('passengers', None) or []:
                    record, created = Passenger.find_or_create(passenger)
                    if created:
                        created_passengers.append(record)
                    lines.append({'passenger': record.id})
                values['passengers'] = [('create', lines)]
                to_create.append(values)
        except UserError:
            if not order_module._aborted():
                # Only what this call created, by the system
                with without_check_access():
                    Passenger.delete(Passenger.browse(
                            [p.id for p in created_passengers]))
            raise
        return cls.create(to_create)

    # Planning by the carrier

    @classmethod
    def check_planner(cls, requests):
        """The user may plan requests: write access and the rules (the
        carrier's requests and those for any carrier still requested)"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ModelAccess.check(cls.__name__, 'write')
            ids = {r.id for r in requests}
            if len(cls.search([('id', 'in', list(ids))])) != len(ids):
                # Raises the AccessError naming the records
                cls.read(list(ids), ['id'])

    @classmethod
    def schedule_stops(cls, requests, stop_minutes, travel_minutes):
        """The requests in the order of their pick-ups with the planned
        pick-up and drop-off times: a list of (request, pick-up,
        drop-off).  Pick-ups follow each other by stop_minutes at the
        earliest of each window; the drop-offs come travel_minutes after
        the last pick-up, in the same order.  A pick-up that cannot be
        inside its window refuses the whole."""
        stop = dt.timedelta(minutes=stop_minutes)
        ordered = sorted(
            requests, key=lambda r: (r.earliest_pickup, r.latest_pickup, r.id))
        planned, previous = [], None
        for request in ordered:
            pickup = request.earliest_pickup
            if previous is not None:
                pickup = max(pickup, previous + stop)
            if pickup > request.latest_pickup:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_window_unserved',
                        request=request.rec_name, window=request.window,
                        time=format_local(pickup)))
            planned.append(pickup)
            previous = pickup
        first_dropoff = previous + dt.timedelta(minutes=travel_minutes)
        return [(request, pickup, first_dropoff + i * stop)
            for i, (request, pickup) in enumerate(zip(ordered, planned))]

    @classmethod
    def check_plan(cls, requests, vehicle, driver, at):
        "Check that requests can be planned together on vehicle"
        pool = Pool()
        Vehicle = pool.get('gd.vehicle')
        Driver = pool.get('gd.driver')
        if not requests:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_plan_nothing'))
        cls.check_planner(requests)
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            # The vehicle and the driver of the user's carrier
            for Model, record in [(Vehicle, vehicle), (Driver, driver)]:
                if not Model.search([('id', '=', record.id)]):
                    Model.read([record.id], ['id'])
        carrier = vehicle.carrier
        if driver.carrier != carrier:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_driver_carrier',
                    driver=driver.rec_name, carrier=carrier.rec_name))
        first = requests[0]
        for request in requests:
            if request.state != 'requested':
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_plan_state',
                        request=request.rec_name,
                        state=request.state_string))
            if request.carrier and request.carrier != carrier:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_other_carrier',
                        request=request.rec_name,
                        carrier=request.carrier.rec_name,
                        vehicle=vehicle.rec_name))
            if (request.date != first.date
                    or request.departure_station != first.departure_station
                    or request.arrival_station != first.arrival_station):
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_plan_mismatch',
                        request=request.rec_name, other=first.rec_name))
            if request.earliest_pickup <= at:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_window_past',
                        window=request.window, now=format_local(at)))
        seats = sum(r.seats for r in requests)
        if seats > vehicle.seats:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_plan_seats',
                    seats=seats, vehicle=vehicle.rec_name,
                    vehicle_seats=vehicle.seats))
        # One ID, one ticket per run
        seen = {}
        for request in requests:
            for line in request.passengers:
                other = seen.setdefault(line.passenger.id_hash, request)
                if other != request:
                    raise CustomTravelError(gettext(
                            'gd_ticketing.msg_custom_plan_identity',
                            passenger=line.passenger.rec_name,
                            request=request.rec_name, other=other.rec_name))

    @classmethod
    def plan(cls, requests, vehicle, driver, price, distance_km,
            stop_minutes=10, travel_minutes=60):
        """Group the requests into a new custom run of vehicle and driver
        with their pick-up and drop-off points as its stops; return the
        run.  Nothing is created when the requests cannot be planned
        together."""
        pool = Pool()
        Route = pool.get('gd.route')
        Schedule = pool.get('gd.schedule')
        Run = pool.get('gd.run')
        Fare = pool.get('gd.fare')
        Stop = pool.get('gd.custom.stop')
        Code = pool.get('gd.ticketing.code')
        Sequence = pool.get('ir.sequence')
        Configuration = pool.get('gd.ticketing.configuration')
        at = _now()
        requests = cls.browse(requests)
        cls.check_plan(requests, vehicle, driver, at)
        if price is None or price < 0:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_plan_price'))
        if distance_km is None or distance_km <= 0:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_plan_distance'))
        if stop_minutes < 0 or travel_minutes <= 0:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_plan_minutes'))
        stops = cls.schedule_stops(requests, stop_minutes, travel_minutes)
        first = requests[0]
        departure = stops[0][1]
        arrival = max(d for _, _, d in stops)
        minutes = int((arrival - departure).total_seconds() // 60)
        local = utc_to_local(departure)
        sequence = Configuration(1).custom_run_sequence
        # The checks above were made with the user's rights: the system
        # writes the run's route, schedule, fare and stops, which carriers
        # may not write by hand
        with without_check_access():
            number = Sequence(sequence.id).get()
            route_type, = Code.search([
                    ('category', '=', 'route_type'),
                    ('code', '=', 'county'
                        if first.departure_station.city
                        == first.arrival_station.city else 'inter_city'),
                    ], limit=1)
            route, = Route.create([{
                        'code': number,
                        'name': (f'{first.departure_station.name}—'
                            f'{first.arrival_station.name} {number}'),
                        'route_type': route_type.id,
                        'active': False,
                        'stops': [('create', [{
                                        'sequence': 1,
                                        'station': first.departure_station.id,
                                        'distance_km': Decimal(0),
                                        'minutes': 0,
                                        }, {
                                        'sequence': 2,
                                        'station': first.arrival_station.id,
                                        'distance_km': distance_km,
                                        'minutes': minutes,
                                        }])],
                        }])
            schedule_type, = Code.search([
                    ('category', '=', 'schedule_type'),
                    ('code', '=', 'custom'),
                    ], limit=1)
            weekday = {d: False for d in [
                    'monday', 'tuesday', 'wednesday', 'thursday', 'friday',
                    'saturday', 'sunday']}
            weekday[first.date.strftime('%A').lower()] = True
            schedule, = Schedule.create([{
                        'number': number,
                        'route': route.id,
                        'carrier': vehicle.carrier.id,
                        'departure_time': local.time(),
                        'valid_from': first.date,
                        'valid_to': first.date,
                        'schedule_type': schedule_type.id,
                        'vehicle_type': (vehicle.vehicle_type.id
                            if vehicle.vehicle_type else None),
                        'seats': vehicle.seats,
                        'sale_open_days': max(
                            (first.date - utc_to_local(at).date()).days, 0)
                        + 1,
                        'sale_close_minutes': 0,
                        'active': False,
                        **weekday,
                        }])
            run_values = schedule.get_run_values(first.date)
            run_values.update({
                    'departure': departure,
                    'vehicle': vehicle.id,
                    'driver': driver.id,
                    })
            run, = Run.create([run_values])
            full, = Code.search([
                    ('category', '=', 'fare_type'), ('code', '=', 'full'),
                    ], limit=1)
            Fare.create([{
                        'route': route.id,
                        'departure': route.stops[0].id,
                        'arrival': route.stops[1].id,
                        'fare_type': full.id,
                        'price': price,
                        'price_cap': price,
                        }])
            stop_values = []
            for request, pickup, _ in stops:
                stop_values.append({
                        'run': run.id, 'request': request.id,
                        'kind': 'pickup', 'planned_time': pickup,
                        'address': request.pickup_address,
                        'latitude': request.pickup_latitude,
                        'longitude': request.pickup_longitude,
                        })
            for request, _, dropoff in stops:
                stop_values.append({
                        'run': run.id, 'request': request.id,
                        'kind': 'dropoff', 'planned_time': dropoff,
                        'address': request.dropoff_address,
                        'latitude': request.dropoff_latitude,
                        'longitude': request.dropoff_longitude,
                        })
            for i, values in enumerate(stop_values, 1):
                values['sequence'] = i
            Stop.create(stop_values)
            Run.open([run])
            for request, pickup, dropoff in stops:
                cls.write([request], {
                        'run': run.id,
                        # A request for any carrier is now the planner's
                        'carrier': vehicle.carrier.id,
                        'pickup_time': pickup,
                        'dropoff_time': dropoff,
                        })
        cls._set_state(requests, 'planned')
        return Run(run.id)

    @classmethod
    def _set_state(cls, requests, state):
        # The state follows the planning; the system writes it
        with without_check_access():
            cls.write(list(requests), {'state': state})
        cls.log(requests, 'transition', f'state:{state}')

    @classmethod
    @ModelView.button_action('gd_ticketing.wizard_custom_request_plan')
    def plan_wizard(cls, requests):
        pass

    @classmethod
    @ModelView.button
    def issue(cls, requests):
        cls.issue_tickets(requests)

    @classmethod
    def issue_tickets(cls, requests):
        """Sell the real-name tickets of the planned requests on their
        custom runs, one order per request, all or nothing"""
        pool = Pool()
        Order = pool.get('gd.order')
        Fare = pool.get('gd.fare')
        Line = pool.get('gd.custom.request.passenger')
        Code = pool.get('gd.ticketing.code')
        requests = cls.browse(requests)
        cls.check_planner(requests)
        for request in requests:
            if request.state != 'planned':
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_issue_state',
                        request=request.rec_name,
                        state=request.state_string))
        # The user may plan these requests: the system sells their tickets
        # as the online channel of the run's station
        with without_check_access():
            full, = Code.search([
                    ('category', '=', 'fare_type'), ('code', '=', 'full'),
                    ], limit=1)
            vlist = []
            for request in requests:
                run = request.run
                stops = run.route.stops
                fare, = Fare.search([('route', '=', run.route.id)], limit=1)
                vlist.append({
                        'channel': 'online',
                        'station': run.origin_station.id,
                        'payments': [{
                                'method': request.payment_method,
                                'amount': fare.price * request.seats,
                                'reference': request.payment_reference,
                                }],
                        'tickets': [{
                                'passenger': line.passenger.id,
                                'run': run.id,
                                'departure': stops[0].id,
                                'arrival': stops[-1].id,
                                'fare_type': full.id,
                                } for line in request.passengers],
                        })
            with Transaction().set_context(_gd_custom_issue=True):
                orders = Order.sell(vlist)
            for request, order in zip(requests, orders):
                tickets = sorted(order.tickets, key=lambda t: t.id)
                lines = sorted(request.passengers, key=lambda p: p.id)
                for line, ticket in zip(lines, tickets):
                    Line.write([line], {'ticket': ticket.id})
                cls.write([request], {'order': order.id})
        cls._set_state(requests, 'ticketed')

    @classmethod
    @ModelView.button
    def cancel(cls, requests):
        """Cancel requests not yet ticketed (a ticketed one is refunded per
        ticket); a planned one leaves its run"""
        pool = Pool()
        Stop = pool.get('gd.custom.stop')
        requests = cls.browse(requests)
        for request in requests:
            if request.state not in {'requested', 'planned'}:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_cancel_state',
                        request=request.rec_name,
                        state=request.state_string))
        # The system removes the stops of the run that the requests leave
        with without_check_access():
            Stop.delete(Stop.search([
                        ('request', 'in', [r.id for r in requests])]))
        cls._set_state(requests, 'cancelled')

    @classmethod
    def cancel_requests(cls, requests):
        """Cancel requests, telling why one may not be (the button of a
        ticketed request is not shown, the API calls this)"""
        for request in requests:
            if request.state not in {'requested', 'planned'}:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_cancel_state',
                        request=request.rec_name,
                        state=request.state_string))
        cls.cancel(requests)

    @classmethod
    @ModelView.button
    def reject(cls, requests):
        "Refuse requests still requested, saying why"
        requests = cls.browse(requests)
        cls.check_planner(requests)
        for request in requests:
            if request.state != 'requested':
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_reject_state',
                        request=request.rec_name,
                        state=request.state_string))
            if not request.reject_reason:
                raise CustomTravelError(gettext(
                        'gd_ticketing.msg_custom_reject_reason',
                        request=request.rec_name))
        cls._set_state(requests, 'rejected')


class RequestPassenger(ModelSQL, ModelView):
    __name__ = 'gd.custom.request.passenger'
    __string__ = "Customized Travel Passenger"
    __access__ = {'request'}

    request = fields.Many2One(
        'gd.custom.request', "Request", required=True, ondelete='CASCADE')
    passenger = fields.Many2One(
        'gd.passenger', "Passenger", required=True, ondelete='RESTRICT')
    passenger_name = fields.Function(
        fields.Char("Name"), 'get_identity')
    id_masked = fields.Function(
        fields.Char("Masked ID Number"), 'get_identity')
    ticket = fields.Many2One(
        'gd.ticket', "Ticket", readonly=True, ondelete='RESTRICT')

    @classmethod
    def get_identity(cls, lines, names):
        # The name and the masked number only, which the carrier needs to
        # pick the passenger up, never the full number
        result = {n: {} for n in names}
        with without_check_access():
            for line in cls.browse(lines):
                for name in names:
                    result[name][line.id] = getattr(
                        line.passenger, name.replace('passenger_', ''))
        return result

    def get_rec_name(self, name):
        return f'{self.passenger_name} {self.id_masked or ""}'.strip()


class Stop(ModelSQL, ModelView):
    "A pick-up or drop-off point of a custom run, at its planned time"
    __name__ = 'gd.custom.stop'
    __string__ = "Custom Run Stop"
    __access__ = {'run'}

    run = fields.Many2One(
        'gd.run', "Run", required=True, ondelete='CASCADE', readonly=True)
    sequence = fields.Integer("Sequence", readonly=True)
    kind = fields.Selection([
            ('pickup', "Pick-up"),
            ('dropoff', "Drop-off"),
            ], "Kind", required=True, readonly=True)
    request = fields.Many2One(
        'gd.custom.request', "Request", required=True, readonly=True,
        ondelete='CASCADE')
    address = fields.Char("Address", required=True, readonly=True)
    latitude = fields.Float("Latitude", digits=(9, 6), readonly=True)
    longitude = fields.Float("Longitude", digits=(9, 6), readonly=True)
    planned_time = fields.DateTime(
        "Planned Time", required=True, readonly=True)
    seats = fields.Function(fields.Integer("Seats"), 'get_seats')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('run', 'ASC'), ('sequence', 'ASC'), ('id', 'ASC')]

    def get_seats(self, name):
        return self.request.seats

    @classmethod
    def check_modification(cls, mode, stops, values=None, external=False):
        super().check_modification(
            mode, stops, values=values, external=external)
        # Made by the planning only
        if external:
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_stop_direct'))


class Run(metaclass=PoolMeta):
    __name__ = 'gd.run'

    custom_stops = fields.One2Many(
        'gd.custom.stop', 'run', "Custom Stops", readonly=True,
        help="The pick-up and drop-off points of a custom run in order.")
    custom_requests = fields.One2Many(
        'gd.custom.request', 'run', "Custom Requests", readonly=True)

    @property
    def is_custom(self):
        "Whether the run is a custom run of customized travel"
        return self.schedule.schedule_type.code == 'custom'

    @classmethod
    def find_journeys(cls, *args, **kwargs):
        # The seats of a custom run go to its requests only
        return [j for j in super().find_journeys(*args, **kwargs)
            if not j[0].is_custom]


class Ticket(metaclass=PoolMeta):
    __name__ = 'gd.ticket'

    @property
    def custom_request(self):
        "The customized travel request of the ticket, if any"
        if (self.id is None or self.id < 0 or not self.run
                or not self.run.is_custom):
            return None
        Line = Pool().get('gd.custom.request.passenger')
        # The ticket's own request, whoever reads the ticket
        with without_check_access():
            lines = Line.search([('ticket', '=', self.id)], limit=1)
            if lines:
                return lines[0].request

    @property
    def departs_at(self):
        # A passenger of a custom run boards at the pick-up of the request
        request = self.custom_request
        if request and request.pickup_time:
            return request.pickup_time
        return super().departs_at

    @property
    def arrives_at(self):
        request = self.custom_request
        if request and request.dropoff_time:
            return request.dropoff_time
        return super().arrives_at

    def check_sale(self, at):
        if (self.run.is_custom
                and not Transaction().context.get('_gd_custom_issue')):
            raise CustomTravelError(gettext(
                    'gd_ticketing.msg_custom_run_sale',
                    run=self.run.rec_name))
        super().check_sale(at)


class VoucherReport(metaclass=PoolMeta):
    __name__ = 'gd.ticket.voucher'

    @classmethod
    def voucher(cls, ticket):
        "The voucher of a custom run's ticket shows where to board and alight"
        voucher = super().voucher(ticket)
        request = ticket.custom_request
        if request:
            with without_check_access():
                voucher['lines'][2:2] = [
                    (gettext('gd_ticketing.msg_voucher_pickup'),
                        request.pickup_address),
                    (gettext('gd_ticketing.msg_voucher_dropoff'),
                        request.dropoff_address),
                    ]
        return voucher


class Configuration(metaclass=PoolMeta):
    __name__ = 'gd.ticketing.configuration'

    custom_seats_max = fields.Integer(
        "Custom Request Seats", required=True,
        domain=[('custom_seats_max', '>', 0)],
        help="The most seats one customized travel request may ask for.")
    custom_run_sequence = fields.Many2One(
        'ir.sequence', "Custom Run Sequence", required=True,
        domain=[('sequence_type', '=', Eval('custom_run_sequence_type', -1))],
        help="Numbers the custom runs (their schedule and route).")
    custom_run_sequence_type = fields.Function(
        fields.Many2One('ir.sequence.type', "Custom Run Sequence Type"),
        'get_custom_run_sequence_type')

    @classmethod
    def default_custom_seats_max(cls):
        return 10

    @classmethod
    def default_custom_run_sequence(cls):
        ModelData = Pool().get('ir.model.data')
        try:
            return ModelData.get_id('gd_ticketing', 'sequence_custom_run')
        except KeyError:
            return None

    def get_custom_run_sequence_type(self, name=None):
        ModelData = Pool().get('ir.model.data')
        return ModelData.get_id('gd_ticketing', 'sequence_type_custom_run')


class PlanStart(ModelView):
    __name__ = 'gd.custom.request.plan.start'
    __string__ = "Plan Custom Run"

    requests = fields.Many2Many(
        'gd.custom.request', None, None, "Requests", readonly=True)
    carrier = fields.Many2One('gd.carrier', "Carrier", readonly=True)
    vehicle = fields.Many2One(
        'gd.vehicle', "Vehicle", required=True,
        domain=[If(Eval('carrier'),
                ('carrier', '=', Eval('carrier', -1)),
                ())])
    driver = fields.Many2One(
        'gd.driver', "Driver", required=True,
        domain=[('carrier', '=', Eval('vehicle_carrier', -1))])
    vehicle_carrier = fields.Function(
        fields.Many2One('gd.carrier', "Vehicle Carrier"),
        'on_change_with_vehicle_carrier')
    price = fields.Numeric(
        "Price", digits=(16, 2), required=True,
        domain=[('price', '>=', 0)], help="The price of a seat.")
    distance_km = fields.Numeric(
        "Distance (km)", digits=(16, 1), required=True,
        domain=[('distance_km', '>', 0)])
    stop_minutes = fields.Integer(
        "Minutes between Stops", required=True,
        domain=[('stop_minutes', '>=', 0)])
    travel_minutes = fields.Integer(
        "Travel Minutes", required=True,
        domain=[('travel_minutes', '>', 0)],
        help="From the last pick-up to the first drop-off.")

    @fields.depends('vehicle')
    def on_change_with_vehicle_carrier(self, name=None):
        if self.vehicle:
            return self.vehicle.carrier.id


class Plan(Wizard):
    "Group requests into a custom run and issue their tickets"
    __name__ = 'gd.custom.request.plan'
    __string__ = "Plan Custom Run"

    start = StateView(
        'gd.custom.request.plan.start',
        'gd_ticketing.custom_request_plan_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Plan and Issue Tickets", 'plan', 'tryton-ok',
                default=True),
            ])
    plan = StateTransition()

    def default_start(self, fields):
        User = Pool().get('res.user')
        carriers = User.get_gd_carriers()
        carrier = None
        for record in self.records:
            if record.carrier:
                carrier = record.carrier.id
        if carrier is None and carriers:
            carrier = carriers[0]
        return {
            'requests': [r.id for r in self.records],
            'carrier': carrier,
            'stop_minutes': 10,
            'travel_minutes': 60,
            }

    def transition_plan(self):
        Request = Pool().get('gd.custom.request')
        Request.plan(
            self.records, self.start.vehicle, self.start.driver,
            self.start.price, self.start.distance_km,
            stop_minutes=self.start.stop_minutes,
            travel_minutes=self.start.travel_minutes)
        Request.issue_tickets(self.records)
        return 'end'
