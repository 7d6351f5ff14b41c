# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Seats raced for by concurrent transactions on PostgreSQL: no seat is ever
held twice on a section"""
import datetime as dt
import threading
import unittest
import uuid

from trytond import backend
from trytond.modules.gd_ticketing.exceptions import SaleError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, TestCase, activate_module
from trytond.transaction import Transaction

from .tools import create_network

# 2026-11-25 09:00 in Guangdong, as naive UTC
AT = dt.datetime(2026, 11, 25, 1, 0)
RUN_DATE = dt.date(2026, 11, 26)
# Each serialization failure means another transaction committed first,
# so a thread needs at most as many attempts as there are threads
ATTEMPTS = 100


@unittest.skipIf(
    backend.name == 'sqlite', "SQLite serializes every writer")
class ConcurrencyTestCase(TestCase):
    "Test concurrent seat allocation"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_ticketing', lang='zh_CN')

    def create_open_run(self, prefix, seats):
        "Commit a network with its run open for sale; return the run id"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Schedule = pool.get('gd.schedule')
            Run = pool.get('gd.run')
            network = create_network(prefix, seats=seats)
            run, = Schedule.generate_runs(
                [network['schedule']], start=RUN_DATE, days=1)
            Run.open([run])
            transaction.commit()
            return run.id

    def race(self, run_id, journeys):
        """Start one thread per journey (from_index, to_index), each in
        its own transaction, allocating one seat and committing; retry on
        serialization failures as trytond's dispatcher does.  Return
        {key: (journey, seats or None)}"""
        results = {}
        lock = threading.Lock()
        barrier = threading.Barrier(len(journeys))

        def sell(journey):
            key = uuid.uuid4().hex
            seats = None
            for attempt in range(ATTEMPTS):
                try:
                    with Transaction().start(DB_NAME, 0) as transaction:
                        pool = Pool()
                        Run = pool.get('gd.run')
                        Section = pool.get('gd.run.seat.section')
                        # Take the snapshot before the others commit
                        run = Run(run_id)
                        self.assertEqual(run.state, "open")
                        if not attempt:
                            barrier.wait()
                        try:
                            seats = Section.allocate(
                                run, *journey, key=key, at=AT)
                        except SaleError:
                            transaction.rollback()
                            break
                        transaction.commit()
                        break
                except backend.DatabaseOperationalError:
                    continue
            else:
                raise AssertionError(f"{journey} never got an answer")
            with lock:
                results[key] = (journey, seats)

        threads = [
            threading.Thread(target=sell, args=(j,)) for j in journeys]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(results), len(journeys))
        return results

    def holds(self, run_id):
        "The rows of the run: {(seat, section): [key, ...]}"
        with Transaction().start(DB_NAME, 0):
            Section = Pool().get('gd.run.seat.section')
            table = Section.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(
                    table.seat, table.section, table.key,
                    where=table.run == run_id))
            rows = {}
            for seat, section, key in cursor:
                rows.setdefault((seat, section), []).append(key)
            return rows

    def check_holds(self, run_id, results, capacity):
        "No seat held twice on a section; each hold is a success's"
        rows = self.holds(run_id)
        self.assertTrue(all(len(k) == 1 for k in rows.values()), rows)
        by_key = {}
        for (seat, section), (key,) in rows.items():
            by_key.setdefault(key, set()).add((seat, section))
        for key, (journey, seats) in results.items():
            if seats is None:
                self.assertNotIn(key, by_key)
            else:
                self.assertEqual(by_key[key], {
                        (seats[0], s) for s in range(*journey)})
        for seat, _ in rows:
            self.assertLessEqual(seat, capacity)
        return rows

    def test_last_seats_are_sold_once(self):
        "Twelve sellers race for five seats: five succeed, seven are refused"
        capacity = 5
        run_id = self.create_open_run('X1', capacity)
        results = self.race(run_id, [(0, 2)] * 12)
        successes = [s for _, s in results.values() if s]
        self.assertEqual(len(successes), capacity)
        self.assertEqual(
            sorted(s for seats in successes for s in seats),
            list(range(1, capacity + 1)))
        rows = self.check_holds(run_id, results, capacity)
        self.assertEqual(len(rows), capacity * 2)

    def test_overlapping_sections_are_sold_once(self):
        "Sellers of overlapping and disjoint journeys race for three seats"
        capacity = 3
        run_id = self.create_open_run('X2', capacity)
        journeys = [(0, 2), (0, 1), (1, 2)] * 4
        results = self.race(run_id, journeys)
        rows = self.check_holds(run_id, results, capacity)
        held = {
            section: sum(1 for _, s in rows if s == section)
            for section in range(2)}
        for journey, seats in results.values():
            if seats is None:
                # Refused only when a section of the journey is full
                self.assertTrue(any(
                        held[s] == capacity for s in range(*journey)),
                    (journey, held))
        # Every section is sold out: 12 sellers for 3 seats per section
        self.assertEqual(held, {0: capacity, 1: capacity})
        successes = [j for j, s in results.values() if s]
        self.assertEqual(
            sum(1 for j in successes if j[0] == 0), capacity)
        self.assertEqual(
            sum(1 for j in successes if j[1] == 2), capacity)
