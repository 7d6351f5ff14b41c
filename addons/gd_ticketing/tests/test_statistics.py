# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Passenger-flow statistics: daily aggregates and the views drawn from
them, scoped to each role"""
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import as_user, create_network, create_user

DAY = dt.date(2026, 11, 26)


class StatisticsTestCase(TestCase):
    "Test the passenger-flow statistics"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_ticketing', lang='zh_CN')

    def setup_flows(self):
        """广州 (P1) and 深圳 (P2) networks; flows of two days"""
        Flow = Pool().get('gd.passenger.flow')
        self.gz = create_network('P1')
        self.sz = create_network(
            'P2', city_codes=('440300', '440600', '441200'))
        for network, day, sold, refunded, checked in [
                (self.gz, DAY, 3, 1, 2),
                (self.gz, DAY, 2, 0, 2),
                (self.gz, DAY + dt.timedelta(days=1), 4, 0, 0),
                (self.sz, DAY, 5, 2, 3),
                (self.sz, DAY - dt.timedelta(days=40), 9, 0, 9),
                ]:
            Flow.record(day, network['stations'][0], network['route'],
                network['carrier'], sold=sold, refunded=refunded,
                checked=checked, revenue=Decimal('58.00') * (sold - refunded))

    def period(self, **context):
        context.setdefault('from_date', DAY - dt.timedelta(days=7))
        context.setdefault('to_date', DAY + dt.timedelta(days=7))
        return Transaction().set_context(**context)

    @with_transaction()
    def test_record_adds_to_the_day_s_row(self):
        "One row per day, station, route and carrier, summed in place"
        Flow = Pool().get('gd.passenger.flow')
        self.setup_flows()
        row, = Flow.search([
                ('route', '=', self.gz['route'].id), ('date', '=', DAY)])
        self.assertEqual(
            (row.sold, row.refunded, row.passengers, row.checked),
            (5, 1, 4, 4))
        self.assertEqual(row.revenue, Decimal('232.00'))
        self.assertEqual(row.city.code, '440100')
        self.assertEqual(Flow.search([], count=True), 4)

    @with_transaction()
    def test_department_sees_the_province_by_city_and_day(self):
        "The province per city and per day, in the period of the context"
        pool = Pool()
        FlowCity = pool.get('gd.passenger.flow.city')
        FlowDaily = pool.get('gd.passenger.flow.daily')
        self.setup_flows()
        department = create_user('flow_dept', 'group_department')
        with as_user(department), self.period():
            cities = {r.city.code: (r.sold, r.passengers, r.checked)
                for r in FlowCity.search([])}
            days = [(r.date, r.passengers) for r in FlowDaily.search([])]
        # The 深圳 day 40 days before is out of the period
        self.assertEqual(cities, {'440100': (9, 8, 4), '440300': (5, 3, 3)})
        self.assertEqual(
            days, [(DAY, 7), (DAY + dt.timedelta(days=1), 4)])

    @with_transaction()
    def test_drill_down_from_city_to_station_and_its_trend(self):
        "A city's row opens its stations; a station's row its days"
        pool = Pool()
        FlowCity = pool.get('gd.passenger.flow.city')
        FlowStation = pool.get('gd.passenger.flow.station')
        FlowDaily = pool.get('gd.passenger.flow.daily')
        self.setup_flows()
        department = create_user('flow_dept', 'group_department')
        with as_user(department), self.period():
            city = [r for r in FlowCity.search([])
                if r.city.code == '440100'][0]
            # The drill-down's domain: the stations of the city opened
            station, = FlowStation.search([('city', '=', city.id)])
            self.assertEqual(station.station, self.gz['stations'][0])
            self.assertEqual(station.passengers, 8)
            with Transaction().set_context(station=station.id):
                days = [(r.date, r.passengers)
                    for r in FlowDaily.search([])]
        self.assertEqual(
            days, [(DAY, 4), (DAY + dt.timedelta(days=1), 4)])

    @with_transaction()
    def test_each_role_sees_its_own_flows(self):
        "A city bureau its city, a station its own, a carrier its own"
        pool = Pool()
        FlowCity = pool.get('gd.passenger.flow.city')
        FlowRoute = pool.get('gd.passenger.flow.route')
        Flow = pool.get('gd.passenger.flow')
        self.setup_flows()
        users = {
            'bureau': create_user('flow_sz', 'group_city_bureau',
                city=self.sz['stations'][0].city),
            'station': create_user('flow_gz_station', 'group_station',
                station=self.gz['stations'][0]),
            'carrier': create_user('flow_carrier',
                'gd_ticketing.group_carrier', carrier=self.sz['carrier']),
            }
        seen = {}
        for name, user in users.items():
            with as_user(user), self.period():
                seen[name] = (
                    sorted(r.city.code for r in FlowCity.search([])),
                    [r.route for r in FlowRoute.search([])],
                    Flow.search([], count=True))
        self.assertEqual(seen['bureau'], (['440300'], [self.sz['route']], 2))
        self.assertEqual(seen['station'], (['440100'], [self.gz['route']], 2))
        self.assertEqual(seen['carrier'], (['440300'], [self.sz['route']], 2))
