# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Sellers racing on PostgreSQL with whole orders: one ticket per ID per run,
no seat sold twice, and a refused sale leaves nothing behind"""
import base64
import datetime as dt
import os
import threading
import unittest
from decimal import Decimal
from unittest.mock import patch

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.gd_ticketing.identity import check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction

from .tools import create_network, create_route, create_schedule, get_code

KEY = base64.b64encode(b'sales-race-key-0123456789abcdef').decode()
AT = dt.datetime(2026, 11, 25, 1, 0)
RUN_DATE = dt.date(2026, 11, 26)
ATTEMPTS = 100
SELLERS = 8


def resident(n):
    "The n-th valid resident number of a series"
    first17 = f'44010119900101{n:03d}'
    return first17 + check_character(first17)


@unittest.skipIf(
    backend.name == 'sqlite', "SQLite serializes every writer")
class SalesConcurrencyTestCase(TestCase):
    "Test concurrent sales of orders"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for target in [
                patch.dict(os.environ, {'GDCLOUD_ID_KEY': KEY}),
                patch('trytond.modules.gd_ticketing.order.now',
                    return_value=AT)]:
            target.start()
            cls.addClassCleanup(target.stop)
        activate_module('gd_ticketing', lang='zh_CN')

    @classmethod
    def tearDownClass(cls):
        # The races commit: leave no sale to the next test cases
        drop_db()
        super().tearDownClass()

    def create_network(self, prefix, seats):
        """Commit a network with an open run A - B - C, an onward run
        C - D leaving 1 hour after the arrival, their fares, and a seller
        of A; return their ids"""
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Schedule = pool.get('gd.schedule')
            Run = pool.get('gd.run')
            Fare = pool.get('gd.fare')
            User = pool.get('res.user')
            ModelData = pool.get('ir.model.data')
            network = create_network(prefix, seats=seats)
            a, _, c = network['stations']
            d = create_network(f'{prefix}D')['stations'][0]
            onward = create_route(
                f'R{prefix}CD', f"{prefix}联程线", [(c, 0, 0), (d, 60, 70)])
            schedule = create_schedule(
                f'L{prefix}', onward, network['carrier'], dt.time(11, 0),
                seats=seats)
            runs = Schedule.generate_runs(
                [network['schedule'], schedule], start=RUN_DATE, days=1)
            Run.open(runs)
            for route in [network['route'], onward]:
                Fare.create([{
                            'route': route.id,
                            'departure': route.stops[0].id,
                            'arrival': route.stops[-1].id,
                            'fare_type': get_code('fare_type', 'full').id,
                            'price': Decimal(50), 'price_cap': Decimal(50),
                            }])
            seller, = User.create([{
                        'login': f'{prefix.lower()}_seller',
                        'name': f'{prefix.lower()}_seller',
                        'station': a.id,
                        'groups': [('add', [ModelData.get_id(
                                        'gd_documents', 'group_station')])],
                        }])
            transaction.commit()
            return {
                'seller': seller.id, 'station': a.id,
                'runs': [(r.id, r.route.stops[0].id, r.route.stops[-1].id)
                    for r in sorted(runs, key=lambda r: r.departure)],
                }

    def race(self, network, numbers):
        """Each seller sells, in its own transaction as the seller, an
        order for the passenger of number on every run of network as a
        connecting journey; return {index: order id or None}"""
        results = {}
        lock = threading.Lock()
        barrier = threading.Barrier(len(numbers))

        def sell(index, number):
            order_id = None
            for attempt in range(ATTEMPTS):
                try:
                    with Transaction().start(
                            DB_NAME, network['seller'],
                            context={'_check_access': True}
                            ) as transaction:
                        Order = Pool().get('gd.order')
                        if not attempt:
                            barrier.wait()
                        try:
                            order, = Order.sell([{
                                        'channel': 'window',
                                        'station': network['station'],
                                        'payments': [{
                                                'method': 'cash',
                                                'amount': Decimal(50) * len(
                                                    network['runs'])}],
                                        'tickets': [{
                                                'passenger': {
                                                    'name': f"乘客{number}",
                                                    'id_type': 'resident',
                                                    'id_number': number},
                                                'run': run,
                                                'departure': departure,
                                                'arrival': arrival,
                                                'fare_type': get_code(
                                                    'fare_type', 'full').id,
                                                'kind': 'connecting',
                                                'leg': leg,
                                                }
                                            for leg, (run, departure,
                                                arrival)
                                            in enumerate(
                                                network['runs'], 1)],
                                        }])
                        except UserError:
                            transaction.rollback()
                            break
                        order_id = order.id
                        transaction.commit()
                        break
                except backend.DatabaseOperationalError:
                    continue
            else:
                raise AssertionError(f"seller {index} never got an answer")
            with lock:
                results[index] = order_id

        threads = [
            threading.Thread(target=sell, args=(i, n))
            for i, n in enumerate(numbers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(results), len(numbers))
        return results

    def check_sales(self, network, results):
        """Every order sold holds one seat per leg, each seat once per
        section; nothing else is left; return the tickets sold"""
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Order = pool.get('gd.order')
            Ticket = pool.get('gd.ticket')
            Section = pool.get('gd.run.seat.section')
            run_ids = [r for r, _, _ in network['runs']]
            orders = Order.search([('station', '=', network['station'])])
            self.assertEqual(
                sorted(o.id for o in orders),
                sorted(i for i in results.values() if i))
            tickets = Ticket.search([('run', 'in', run_ids)])
            self.assertEqual(
                len(tickets), len(orders) * len(run_ids))
            self.assertTrue(all(t.state == 'sold' for t in tickets))
            holds = Section.search([('run', 'in', run_ids)])
            self.assertEqual(
                {h.key for h in holds}, {t.number for t in tickets})
            self.assertEqual(len(holds), sum(
                    t.to_index - t.from_index for t in tickets))
            self.assertEqual(
                len({(h.run, h.seat, h.section) for h in holds}),
                len(holds))
            return len(tickets)

    def test_same_passenger_is_sold_once(self):
        "Eight sellers sell one passenger's journey at once: one order"
        network = self.create_network('Y1', seats=10)
        results = self.race(network, [resident(1)] * SELLERS)
        self.assertEqual(
            sum(1 for i in results.values() if i), 1, results)
        self.assertEqual(self.check_sales(network, results), 2)

    def test_last_seats_of_connecting_journeys(self):
        "Eight sellers, three seats: three journeys sold, whole"
        network = self.create_network('Y2', seats=3)
        results = self.race(
            network, [resident(10 + i) for i in range(SELLERS)])
        self.assertEqual(
            sum(1 for i in results.values() if i), 3, results)
        self.assertEqual(self.check_sales(network, results), 6)
