# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The network (carriers, vehicles, drivers, routes, fares, schedules, runs)
and the seat inventory per section"""
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_ticketing.exceptions import (
    NetworkError, OrganisationError, RunAccessError, SaleError, ScheduleError)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_carrier, create_driver, create_network, create_route,
    create_schedule, create_station, create_user, create_vehicle, get_code,
    on_date)

# Wednesday 2026-11-25; runs leave at 08:00 in Guangdong, 00:00 UTC
TODAY = dt.date(2026, 11, 25)
# 2026-11-25 09:00 in Guangdong, as naive UTC
MORNING = dt.datetime(2026, 11, 25, 1, 0)


class NetworkTestCase(TestCase):
    "Test the network and the seat inventory"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_ticketing', lang='zh_CN')

    def open_run(self, network, date=dt.date(2026, 11, 26), seats=None):
        "Generate the run of network's schedule on date and open it"
        pool = Pool()
        Schedule = pool.get('gd.schedule')
        Run = pool.get('gd.run')
        Schedule.generate_runs([network['schedule']], start=date, days=1)
        run, = Run.search([
                ('schedule', '=', network['schedule'].id),
                ('date', '=', date)])
        if seats:
            run.seats = seats
            run.save()
        Run.open([run])
        return run

    # Network data refusals

    @with_transaction()
    def test_fare_above_price_cap_is_refused(self):
        "A fare above its price cap is refused, naming route, stops, amounts"
        Fare = Pool().get('gd.fare')
        network = create_network('F1')
        route = network['route']
        fare = Fare(
            route=route, departure=route.stops[0], arrival=route.stops[2],
            fare_type=get_code('fare_type', 'full'),
            price=Decimal('80.00'), price_cap=Decimal('75.50'))
        with self.assertRaises(NetworkError) as context:
            fare.save()
        message = str(context.exception)
        for text in [route.rec_name, route.stops[0].rec_name,
                route.stops[2].rec_name, '80.00', '75.50', '上限票价']:
            self.assertIn(text, message)

        # A price equal to its cap is allowed
        child = Fare(
            route=route, departure=route.stops[0], arrival=route.stops[1],
            fare_type=get_code('fare_type', 'child'),
            price=Decimal('20.00'), price_cap=Decimal('20.00'))
        child.save()

    @with_transaction()
    def test_fare_unique_per_route_stops_and_type(self):
        "A second fare of one type between the same stops is refused"
        Fare = Pool().get('gd.fare')
        route = create_network('F2')['route']
        values = {
            'route': route.id, 'departure': route.stops[0].id,
            'arrival': route.stops[1].id,
            'fare_type': get_code('fare_type', 'full').id,
            'price': Decimal(20), 'price_cap': Decimal(25)}
        Fare.create([values])
        Fare.create([{
                    **values,
                    'fare_type': get_code('fare_type', 'child').id,
                    'price': Decimal(10)}])
        with self.assertRaises(UserError) as context:
            Fare.create([values])
        self.assertIn("票价", str(context.exception))

    @with_transaction()
    def test_fare_stops_out_of_order_are_refused(self):
        "A fare goes from a stop to a later stop of its route"
        Fare = Pool().get('gd.fare')
        route = create_network('F3')['route']
        fare = Fare(
            route=route, departure=route.stops[2], arrival=route.stops[1],
            fare_type=get_code('fare_type', 'full'),
            price=Decimal(10), price_cap=Decimal(10))
        with self.assertRaises(NetworkError) as context:
            fare.save()
        self.assertIn(route.stops[2].rec_name, str(context.exception))

    @with_transaction()
    def test_route_stops_out_of_order_are_refused(self):
        "Distances strictly increase and minutes increase along a route"
        a = create_station("甲站", '440100R01', '440100')
        b = create_station("乙站", '440100R02', '440100')
        c = create_station("丙站", '440100R03', '440100')
        with self.assertRaises(NetworkError) as context:
            create_route('R01', "乱序线",
                [(a, 0, 0), (b, 50, 60), (c, 40, 90)])
        self.assertIn("丙站", str(context.exception))
        with self.assertRaises(NetworkError):
            create_route('R02', "同距线",
                [(a, 0, 0), (b, 50, 60), (c, 50, 90)])
        with self.assertRaises(NetworkError):
            create_route('R03', "逆时线",
                [(a, 0, 0), (b, 50, 60), (c, 60, 30)])
        with self.assertRaises(NetworkError):
            create_route('R04', "单站线",
                [(a, 0, 0)])
        with self.assertRaises(NetworkError):
            create_route('R05', "回头线",
                [(a, 0, 0), (b, 50, 60), (a, 90, 90)])

    @with_transaction()
    def test_route_origin_is_the_first_stop(self):
        "The origin station of a route follows its first stop"
        network = create_network('O1')
        route = network['route']
        self.assertEqual(route.origin_station, network['stations'][0])
        self.assertEqual(route.destination_station, network['stations'][2])
        self.assertEqual(len(route.sections), 2)

    @with_transaction()
    def test_route_stops_are_locked_by_runs_to_come(self):
        "The sections of a route with runs to come do not change"
        pool = Pool()
        Route = pool.get('gd.route')
        Run = pool.get('gd.run')
        network = create_network('O2')
        route = network['route']
        run = self.open_run(network)
        with self.assertRaises(NetworkError) as context:
            Route.write([route], {'stops': [('delete', [route.stops[1].id])]})
        self.assertIn(run.rec_name, str(context.exception))
        Run.cancel([run])
        Route.write([route], {'stops': [('delete', [route.stops[1].id])]})
        self.assertEqual(len(Route(route.id).stops), 2)

    @with_transaction()
    def test_vehicle_without_seats_is_refused(self):
        "A vehicle has at least one seat"
        carrier = create_carrier("零座客运", 'CV0')
        with self.assertRaises(ScheduleError):
            create_vehicle('粤A00000', carrier, seats=0)

    # Runs

    @with_transaction()
    def test_run_vehicle_of_another_carrier_is_refused(self):
        "A run's vehicle and driver belong to the schedule's carrier"
        network = create_network('V1')
        other = create_carrier("别家客运", 'CV1X')
        run = self.open_run(network)
        run.vehicle = create_vehicle('粤B99999', other)
        with self.assertRaises(ScheduleError) as context:
            run.save()
        self.assertIn('粤B99999', str(context.exception))
        self.assertIn("别家客运", str(context.exception))

        run.vehicle = network['vehicle']
        run.driver = create_driver("别家司机", 'QV1X', other)
        with self.assertRaises(ScheduleError):
            run.save()

    @with_transaction()
    def test_run_seats_above_vehicle_seats_are_refused(self):
        "A run sells at most its vehicle's seats"
        network = create_network('V2', seats=40)
        run = self.open_run(network)
        small = create_vehicle('粤A0V2S', network['carrier'], seats=19)
        run.vehicle = small
        with self.assertRaises(ScheduleError) as context:
            run.save()
        self.assertIn('19', str(context.exception))
        run.seats = 19
        run.save()
        self.assertEqual(run.vehicle, small)

    @with_transaction()
    def test_generate_runs_without_duplicates(self):
        "Runs are generated for the days ahead, on weekdays, once"
        pool = Pool()
        Run = pool.get('gd.run')
        Schedule = pool.get('gd.schedule')
        Configuration = pool.get('gd.ticketing.configuration')
        network = create_network('G1')
        schedule = network['schedule']
        schedule.saturday = schedule.sunday = False
        schedule.valid_to = dt.date(2026, 12, 1)
        schedule.save()
        self.assertEqual(Configuration(1).days_ahead, 7)

        with on_date(TODAY):
            Schedule.generate([schedule])
            Schedule.generate_runs_cron()
        runs = Run.search(
            [('schedule', '=', schedule.id)], order=[('date', 'ASC')])
        # 25, 26, 27 November, 30 November and 1 December; not the weekend
        self.assertEqual(
            [r.date for r in runs],
            [dt.date(2026, 11, d) for d in (25, 26, 27, 30)]
            + [dt.date(2026, 12, 1)])
        self.assertEqual(
            runs[0].departure, dt.datetime(2026, 11, 25, 0, 0))
        self.assertEqual(runs[0].origin_station, network['stations'][0])
        self.assertEqual(runs[0].carrier, network['carrier'])
        self.assertEqual(runs[0].seats, 4)
        self.assertEqual(runs[0].state, 'planned')

        with on_date(TODAY + dt.timedelta(days=1)):
            Schedule.generate_runs_cron()
        self.assertEqual(
            Run.search_count([('schedule', '=', schedule.id)]), 5)

        with self.assertRaises(UserError):
            Run.create([{'schedule': schedule.id, 'date': TODAY}])

    @with_transaction()
    def test_cron_generates_runs_daily(self):
        "A daily cron generates the runs"
        Cron = Pool().get('ir.cron')
        cron, = Cron.search([
                ('method', '=', 'gd.schedule|generate_runs_cron')])
        self.assertEqual(cron.interval_type, 'days')

    @with_transaction()
    def test_schedule_number_unique_per_origin_station(self):
        "Two schedules of one origin station have two numbers"
        network = create_network('N1')
        with self.assertRaises(ScheduleError):
            create_schedule(
                network['schedule'].number, network['route'],
                network['carrier'])
        other = create_network('N2')
        create_schedule(
            network['schedule'].number, other['route'], other['carrier'])

    # Sale window and seat inventory

    @with_transaction()
    def test_sale_window(self):
        "Sales open N days before the run at midnight, close M minutes before"
        network = create_network('W1')
        run = self.open_run(network)
        # 26 November 08:00 local; opens 19 November 00:00 local
        self.assertEqual(run.sale_opens, dt.datetime(2026, 11, 18, 16, 0))
        self.assertEqual(run.sale_closes, dt.datetime(2026, 11, 25, 23, 50))
        self.assertEqual(run.is_on_sale(MORNING), (True, None))
        on_sale, reason = run.is_on_sale(dt.datetime(2026, 11, 18, 15, 59))
        self.assertFalse(on_sale)
        self.assertIn('2026-11-19 00:00', reason)
        on_sale, reason = run.is_on_sale(dt.datetime(2026, 11, 25, 23, 50))
        self.assertFalse(on_sale)
        self.assertIn('2026-11-26 07:50', reason)

    @with_transaction()
    def test_allocation_outside_sale_window_is_refused(self):
        "No seat is sold before sales open, after they close, or unopened"
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        Run = pool.get('gd.run')
        network = create_network('W2')
        run = self.open_run(network)
        for at in [dt.datetime(2026, 11, 18, 15, 0),
                dt.datetime(2026, 11, 25, 23, 55)]:
            with self.assertRaises(SaleError):
                Section.allocate(run, 0, 2, key='a', at=at)
        Run.cancel([run])
        with self.assertRaises(SaleError) as context:
            Section.allocate(run, 0, 2, key='a', at=MORNING)
        self.assertIn(run.rec_name, str(context.exception))
        self.assertEqual(Section.search([]), [])

    @with_transaction()
    def test_allocation_beyond_capacity_is_refused(self):
        "A run sells its seats and no more"
        Section = Pool().get('gd.run.seat.section')
        run = self.open_run(create_network('C1'))
        self.assertEqual(
            Section.allocate(run, 0, 2, count=3, key='a', at=MORNING),
            [1, 2, 3])
        with self.assertRaises(SaleError) as context:
            Section.allocate(run, 0, 1, count=2, key='b', at=MORNING)
        self.assertIn('1', str(context.exception))
        self.assertEqual(
            Section.allocate(run, 0, 1, key='b', at=MORNING), [4])
        with self.assertRaises(SaleError):
            Section.allocate(run, 0, 2, key='c', at=MORNING)
        self.assertEqual(Section.search_count([('key', '=', 'c')]), 0)
        self.assertEqual(run.free_seats, 0)

    @with_transaction()
    def test_allocation_on_overlapping_and_disjoint_sections(self):
        "A seat is shared by disjoint journeys, never by overlapping ones"
        Section = Pool().get('gd.run.seat.section')
        run = self.open_run(create_network('S1'), seats=2)
        # Stops 0 -> 1 and 1 -> 2 are disjoint: both get seat 1
        self.assertEqual(Section.allocate(run, 0, 1, key='a', at=MORNING), [1])
        self.assertEqual(Section.allocate(run, 1, 2, key='b', at=MORNING), [1])
        # The whole route overlaps both: seat 2
        self.assertEqual(Section.allocate(run, 0, 2, key='c', at=MORNING), [2])
        # Nothing left on either section
        for start, end in [(0, 1), (1, 2), (0, 2)]:
            with self.assertRaises(SaleError):
                Section.allocate(run, start, end, key='d', at=MORNING)
        # Released, the first leg of seat 1 is free again, not the second
        self.assertEqual(Section.release(run, 'a'), 1)
        with self.assertRaises(SaleError):
            Section.allocate(run, 0, 2, key='e', at=MORNING)
        self.assertEqual(Section.allocate(run, 0, 1, key='e', at=MORNING), [1])
        rows = {(s.seat, s.section, s.key) for s in Section.search([])}
        self.assertEqual(rows, {
                (1, 0, 'e'), (1, 1, 'b'), (2, 0, 'c'), (2, 1, 'c')})

    @with_transaction()
    def test_chosen_seat_taken_on_a_section_is_refused(self):
        "A chosen seat must be free on every section of the journey"
        Section = Pool().get('gd.run.seat.section')
        run = self.open_run(create_network('S2'))
        Section.allocate(run, 1, 2, seat_numbers=[3], key='a', at=MORNING)
        with self.assertRaises(SaleError) as context:
            Section.allocate(run, 0, 2, seat_numbers=[3], key='b', at=MORNING)
        self.assertIn('3', str(context.exception))
        self.assertEqual(
            Section.allocate(run, 0, 1, seat_numbers=[3], key='b', at=MORNING),
            [3])
        with self.assertRaises(SaleError):
            Section.allocate(run, 0, 1, seat_numbers=[9], key='c', at=MORNING)
        with self.assertRaises(SaleError):
            Section.allocate(run, 2, 1, key='c', at=MORNING)

    @with_transaction()
    def test_seat_section_is_unique(self):
        "The database refuses a seat held twice on a section"
        Section = Pool().get('gd.run.seat.section')
        run = self.open_run(create_network('S3'))
        Section.allocate(run, 0, 1, seat_numbers=[1], key='a', at=MORNING)
        with self.assertRaises(UserError):
            Section.create([{
                        'run': run.id, 'seat': 1, 'section': 0,
                        'key': 'b'}])

    @with_transaction()
    def test_run_seats_below_a_held_seat_are_refused(self):
        "A run keeps enough seats for those held"
        Section = Pool().get('gd.run.seat.section')
        run = self.open_run(create_network('S4'))
        Section.allocate(run, 0, 1, seat_numbers=[4], key='a', at=MORNING)
        run.seats = 3
        with self.assertRaises(ScheduleError):
            run.save()

    # Users and record rules

    @with_transaction()
    def test_user_has_one_organisation(self):
        "A carrier user has no city and no station"
        network = create_network('U1')
        user = create_user(
            'u1_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        user.station = network['stations'][0]
        with self.assertRaises(OrganisationError):
            user.save()

    @with_transaction()
    def test_carrier_change_takes_effect(self):
        "The rules follow a change of the user's carrier"
        Vehicle = Pool().get('gd.vehicle')
        first = create_network('U2')
        second = create_network('U3')
        user = create_user(
            'u2_carrier', 'gd_ticketing.group_carrier',
            carrier=first['carrier'])
        with as_user(user):
            self.assertEqual(Vehicle.search([]), [first['vehicle']])
        user.carrier = second['carrier']
        user.save()
        with as_user(user):
            self.assertEqual(Vehicle.search([]), [second['vehicle']])

    @with_transaction()
    def test_station_reads_and_changes_only_its_runs(self):
        "A station user sees its own runs and schedules, not another's"
        pool = Pool()
        Run = pool.get('gd.run')
        Schedule = pool.get('gd.schedule')
        gz = create_network('P1')
        sz = create_network('P2', city_codes=('440300', '440600', '441200'))
        gz_run, sz_run = self.open_run(gz), self.open_run(sz)
        user = create_user(
            'p1_station', 'group_station', station=gz['stations'][0])
        # A station on the way is not the origin: it sees nothing
        middle = create_user(
            'p1_middle', 'group_station', station=gz['stations'][1])
        with as_user(user):
            self.assertEqual(Run.search([]), [gz_run])
            self.assertEqual(Schedule.search([]), [gz['schedule']])
            with self.assertRaises(AccessError):
                Run.read([sz_run.id], ['gate'])
            with self.assertRaises(AccessError):
                Run.write([Run(sz_run.id)], {'gate': '9'})
            Run.write([Run(gz_run.id)], {'gate': '3', 'bay': '12'})
            Schedule.write([Schedule(gz['schedule'].id)], {'gate': '3'})
            with self.assertRaises(RunAccessError) as context:
                Run.write([Run(gz_run.id)], {'seats': 2})
            self.assertIn("售票座位数", str(context.exception))
            with self.assertRaises(RunAccessError):
                Schedule.write([Schedule(gz['schedule'].id)], {'seats': 2})
        with as_user(middle):
            self.assertEqual(Run.search([]), [])

    @with_transaction()
    def test_station_sells_only_its_runs(self):
        "A station user cannot hold seats of another station's run"
        pool = Pool()
        Section = pool.get('gd.run.seat.section')
        gz = create_network('P3')
        sz = create_network('P4', city_codes=('440300', '440600', '441200'))
        gz_run, sz_run = self.open_run(gz), self.open_run(sz)
        user = create_user(
            'p3_station', 'group_station', station=gz['stations'][0])
        with as_user(user):
            self.assertEqual(
                Section.allocate(gz_run, 0, 2, key='a', at=MORNING), [1])
            with self.assertRaises(AccessError):
                Section.allocate(sz_run, 0, 2, key='b', at=MORNING)
            with self.assertRaises(AccessError):
                Section.release(sz_run, 'b')
            self.assertEqual(len(Section.search([])), 2)
        self.assertEqual(Section.search_count([('run', '=', sz_run.id)]), 0)
        with as_user(user):
            # Not around allocate, its sale window and its capacity
            with self.assertRaises(RunAccessError):
                Section.create([{
                            'run': gz_run.id, 'seat': 2, 'section': 0,
                            'key': 'c'}])
            with self.assertRaises(RunAccessError):
                Section.delete(Section.search([]))

    @with_transaction()
    def test_city_bureau_reads_only_its_city(self):
        "A 广州 bureau reads the runs leaving 广州, none leaving 深圳"
        pool = Pool()
        Run = pool.get('gd.run')
        Schedule = pool.get('gd.schedule')
        gz = create_network('P5')
        sz = create_network('P6', city_codes=('440300', '440600', '441200'))
        gz_run, sz_run = self.open_run(gz), self.open_run(sz)
        bureau = create_user(
            'p5_bureau', 'group_city_bureau', city=gz['stations'][0].city)
        with as_user(bureau):
            self.assertEqual(Run.search([]), [gz_run])
            self.assertEqual(Schedule.search([]), [gz['schedule']])
            with self.assertRaises(AccessError):
                Run.read([sz_run.id], ['gate'])
            with self.assertRaises(AccessError):
                Run.write([Run(gz_run.id)], {'gate': '1'})
        department = create_user('p5_dept', 'group_department')
        with as_user(department):
            self.assertEqual(
                set(Run.search([])), {gz_run, sz_run})

    @with_transaction()
    def test_carrier_reads_only_its_own(self):
        "A carrier sees its vehicles, drivers, schedules, runs, not others'"
        pool = Pool()
        Run = pool.get('gd.run')
        Schedule = pool.get('gd.schedule')
        Vehicle = pool.get('gd.vehicle')
        Driver = pool.get('gd.driver')
        mine = create_network('P7')
        theirs = create_network('P8')
        my_run, their_run = self.open_run(mine), self.open_run(theirs)
        user = create_user(
            'p7_carrier', 'gd_ticketing.group_carrier',
            carrier=mine['carrier'])
        with as_user(user):
            self.assertEqual(Vehicle.search([]), [mine['vehicle']])
            self.assertEqual(Driver.search([]), [mine['driver']])
            self.assertEqual(Schedule.search([]), [mine['schedule']])
            self.assertEqual(Run.search([]), [my_run])
            for Model, record in [
                    (Vehicle, theirs['vehicle']), (Driver, theirs['driver']),
                    (Schedule, theirs['schedule']), (Run, their_run)]:
                with self.assertRaises(AccessError):
                    Model.read([record.id], ['rec_name'])
            # The carrier keeps its own vehicles and drivers
            Vehicle.create([{
                        'plate': '粤AP7NEW', 'carrier': mine['carrier'].id,
                        'seats': 33}])
            Driver.write([Driver(mine['driver'].id)], {'phone': '123'})
            with self.assertRaises(AccessError):
                Vehicle.create([{
                            'plate': '粤AP8NEW',
                            'carrier': theirs['carrier'].id, 'seats': 33}])
            # but does not change its runs
            with self.assertRaises(AccessError):
                Run.write([Run(my_run.id)], {'gate': '1'})
