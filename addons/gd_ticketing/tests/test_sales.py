# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Real-name sales as a station seller: single, connecting and return
journeys sold all or nothing, refunds, changes, identities and rules"""
import base64
import datetime as dt
import os
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_ticketing.exceptions import (
    OrderError, PassengerError, SaleError)
from trytond.modules.gd_ticketing.identity import check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    as_user, create_network, create_route, create_schedule, create_user,
    get_code)

KEY = base64.b64encode(b'sales-test-key-0123456789abcdef').decode()
# Runs of 2026-11-26 leave the origin at 08:00 in Guangdong, 00:00 UTC;
# 2026-11-25 09:00 in Guangdong, as naive UTC
MORNING = dt.datetime(2026, 11, 25, 1, 0)
RUN_DATE = dt.date(2026, 11, 26)
ADULT = '11010519491231002X'


def resident(first17):
    "A valid resident number of its first 17 digits"
    return first17 + check_character(first17)


CHILD = resident('44010620200301002')
OTHER = resident('44030419850612003')


@contextmanager
def at(when):
    "Sell, refund and change at when (naive UTC)"
    with patch(
            'trytond.modules.gd_ticketing.order.now', return_value=when):
        yield


class SalesMixin:
    "A network on sale and its seller, for the tests of sales and after"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        environ = patch.dict(os.environ, {'GDCLOUD_ID_KEY': KEY})
        environ.start()
        cls.addClassCleanup(environ.stop)
        activate_module('gd_ticketing', lang='zh_CN')

    # Helpers

    def open_run(self, schedule, date=RUN_DATE):
        pool = Pool()
        Schedule = pool.get('gd.schedule')
        Run = pool.get('gd.run')
        run, = Schedule.generate_runs([schedule], start=date, days=1)
        Run.open([run])
        return run

    def add_fares(self, route, full=Decimal('50'), cap=Decimal('60')):
        "Full and child fares between every pair of stops of route"
        Fare = Pool().get('gd.fare')
        stops = route.stops
        vlist = []
        for i, departure in enumerate(stops):
            for arrival in stops[i + 1:]:
                for code, price in [('full', full), ('child', full / 2)]:
                    vlist.append({
                            'route': route.id, 'departure': departure.id,
                            'arrival': arrival.id,
                            'fare_type': get_code('fare_type', code).id,
                            'price': price, 'price_cap': cap})
        Fare.create(vlist)

    def network(self, prefix, seats=4):
        """A route A - B - C (08:00, B at 08:50, C at 10:00), a connecting
        route C - D from C at 10:20 (too short a transfer) and at 11:00,
        a return route C - A at 09:00 (too early) and at 15:00, and a
        seller of A"""
        network = create_network(prefix, seats=seats)
        a, b, c = network['stations']
        self.add_fares(network['route'])
        d = create_network(f'{prefix}D')['stations'][0]
        onward = create_route(
            f'R{prefix}CD', f"{prefix}联程线", [(c, 0, 0), (d, 60, 70)])
        back = create_route(
            f'R{prefix}CA', f"{prefix}返程线", [(c, 0, 0), (a, 100, 120)])
        self.add_fares(onward, full=Decimal('30'), cap=Decimal('35'))
        self.add_fares(back)
        carrier = network['carrier']
        schedules = {
            'short': create_schedule(
                f'L{prefix}1', onward, carrier, dt.time(10, 20), seats=seats),
            'onward': create_schedule(
                f'L{prefix}2', onward, carrier, dt.time(11, 0), seats=seats),
            'early': create_schedule(
                f'B{prefix}1', back, carrier, dt.time(9, 0), seats=seats),
            'back': create_schedule(
                f'B{prefix}2', back, carrier, dt.time(15, 0), seats=seats),
            }
        network['run'] = self.open_run(network['schedule'])
        for name, schedule in schedules.items():
            network[name] = self.open_run(schedule)
        network['seller'] = create_user(
            f'{prefix.lower()}_seller', 'group_station', station=a)
        return network

    def leg(self, run, name=None, id_number=ADULT, fare='full', **values):
        "The values of a ticket on run from its first to its last stop"
        values.setdefault('departure', run.route.stops[0].id)
        values.setdefault('arrival', run.route.stops[-1].id)
        values.update({
                'passenger': {
                    'name': name or "张三", 'id_type': 'resident',
                    'id_number': id_number},
                'run': run.id,
                'fare_type': get_code('fare_type', fare).id,
                })
        return values

    def sell(self, network, legs, amount=None, when=MORNING):
        "Sell legs in one order as network's seller; return the order"
        Order = Pool().get('gd.order')
        if amount is None:
            amount = sum(
                (leg.get('price', Decimal(50)) for leg in legs
                    if leg.get('adult') is None), Decimal(0))
        with as_user(network['seller']), at(when):
            order, = Order.sell([{
                        'channel': 'window',
                        'station': network['stations'][0].id,
                        'payments': [{'method': 'cash', 'amount': amount}],
                        'tickets': legs,
                        }])
        return order

    def assertNothingSold(self):
        "No order, no ticket, no passenger, no seat held"
        pool = Pool()
        for name in ['gd.order', 'gd.ticket', 'gd.passenger',
                'gd.run.seat.section']:
            Model = pool.get(name)
            self.assertEqual(Model.search([]), [], msg=name)

    def assertRefused(self, network, legs, error=OrderError, amount=None,
            when=MORNING):
        "Selling legs fails with error and leaves nothing; return message"
        with self.assertRaises(error) as context:
            self.sell(network, legs, amount=amount, when=when)
        self.assertNothingSold()
        return str(context.exception)


class SalesTestCase(SalesMixin, TestCase):
    "Test real-name sales, refunds and changes"

    # Sales

    @with_transaction()
    def test_sell_single_ticket(self):
        "A seller sells a real-name ticket at the fare, on a numbered seat"
        pool = Pool()
        Flow = pool.get('gd.passenger.flow')
        network = self.network('T1')
        run = network['run']
        order = self.sell(network, [self.leg(run)])
        self.assertEqual(order.state, 'paid')
        self.assertEqual(order.seller, network['seller'])
        self.assertTrue(order.number)
        ticket, = order.tickets
        self.assertEqual(ticket.state, 'sold')
        self.assertEqual(ticket.seat, 1)
        self.assertEqual(ticket.price, Decimal('50'))
        self.assertEqual(ticket.price_cap, Decimal('60'))
        self.assertEqual(ticket.passenger.name, "张三")
        self.assertEqual(ticket.passenger.id_number, '110105********002X')
        # Area code of the city, station code, the station's serial
        station = network['stations'][0]
        self.assertEqual(
            ticket.number, '440100' + station.code[6:] + '00000001')
        self.assertEqual(run.free_seats, 3)
        flow, = Flow.search([('route', '=', run.route.id)])
        self.assertEqual(
            (flow.sold, flow.passengers, flow.revenue, flow.station),
            (1, 1, Decimal('50'), station))

    @with_transaction()
    def test_sell_connecting_journey(self):
        "Two legs meeting at the transfer station are sold in one order"
        network = self.network('T2')
        order = self.sell(network, [
                self.leg(network['run'], kind='connecting', leg=1),
                self.leg(network['onward'], kind='connecting', leg=2,
                    price=Decimal(30)),
                ])
        first, second = order.tickets
        self.assertEqual((first.state, second.state), ('sold', 'sold'))
        self.assertEqual(first.passenger, second.passenger)
        self.assertEqual(second.run, network['onward'])
        self.assertEqual(second.price, Decimal(30))
        self.assertEqual(order.total, Decimal(80))
        self.assertNotEqual(first.number, second.number)

    @with_transaction()
    def test_connecting_transfer_too_short_sells_nothing(self):
        "20 minutes at the transfer station are less than the 30 minimum"
        network = self.network('T3')
        message = self.assertRefused(network, [
                self.leg(network['run'], kind='connecting', leg=1),
                self.leg(network['short'], kind='connecting', leg=2,
                    price=Decimal(30)),
                ], amount=Decimal(80))
        self.assertIn('30', message)
        self.assertIn('10:20', message)

    @with_transaction()
    def test_connecting_legs_meet_at_the_transfer_station(self):
        "A connecting leg leaves from where the previous one arrives"
        network = self.network('T4')
        run = network['run']
        self.assertRefused(network, [
                self.leg(run, kind='connecting', leg=1,
                    arrival=run.route.stops[1].id),
                self.leg(network['onward'], kind='connecting', leg=2,
                    price=Decimal(30)),
                ], amount=Decimal(80))

    @with_transaction()
    def test_sell_return_journey(self):
        "A return leg after the outward arrival is sold in the same order"
        network = self.network('T5')
        order = self.sell(network, [
                self.leg(network['run']),
                self.leg(network['back'], kind='return'),
                ])
        self.assertEqual([t.state for t in order.tickets], ['sold'] * 2)
        self.assertEqual(network['back'].free_seats, 3)

    @with_transaction()
    def test_return_before_outward_arrival_is_refused(self):
        "A return leg leaving before the outward journey arrives"
        network = self.network('T6')
        message = self.assertRefused(network, [
                self.leg(network['run']),
                self.leg(network['early'], kind='return'),
                ])
        self.assertIn(network['early'].rec_name, message)

    @with_transaction()
    def test_failed_leg_sells_nothing(self):
        "When the second leg has no seat, the first is not sold either"
        network = self.network('T7', seats=1)
        # The only seat of the onward run is taken by another sale
        Section = Pool().get('gd.run.seat.section')
        Section.allocate(network['onward'], 0, 1, key='other', at=MORNING)
        with self.assertRaises(SaleError):
            self.sell(network, [
                    self.leg(network['run'], kind='connecting', leg=1),
                    self.leg(network['onward'], kind='connecting', leg=2,
                        price=Decimal(30)),
                    ], amount=Decimal(80))
        Order = Pool().get('gd.order')
        Ticket = Pool().get('gd.ticket')
        self.assertEqual(Order.search([]), [])
        self.assertEqual(Ticket.search([]), [])
        self.assertEqual(
            [s.key for s in Section.search([])], ['other'])
        self.assertEqual(network['run'].free_seats, 1)

    @with_transaction()
    def test_invalid_id_number_is_refused(self):
        "A wrong check character or an impossible birth date sells nothing"
        network = self.network('T8')
        for number in ['110105194912310021', '110105194902300028']:
            with self.subTest(number=number):
                self.assertRefused(
                    network, [self.leg(network['run'], id_number=number)],
                    error=PassengerError)

    @with_transaction()
    def test_price_above_cap_is_refused(self):
        "A price above the fare's cap sells nothing"
        network = self.network('T9')
        message = self.assertRefused(network, [
                self.leg(network['run'], price=Decimal('61'))],
            amount=Decimal('61'))
        self.assertIn('61', message)
        self.assertIn('60', message)

    @with_transaction()
    def test_sale_outside_the_sale_window_is_refused(self):
        "Before sales open, after they close, after departure: nothing"
        network = self.network('T10')
        for when in [dt.datetime(2026, 11, 18, 15, 0),
                dt.datetime(2026, 11, 25, 23, 55),
                dt.datetime(2026, 11, 26, 1, 0)]:
            with self.subTest(when=when):
                self.assertRefused(
                    network, [self.leg(network['run'])], when=when)

    @with_transaction()
    def test_same_id_twice_on_a_run_is_refused(self):
        "One ID, one ticket per run: in one order and across orders"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        network = self.network('T11')
        run = network['run']
        self.assertRefused(
            network, [self.leg(run), self.leg(run)], amount=Decimal(100))
        self.sell(network, [self.leg(run)])
        with self.assertRaises(OrderError) as context:
            self.sell(network, [self.leg(run)])
        self.assertIn("张三", str(context.exception))
        self.assertEqual(Ticket.search_count([]), 1)
        # Another passenger on the run, the same one on another run
        self.sell(network, [self.leg(run, name="李四", id_number=OTHER)])
        tomorrow = self.open_run(
            network['schedule'], date=RUN_DATE + dt.timedelta(days=1))
        self.sell(network, [self.leg(tomorrow)])

    @with_transaction()
    def test_same_id_twice_on_a_run_is_refused_by_the_database(self):
        "The exclusion constraint holds when the checks are bypassed"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        network = self.network('T12')
        run = network['run']
        order = self.sell(network, [self.leg(run)])
        ticket, = order.tickets
        with self.assertRaises(UserError):
            Ticket.copy([ticket], default={
                    'number': 'copy', 'state': 'sold',
                    'id_hash': ticket.id_hash})

    @with_transaction()
    def test_child_rides_free_with_an_adult(self):
        "A free child ticket takes no seat and needs an adult on the run"
        network = self.network('T13')
        run = network['run']
        child = self.leg(run, name="张小", id_number=CHILD, fare='child')
        self.assertRefused(
            network, [{**child, 'adult': 0}], error=UserError,
            amount=Decimal(0))
        order = self.sell(network, [self.leg(run), {**child, 'adult': 0}])
        adult, child = order.tickets
        self.assertEqual(child.adult_ticket, adult)
        self.assertEqual((child.seat, child.price), (None, Decimal(0)))
        self.assertEqual(run.free_seats, 3)

    # Refunds and changes

    @with_transaction()
    def test_refund_fee_by_time_before_departure(self):
        "5% a day ahead, 10% two hours ahead, 20% later; the seat is freed"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Order = pool.get('gd.order')
        Flow = pool.get('gd.passenger.flow')
        network = self.network('T14')
        run = network['run']
        order = self.sell(network, [
                self.leg(run),
                self.leg(run, name="李四", id_number=OTHER),
                self.leg(network['back'], kind='return'),
                ], amount=Decimal(150))
        first, second, back = order.tickets
        self.assertEqual(run.free_seats, 2)
        with as_user(network['seller']):
            # Departure 2026-11-26 00:00 UTC
            with at(dt.datetime(2026, 11, 24, 23, 0)):
                Ticket.refund([Ticket(first.id)])
            with at(dt.datetime(2026, 11, 25, 21, 0)):
                Ticket.refund([Ticket(second.id)])
            # The return leaves C at 15:00, 07:00 UTC
            with at(dt.datetime(2026, 11, 26, 6, 30)):
                Ticket.refund([Ticket(back.id)])
        first, second, back = Ticket.browse([first, second, back])
        self.assertEqual(
            [(t.state, t.refund_fee, t.refund_amount)
                for t in [first, second, back]],
            [('refunded', Decimal('2.50'), Decimal('47.50')),
                ('refunded', Decimal('5.00'), Decimal('45.00')),
                ('refunded', Decimal('10.00'), Decimal('40.00'))])
        self.assertEqual(run.free_seats, 4)
        self.assertEqual(Order(order.id).state, 'refunded')
        self.assertEqual(Order(order.id).refunded, Decimal('132.50'))
        flow, = Flow.search([('route', '=', run.route.id)])
        self.assertEqual(
            (flow.sold, flow.refunded, flow.passengers, flow.revenue),
            (2, 2, 0, Decimal('7.50')))

    @with_transaction()
    def test_refund_of_a_used_or_departed_ticket_is_refused(self):
        "A used ticket is not refunded, nor one whose run has left"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Order = pool.get('gd.order')
        network = self.network('T15')
        run = network['run']
        order = self.sell(network, [
                self.leg(run),
                self.leg(run, name="李四", id_number=OTHER),
                ], amount=Decimal(100))
        used, other = order.tickets
        # The boarding check marks a ticket used (a later step)
        Ticket.write([used], {'state': 'used'})
        with as_user(network['seller']), at(MORNING):
            # The button is hidden; the method says why
            with self.assertRaises(UserError):
                Ticket.refund([Ticket(used.id)])
            with self.assertRaises(OrderError) as context:
                Ticket.refund_tickets([Ticket(used.id)])
            self.assertIn(used.number, str(context.exception))
        with as_user(network['seller']), at(dt.datetime(2026, 11, 26, 0, 5)):
            with self.assertRaises(OrderError):
                Ticket.refund([Ticket(other.id)])
        self.assertEqual(Order(order.id).state, 'paid')
        self.assertEqual(run.free_seats, 2)

    @with_transaction()
    def test_change_keeps_the_passenger(self):
        "A change to another run keeps the passenger and moves the seat"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Schedule = pool.get('gd.schedule')
        network = self.network('T16')
        run = network['run']
        later = self.open_run(Schedule.copy(
                [network['schedule']], default={
                    'number': 'T16L', 'departure_time': dt.time(12, 0)})[0])
        order = self.sell(network, [self.leg(run)])
        ticket, = order.tickets
        with as_user(network['seller']), at(MORNING):
            new, = Ticket.change([Ticket(ticket.id)], later.id)
        ticket = Ticket(ticket.id)
        self.assertEqual(ticket.state, 'changed')
        self.assertEqual(new.state, 'sold')
        self.assertEqual(new.passenger, ticket.passenger)
        self.assertEqual(new.changed_from, ticket)
        self.assertEqual(new.order, ticket.order)
        self.assertEqual((new.run, new.seat), (later, 1))
        self.assertEqual((run.free_seats, later.free_seats), (4, 3))
        # Not back to a run where the passenger rides again
        self.sell(network, [self.leg(run)])
        with as_user(network['seller']), at(MORNING):
            with self.assertRaises(OrderError) as context:
                Ticket.change([Ticket(new.id)], run.id)
        self.assertIn(run.rec_name, str(context.exception))
        self.assertEqual(Ticket(new.id).state, 'sold')
        self.assertEqual(later.free_seats, 3)

    # Identities

    @with_transaction()
    def test_identity_is_stored_encrypted_and_shown_masked(self):
        "No plain number in the tables; reads mask; search by hash"
        pool = Pool()
        Passenger = pool.get('gd.passenger')
        Ticket = pool.get('gd.ticket')
        network = self.network('T17')
        self.sell(network, [self.leg(network['run'])])
        cursor = Transaction().connection.cursor()
        for Model in [Passenger, Ticket]:
            table = Model.__table__()
            cursor.execute(*table.select())
            rows = cursor.fetchall()
            self.assertTrue(rows)
            for row in rows:
                for value in row:
                    self.assertNotIn(ADULT, str(value), msg=Model.__name__)
                    self.assertNotIn(ADULT[6:14], str(value))
        with as_user(network['seller']):
            passenger, = Passenger.search([('id_number', '=', ADULT)])
            self.assertEqual(
                Passenger.read([passenger.id], ['id_number'])[0][
                    'id_number'], '110105********002X')
            self.assertEqual(
                Passenger.search([('id_number', '=', OTHER)]), [])
            self.assertEqual(passenger.rec_name, "张三 110105********002X")

    @with_transaction()
    def test_reveal_needs_the_role_and_is_logged(self):
        "A seller cannot reveal; an identity viewer can, with a reason"
        pool = Pool()
        Passenger = pool.get('gd.passenger')
        Log = pool.get('gd.identity.log')
        network = self.network('T18')
        self.sell(network, [self.leg(network['run'])])
        passenger, = Passenger.search([])
        with as_user(network['seller']), \
                self.assertLogs('gdcloud.audit', 'WARNING') as audit:
            with self.assertRaises(AccessError):
                Passenger.reveal([passenger.id], "核验")
        # The refusal is rolled back, so the server's audit log keeps it
        refusal, = audit.output
        self.assertIn(
            f"identity reveal refused: user {network['seller'].id}, "
            f"passengers [{passenger.id}], reason '核验'", refusal)
        viewer = create_user(
            't18_viewer', 'group_station', station=network['stations'][0])
        viewer.groups += (Pool().get('res.group')(
                Pool().get('ir.model.data').get_id(
                    'gd_ticketing', 'group_identity')),)
        viewer.save()
        with as_user(viewer):
            with self.assertRaises(PassengerError):
                Passenger.reveal([passenger.id], " ")
            numbers = Passenger.reveal([passenger.id], "公安协查")
        self.assertEqual(numbers, {passenger.id: ADULT})
        log, = Log.search([])
        self.assertEqual(
            (log.user, log.passenger, log.reason, log.action),
            (viewer, passenger, "公安协查", 'reveal'))
        with as_user(viewer):
            with self.assertRaises(AccessError):
                Log.search([])

    # Rules

    @with_transaction()
    def test_station_carrier_and_department_see_what_is_theirs(self):
        "Another station's seller, a carrier and the department"
        pool = Pool()
        Order = pool.get('gd.order')
        Ticket = pool.get('gd.ticket')
        Passenger = pool.get('gd.passenger')
        network = self.network('T19')
        order = self.sell(network, [self.leg(network['run'])])
        ticket, = order.tickets
        other = self.network('T20')
        with as_user(other['seller']):
            self.assertEqual(Order.search([]), [])
            self.assertEqual(Ticket.search([]), [])
            self.assertEqual(Passenger.search([]), [])
            with self.assertRaises(AccessError):
                Order.read([order.id], ['number'])
            with self.assertRaises(AccessError):
                Ticket.refund([Ticket(ticket.id)])
            # nor sell a run leaving another station
            with self.assertRaises(AccessError), at(MORNING):
                Order.sell([{
                            'station': other['stations'][0].id,
                            'payments': [{
                                    'method': 'cash',
                                    'amount': Decimal(50)}],
                            'tickets': [self.leg(
                                    network['run'], name="李四",
                                    id_number=OTHER)],
                            }])
        with as_user(network['seller']):
            self.assertEqual(Order.search([]), [order])
            self.assertEqual(Ticket.search([]), [ticket])
        carrier = create_user(
            't19_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        with as_user(carrier):
            self.assertEqual(Ticket.search([]), [ticket])
            self.assertEqual(
                Ticket.read([ticket.id], ['seat'])[0]['seat'], 1)
            with self.assertRaises(AccessError):
                Ticket.read([ticket.id], ['passenger'])
            with self.assertRaises(AccessError):
                Passenger.search([])
            with self.assertRaises(AccessError):
                Order.search([])
        department = create_user('t19_dept', 'group_department')
        with as_user(department):
            for Model in [Order, Ticket, Passenger]:
                with self.assertRaises(AccessError):
                    Model.search([])

    @with_transaction()
    def test_sold_ticket_is_not_written_directly(self):
        "A seller does not write a sold ticket's seat, state or price"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Order = pool.get('gd.order')
        network = self.network('T21')
        order = self.sell(network, [self.leg(network['run'])])
        ticket, = order.tickets
        with as_user(network['seller']):
            for values in [{'seat': 2}, {'state': 'draft'},
                    {'price': Decimal(1)}]:
                with self.assertRaises(AccessError):
                    Ticket.write([Ticket(ticket.id)], values)
            with self.assertRaises(AccessError):
                Order.write([Order(order.id)], {'state': 'draft'})
            with self.assertRaises(AccessError):
                Order.delete([Order(order.id)])

    @with_transaction()
    def test_seller_reads_every_leg_of_its_orders(self):
        "The client shows the legs on other stations' runs and stops"
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Order = pool.get('gd.order')
        network = self.network('T22')
        order = self.sell(network, [
                self.leg(network['run'], kind='connecting', leg=1),
                self.leg(network['onward'], kind='connecting', leg=2,
                    price=Decimal(30)),
                self.leg(network['back'], kind='return'),
                ], amount=Decimal(130))
        with as_user(network['seller']):
            rows = Ticket.read([t.id for t in order.tickets], [
                    'number', 'run.rec_name', 'departure.rec_name',
                    'arrival.rec_name', 'passenger.rec_name',
                    'departure.station.rec_name', 'arrival.station.rec_name',
                    'run.origin_station.rec_name', 'run.route.rec_name',
                    'departure_time', 'state'])
            self.assertEqual(len(rows), 3)
            Order.read([order.id], ['station.rec_name', 'tickets'])
