# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Customized travel (定制客运): requests of an online channel, planned by
the carrier into custom runs with their own stops, real-name e-tickets
checked at the gate"""
import datetime as dt
from contextlib import nullcontext
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import pdf_text
from trytond.modules.gd_ticketing import eticket
from trytond.modules.gd_ticketing.exceptions import (
    CustomTravelError, PassengerError)
from trytond.modules.gd_ticketing.schedule import local_to_utc
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

from .test_sales import (
    ADULT, CHILD, MORNING, OTHER, RUN_DATE, SalesMixin, at, resident)
from .tools import (
    as_user, create_carrier, create_driver, create_network, create_user,
    create_vehicle)

THIRD = resident('44010619900101003')


def local(hour, minute=0, date=RUN_DATE):
    "The naive UTC datetime of a local time of date"
    return local_to_utc(date, dt.time(hour, minute))


class CustomTestCase(SalesMixin, TestCase):
    "Test customized travel"

    def setup_custom(self, prefix):
        """A network (stations A, B, C), its carrier with a 7-seat vehicle,
        the online channel of A, a carrier user and another carrier's"""
        network = create_network(prefix)
        a = network['stations'][0]
        carrier = network['carrier']
        network['van'] = create_vehicle(f'粤A{prefix}V', carrier, seats=7)
        network['channel'] = create_user(
            f'{prefix.lower()}_channel', 'group_station', station=a)
        network['planner'] = create_user(
            f'{prefix.lower()}_planner', 'gd_ticketing.group_carrier',
            carrier=carrier)
        other = create_carrier(f"{prefix}其他客运", f'O{prefix}')
        network['other_carrier'] = other
        network['other_van'] = create_vehicle(f'粤B{prefix}V', other, seats=7)
        network['other_driver'] = create_driver(
            f"{prefix}其他司机", f'QO{prefix}', other)
        network['other_planner'] = create_user(
            f'{prefix.lower()}_other', 'gd_ticketing.group_carrier',
            carrier=other)
        return network

    def values(self, network, passengers=None, earliest=(8, 0),
            latest=(8, 30), date=RUN_DATE, **values):
        "The values of a request from A to C on date"
        if passengers is None:
            passengers = [("张三", ADULT)]
        result = {
            'departure_station': network['stations'][0].id,
            'arrival_station': network['stations'][2].id,
            'date': date,
            'pickup_address': "天河路 1 号",
            'pickup_latitude': 23.1291,
            'pickup_longitude': 113.2644,
            'dropoff_address': "端州路 2 号",
            'earliest_pickup': local(*earliest, date=date),
            'latest_pickup': local(*latest, date=date),
            'contact_phone': '13800000000',
            'passengers': [{
                    'name': name, 'id_type': 'resident', 'id_number': number}
                for name, number in passengers],
            }
        result.update(values)
        return result

    def submit(self, network, *vlist, when=MORNING):
        Request = Pool().get('gd.custom.request')
        with as_user(network['channel']), at(when):
            return Request.submit(list(vlist))

    def plan(self, network, requests, user='planner', vehicle='van',
            driver='driver', when=MORNING, price=Decimal('45'), **values):
        Request = Pool().get('gd.custom.request')
        values.setdefault('stop_minutes', 10)
        values.setdefault('travel_minutes', 60)
        with (as_user(network[user]) if user else nullcontext()), at(when):
            run = Request.plan(
                requests, network[vehicle], network[driver], price,
                Decimal('95'), **values)
            Request.issue_tickets(requests)
        return run

    def assertNothingSubmitted(self):
        pool = Pool()
        for name in ['gd.custom.request', 'gd.custom.request.passenger',
                'gd.passenger']:
            self.assertEqual(pool.get(name).search([]), [], msg=name)

    def assertNothingPlanned(self):
        pool = Pool()
        Run = pool.get('gd.run')
        Stop = pool.get('gd.custom.stop')
        Ticket = pool.get('gd.ticket')
        Request = pool.get('gd.custom.request')
        with Transaction().set_context(active_test=False):
            self.assertEqual(Run.search([
                        ('schedule.schedule_type.code', '=', 'custom')]), [])
        self.assertEqual(Stop.search([]), [])
        self.assertEqual(Ticket.search([]), [])
        self.assertEqual(
            {r.state for r in Request.search([])}, {'requested'})

    # Requests

    @with_transaction()
    def test_submitted_request_keeps_identities_masked(self):
        """The channel's request stores its passengers encrypted and shows
        their numbers masked only"""
        network = self.setup_custom('Q1')
        request, = self.submit(network, self.values(
                network, [("张三", ADULT), ("李四", OTHER)]))
        self.assertEqual(request.state, 'requested')
        self.assertEqual(request.seats, 2)
        self.assertEqual(request.requested_by, network['channel'])
        self.assertEqual(
            [(p.passenger_name, p.id_masked) for p in request.passengers],
            [("张三", '110105********002X'),
                ("李四", OTHER[:6] + '********' + OTHER[-4:])])
        self.assertNotIn(ADULT, request.passengers[0].rec_name)
        self.assertNotEqual(
            request.passengers[0].passenger.id_number_encrypted, ADULT)

    @with_transaction()
    def test_bad_requests_are_refused_and_leave_nothing(self):
        """An inverted or past window, a date beyond the days on sale, a
        missing or invalid ID, too many seats: refused, nothing stored"""
        network = self.setup_custom('Q2')
        cases = [
            (self.values(network, earliest=(9, 0), latest=(8, 0)),
                CustomTravelError, "颠倒"),
            (self.values(network, earliest=(8, 0), latest=(9, 0),
                    date=RUN_DATE - dt.timedelta(days=1)),
                CustomTravelError, "已经开始"),
            (self.values(network, date=RUN_DATE + dt.timedelta(days=30)),
                CustomTravelError, "7 天内"),
            (self.values(network, [("张三", ADULT), ("李四", '')]),
                CustomTravelError, "没有证件号码"),
            (self.values(network, [("张三", ADULT), ("李四", OTHER[:-1] + (
                            '0' if OTHER[-1] != '0' else '1'))]),
                PassengerError, None),
            (self.values(network, [("张三", ADULT), ("张三", ADULT)]),
                CustomTravelError, "两次"),
            (self.values(network, [
                        (f"乘客{i}", resident(f'44010619900101{i:03d}'))
                        for i in range(11)]),
                CustomTravelError, "最多可订 10 个座位"),
            ]
        for values, error, text in cases:
            with self.subTest(text=text):
                with self.assertRaises(error) as context:
                    self.submit(network, self.values(network), values)
                if text:
                    self.assertIn(text, str(context.exception))
                self.assertNothingSubmitted()

    # Planning

    @with_transaction()
    def test_carrier_plans_requests_into_a_custom_run(self):
        """The carrier groups two requests (one of its own, one for any
        carrier) into a custom run whose stops are their points in order,
        inside their windows; the real-name tickets are sold on it, their
        QR codes verify and the gate boards them"""
        pool = Pool()
        Request = pool.get('gd.custom.request')
        Check = pool.get('gd.ticket.check')
        Flow = pool.get('gd.passenger.flow')
        Voucher = pool.get('gd.ticket.voucher', type='report')
        network = self.setup_custom('Q3')
        late, = self.submit(network, self.values(
                network, [("张三", ADULT), ("小明", CHILD)],
                earliest=(8, 20), latest=(8, 40),
                carrier=network['carrier'].id,
                pickup_address="体育西路 3 号"))
        early, = self.submit(network, self.values(
                network, [("李四", OTHER)], earliest=(8, 0),
                latest=(8, 5)))

        with as_user(network['planner']):
            self.assertEqual(
                set(Request.search([])), {late, early})
        run = self.plan(network, [late, early])

        self.assertEqual(run.schedule.schedule_type.code, 'custom')
        self.assertEqual(run.carrier, network['carrier'])
        self.assertEqual(run.vehicle, network['van'])
        self.assertEqual((run.seats, run.state), (7, 'open'))
        self.assertEqual(run.departure, local(8, 0))
        self.assertFalse(run.route.active)
        self.assertEqual(
            [(s.kind, s.address, s.planned_time, s.seats)
                for s in run.custom_stops],
            [('pickup', "天河路 1 号", local(8, 0), 1),
                ('pickup', "体育西路 3 号", local(8, 20), 2),
                ('dropoff', "端州路 2 号", local(9, 20), 1),
                ('dropoff', "端州路 2 号", local(9, 30), 2)])
        late, early = Request.browse([late, early])
        self.assertEqual((late.state, early.state), ('ticketed', 'ticketed'))
        self.assertEqual(late.pickup_time, local(8, 20))
        self.assertEqual(late.order.channel, 'online')
        self.assertEqual(late.order.station, network['stations'][0])
        self.assertEqual(late.order.total, Decimal('90'))

        tickets = [p.ticket for r in [early, late] for p in r.passengers]
        self.assertEqual(
            [(t.passenger.name, t.passenger.id_masked, t.run, t.state)
                for t in tickets],
            [("李四", p.id_masked, run, 'sold')
                for p in early.passengers]
            + [(p.passenger_name, p.id_masked, run, 'sold')
                for p in late.passengers])
        self.assertEqual(len({t.seat for t in tickets}), 3)
        # Each passenger boards at the planned pick-up of the request
        self.assertEqual(
            [(t.departure_time, t.arrival_time) for t in tickets],
            [(local(8, 0), local(9, 20))]
            + [(local(8, 20), local(9, 30))] * 2)
        _, pdf, _, _ = Voucher.execute([tickets[1].id], {})
        text = pdf_text(bytes(pdf)).replace(' ', '')
        self.assertIn("上车点体育西路3号", text)
        self.assertIn("08:20", text)
        for ticket in tickets:
            payload = eticket.verify(
                ticket.qr_token, key=eticket.public_key())
            self.assertEqual(
                (payload['n'], payload['r']), (ticket.number, run.id))
        self.assertEqual(run.free_seats, 4)

        gate = create_user(
            'q3_gate', 'group_station', station=network['stations'][0])
        with as_user(gate), at(local(7, 50)):
            check = Check.check_ticket(
                run.id, token=tickets[0].qr_token, id_number=OTHER)
            mismatch = Check.check_ticket(
                run.id, token=tickets[1].qr_token, id_number=OTHER)
        self.assertEqual(Check(check.id).result, 'passed')
        self.assertEqual(Check(mismatch.id).result, 'refused')
        flow, = Flow.search([('station', '=', network['stations'][0].id)])
        self.assertEqual((flow.sold, flow.checked), (3, 1))

    @with_transaction()
    def test_plan_wizard_as_the_carrier(self):
        """The carrier runs 编排定制班次 on the selected requests: the run
        is made and the tickets issued; it may not change the requests'
        points"""
        pool = Pool()
        Request = pool.get('gd.custom.request')
        Plan = pool.get('gd.custom.request.plan', type='wizard')
        network = self.setup_custom('QA')
        request, = self.submit(network, self.values(network))
        with as_user(network['planner']), at(MORNING):
            with self.assertRaises(CustomTravelError) as context:
                Request.write([request], {'pickup_address': "别处"})
            self.assertIn("客运企业", str(context.exception))
            session_id, _, _ = Plan.create()
            with Transaction().set_context(
                    active_model='gd.custom.request', active_id=request.id,
                    active_ids=[request.id]):
                defaults = Plan.execute(
                    session_id, {}, 'start')['view']['defaults']
                self.assertEqual(defaults['requests'], [request.id])
                self.assertEqual(defaults['carrier'], network['carrier'].id)
                values = {k: v for k, v in defaults.items() if '.' not in k}
                values.update({
                        'vehicle': network['van'].id,
                        'driver': network['driver'].id,
                        'price': Decimal('45'),
                        'distance_km': Decimal('95'),
                        })
                Plan.execute(session_id, {'start': values}, 'plan')
        request = Request(request.id)
        self.assertEqual(request.state, 'ticketed')
        self.assertEqual(request.run.vehicle, network['van'])
        # The carrier sees the names and masked numbers, not the passenger
        Line = pool.get('gd.custom.request.passenger')
        with as_user(network['planner']):
            view = Line.fields_view_get(view_type='tree')
            line, = Line.read(
                [request.passengers[0].id], ['passenger_name', 'id_masked'])
        self.assertNotIn('passenger', view['fields'])
        self.assertEqual(
            (line['passenger_name'], line['id_masked']),
            ("张三", '110105********002X'))
        ticket = request.passengers[0].ticket
        self.assertEqual((ticket.state, ticket.price), ('sold', Decimal(45)))

    @with_transaction()
    def test_windows_that_one_run_cannot_serve_are_refused(self):
        """Two pick-ups far apart whose windows close before the bus can
        reach the second: refused, nothing planned"""
        network = self.setup_custom('Q4')
        first, = self.submit(network, self.values(
                network, earliest=(8, 0), latest=(8, 5)))
        second, = self.submit(network, self.values(
                network, [("李四", OTHER)], earliest=(8, 0),
                latest=(8, 5)))
        with self.assertRaises(CustomTravelError) as context:
            self.plan(network, [first, second], stop_minutes=10)
        self.assertIn("无法在其时间窗", str(context.exception))
        self.assertIn("08:10", str(context.exception))
        self.assertNothingPlanned()

    @with_transaction()
    def test_more_passengers_than_seats_are_refused(self):
        "The passengers of the requests exceed the vehicle's seats"
        network = self.setup_custom('Q5')
        requests = self.submit(network, *[self.values(
                    network, [(f"乘客{i}{j}", resident(
                                f'4401061990010{i + 1}{j:03d}'))
                        for j in range(4)],
                    earliest=(8, 0), latest=(9, 0))
                for i in range(2)])
        with self.assertRaises(CustomTravelError) as context:
            self.plan(network, requests)
        self.assertIn("共有 8 名乘客", str(context.exception))
        self.assertNothingPlanned()

    @with_transaction()
    def test_a_planned_request_is_not_planned_again(self):
        "A request already planned is refused by a second planning"
        network = self.setup_custom('Q6')
        request, = self.submit(network, self.values(network))
        self.plan(network, [request])
        with self.assertRaises(CustomTravelError) as context:
            self.plan(network, [request])
        self.assertIn("只有“已申请”的需求可以排班", str(context.exception))

    @with_transaction()
    def test_custom_run_is_not_sold_at_the_window(self):
        """The free seats of a custom run are neither found by the search
        of journeys nor sold by a seller"""
        pool = Pool()
        Run = pool.get('gd.run')
        Order = pool.get('gd.order')
        network = self.setup_custom('Q9')
        request, = self.submit(network, self.values(network))
        run = self.plan(network, [request])
        a, _, c = network['stations']
        with at(MORNING):
            self.assertEqual(Run.find_journeys(a, c, RUN_DATE), [])
        with as_user(network['channel']), at(MORNING), \
                self.assertRaises(CustomTravelError) as context:
            Order.sell([{
                        'channel': 'window', 'station': a.id,
                        'payments': [{'method': 'cash', 'amount': 45}],
                        'tickets': [self.leg(
                                run, id_number=OTHER, price=Decimal(45))],
                        }])
        self.assertIn("定制班次", str(context.exception))

    @with_transaction()
    def test_another_carrier_cannot_see_nor_plan(self):
        """A request for one carrier is not seen by another, which cannot
        plan it; a request for any carrier is seen by all until planned"""
        pool = Pool()
        Request = pool.get('gd.custom.request')
        network = self.setup_custom('Q7')
        own, = self.submit(network, self.values(
                network, carrier=network['carrier'].id))
        anyone, = self.submit(network, self.values(
                network, [("李四", OTHER)]))
        with as_user(network['other_planner']):
            self.assertEqual(Request.search([]), [anyone])
        with self.assertRaises(AccessError):
            self.plan(network, [own], user='other_planner',
                vehicle='other_van', driver='other_driver')
        # Nor may another carrier's vehicle carry it, even for a user
        # without rules
        with self.assertRaises(CustomTravelError) as context:
            self.plan(network, [own, anyone], user=None,
                vehicle='other_van', driver='other_driver')
        self.assertIn("不能安排其他企业的车辆", str(context.exception))
        self.assertNothingPlanned()

        self.plan(network, [anyone])
        with as_user(network['other_planner']):
            self.assertEqual(Request.search([]), [])
        with as_user(network['planner']):
            self.assertEqual(set(Request.search([])), {own, anyone})

    @with_transaction()
    def test_cancel_and_reject(self):
        """The channel cancels a request not yet ticketed; the carrier
        rejects one with a reason; a ticketed one is refunded instead"""
        pool = Pool()
        Request = pool.get('gd.custom.request')
        network = self.setup_custom('Q8')
        first, second, third = self.submit(
            network, self.values(network),
            self.values(network, [("李四", OTHER)]),
            self.values(network, [("王五", THIRD)]))
        with as_user(network['channel']):
            Request.cancel([first])
        with as_user(network['planner']):
            with self.assertRaises(CustomTravelError) as context:
                Request.reject([second])
            self.assertIn("拒绝原因", str(context.exception))
            Request.write([second], {'reject_reason': "车辆已满"})
            Request.reject([second])
        self.plan(network, [third])
        with as_user(network['channel']):
            with self.assertRaises(CustomTravelError) as context:
                Request.cancel_requests([third])
            self.assertIn("退票", str(context.exception))
        self.assertEqual(
            [r.state for r in Request.browse([first, second, third])],
            ['cancelled', 'rejected', 'ticketed'])
