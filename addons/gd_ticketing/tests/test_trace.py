# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Trip tracing as a tracing officer, export approval by the department and
the retention job, on fixed dates; the tickets are sold by a station
seller"""
import base64
import datetime as dt
import os
from contextlib import contextmanager
from decimal import Decimal
from unittest.mock import patch

from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.gd_ticketing.exceptions import (
    PassengerError, TraceError)
from trytond.modules.gd_ticketing.identity import check_character
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import as_user, create_network, create_user, get_code, on_date

KEY = base64.b64encode(b'trace-test-key-0123456789abcdef').decode()
# 2026-11-25 09:00 in Guangdong, as naive UTC
MORNING = dt.datetime(2026, 11, 25, 1, 0)
RUN_DATE = dt.date(2026, 11, 26)
QUERIED_AT = dt.datetime(2026, 12, 1, 2, 0)
REASON = "市疾控中心协查函〔2026〕118号"


def resident(first17):
    "A valid resident number of its first 17 digits"
    return first17 + check_character(first17)


PERSON = resident('44010619800101001')
FELLOW = resident('44010619810202002')
LATER = resident('44010619820303003')
STRANGER = resident('44010619830404004')


@contextmanager
def at(when):
    "Sell and trace at when (naive UTC)"
    with patch('trytond.modules.gd_ticketing.order.now', return_value=when), \
            patch('trytond.modules.gd_ticketing.trace.now',
                return_value=when):
        yield


class TraceTestCase(TestCase):
    "Test trip tracing and retention"

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

    def add_fares(self, route):
        Fare = Pool().get('gd.fare')
        stops = route.stops
        Fare.create([{
                    'route': route.id, 'departure': d.id, 'arrival': a.id,
                    'fare_type': get_code('fare_type', 'full').id,
                    'price': Decimal(50), 'price_cap': Decimal(60)}
                for i, d in enumerate(stops) for a in stops[i + 1:]])

    def network(self, prefix):
        "A route A - B - C, an open run on RUN_DATE and a seller of A"
        network = create_network(prefix, seats=10)
        self.add_fares(network['route'])
        network['run'] = self.open_run(network['schedule'])
        network['seller'] = create_user(
            f'{prefix.lower()}_seller', 'group_station',
            station=network['stations'][0])
        return network

    def sell(self, network, name, id_number, run=None, departure=0,
            arrival=-1, when=MORNING):
        "Sell as the seller a ticket of run between the stops' indexes"
        Order = Pool().get('gd.order')
        run = run or network['run']
        stops = run.route.stops
        with as_user(network['seller']), at(when):
            order, = Order.sell([{
                        'channel': 'window',
                        'station': network['stations'][0].id,
                        'payments': [{
                                'method': 'cash', 'amount': Decimal(50)}],
                        'tickets': [{
                                'passenger': {
                                    'name': name, 'id_type': 'resident',
                                    'id_number': id_number},
                                'run': run.id,
                                'departure': stops[departure].id,
                                'arrival': stops[arrival].id,
                                'fare_type': get_code('fare_type', 'full').id,
                                }],
                        }])
        ticket, = order.tickets
        return ticket

    def trace(self, user, id_number=PERSON, reason=REASON,
            from_date=dt.date(2026, 11, 17), to_date=dt.date(2026, 12, 1)):
        TraceLog = Pool().get('gd.trace.log')
        with as_user(user), at(QUERIED_AT):
            return TraceLog.trace(
                'resident', id_number, from_date, to_date, reason)

    def traced(self, prefix):
        """The person A - B, a fellow A - C on the same run, a later
        passenger B - C on it and a stranger on the next day's run;
        an officer and the person's trace"""
        network = self.network(prefix)
        self.sell(network, "李明", PERSON, departure=0, arrival=1)
        self.sell(network, "王芳", FELLOW, departure=0, arrival=2)
        self.sell(network, "赵强", LATER, departure=1, arrival=2)
        next_run = self.open_run(
            network['schedule'], RUN_DATE + dt.timedelta(days=1))
        self.sell(network, "孙丽", STRANGER, run=next_run)
        officer = create_user(
            f'{prefix.lower()}_officer', 'gd_ticketing.group_trace')
        log = self.trace(officer)
        return network, officer, log

    def assertMasked(self, text):
        for number in [PERSON, FELLOW, LATER, STRANGER]:
            self.assertNotIn(number, text)

    # Tracing

    @with_transaction()
    def test_trace_finds_trips_and_overlapping_co_travellers(self):
        "The person's trip and the passengers of overlapping sections only"
        network, officer, log = self.traced('TA')
        self.assertEqual((log.trips, log.co_travellers), (1, 1))
        with as_user(officer):
            trip, fellow = log.lines
            self.assertEqual(trip.kind, 'trip')
            self.assertEqual(trip.run, network['run'].rec_name)
            self.assertEqual(trip.schedule, network['schedule'].number)
            self.assertEqual(trip.date, RUN_DATE)
            self.assertEqual(
                (trip.departure, trip.arrival),
                (network['stations'][0].rec_name,
                    network['stations'][1].rec_name))
            self.assertTrue(trip.seat)
            self.assertEqual(trip.state, 'sold')
            self.assertEqual(trip.id_masked, PERSON[:6] + '********'
                + PERSON[-4:])
            self.assertEqual(fellow.kind, 'co_traveller')
            self.assertEqual(fellow.name, "王芳")
            self.assertEqual(
                fellow.id_masked, FELLOW[:6] + '********' + FELLOW[-4:])
            self.assertTrue(fellow.seat)
            # The B - C passenger boards where the person left
            self.assertNotIn("赵强", [line.name for line in log.lines])
            self.assertMasked(repr([
                        (line.name, line.id_masked) for line in log.lines]))

    @with_transaction()
    def test_every_query_is_logged_with_user_reason_and_time(self):
        "Queries are logged, those that find nothing as well"
        TraceLog = Pool().get('gd.trace.log')
        _, officer, log = self.traced('TB')
        empty = self.trace(officer, id_number=STRANGER, reason=" 协查 ",
            from_date=dt.date(2026, 11, 1), to_date=dt.date(2026, 11, 2))
        with as_user(officer):
            logs = TraceLog.search([])
            self.assertEqual(logs, [empty, log])
            self.assertEqual(
                [(x.user, x.reason, x.date) for x in logs],
                [(officer, "协查", QUERIED_AT), (officer, REASON, QUERIED_AT)])
            self.assertEqual((empty.trips, empty.co_travellers), (0, 0))
            self.assertEqual(empty.id_masked, STRANGER[:6] + '********'
                + STRANGER[-4:])
            self.assertEqual(
                (empty.from_date, empty.to_date),
                (dt.date(2026, 11, 1), dt.date(2026, 11, 2)))

    @with_transaction()
    def test_trace_without_reason_is_refused(self):
        "A trace without a reason is refused and leaves no log"
        TraceLog = Pool().get('gd.trace.log')
        officer = create_user('tc_officer', 'gd_ticketing.group_trace')
        for reason in [None, '', '   ']:
            with self.assertRaises(TraceError) as context, \
                    self.assertLogs('gdcloud.audit', 'WARNING') as audit:
                self.trace(officer, reason=reason)
            self.assertIn("事由", str(context.exception))
            # The server's audit log keeps the refused attempt
            refusal, = audit.output
            self.assertIn(
                f"trace refused: user {officer.id}, reason ''", refusal)
        self.assertEqual(TraceLog.search([]), [])

    @with_transaction()
    def test_trace_bad_period_is_refused(self):
        "A period ending before it begins is refused"
        officer = create_user('td_officer', 'gd_ticketing.group_trace')
        with self.assertRaises(TraceError):
            self.trace(
                officer, from_date=dt.date(2026, 12, 1),
                to_date=dt.date(2026, 11, 1))

    @with_transaction()
    def test_trace_without_role_is_refused(self):
        "A seller, a department user or a carrier may not trace"
        network = self.network('TE')
        department = create_user('te_department', 'group_department')
        carrier = create_user(
            'te_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        for user in [network['seller'], department, carrier]:
            with self.assertRaises(AccessError) as context, \
                    self.assertLogs('gdcloud.audit', 'WARNING') as audit:
                self.trace(user)
            self.assertIn("流调查询员", str(context.exception))
            refusal, = audit.output
            self.assertIn(
                f"trace refused: user {user.id}, reason {REASON!r}", refusal)

    @with_transaction()
    def test_trace_wizard_defaults_to_last_14_days(self):
        "The query proposes the last 14 days"
        TraceStart = Pool().get('gd.trace.start')
        with on_date(dt.date(2026, 12, 1)):
            self.assertEqual(
                (TraceStart.default_from_date(), TraceStart.default_to_date()),
                (dt.date(2026, 11, 17), dt.date(2026, 12, 1)))

    # The log's access

    @with_transaction()
    def test_log_read_by_department_without_results(self):
        """The department reads the logs, not the results; nobody changes
        them; another officer does not see them"""
        pool = Pool()
        TraceLog = pool.get('gd.trace.log')
        Line = pool.get('gd.trace.log.line')
        _, officer, log = self.traced('TF')
        department = create_user('tf_department', 'group_department')
        other = create_user('tf_other', 'gd_ticketing.group_trace')
        with as_user(department):
            self.assertEqual(TraceLog.search([]), [log])
            self.assertEqual(TraceLog(log.id).reason, REASON)
            with self.assertRaises(AccessError):
                Line.search([])
        for user in [officer, department]:
            with as_user(user):
                with self.assertRaises(AccessError):
                    TraceLog.write([TraceLog(log.id)], {'reason': "x"})
                with self.assertRaises(AccessError):
                    TraceLog.delete([TraceLog(log.id)])
                with self.assertRaises(AccessError):
                    TraceLog.create([{'reason': "x"}])
        with as_user(other):
            self.assertEqual(TraceLog.search([]), [])
            self.assertEqual(Line.search([]), [])
        # Not even the system
        with self.assertRaises(AccessError):
            TraceLog.delete([log])

    # Export

    @with_transaction()
    def test_export_needs_approval_of_another_department_user(self):
        """The officer exports the results once another department user
        approved the request; the CSV holds masked numbers only"""
        pool = Pool()
        TraceLog = pool.get('gd.trace.log')
        Export = pool.get('gd.trace.export')
        ReportCsv = pool.get('gd.trace.log.csv', type='report')
        User = pool.get('res.user')
        _, officer, log = self.traced('TG')
        department = create_user('tg_department', 'group_department')
        # An officer of the department may not approve their own request
        both = create_user('tg_both', 'gd_ticketing.group_trace')
        User.write([both], {
                'groups': [('add', [g.id for g in department.groups])]})
        with as_user(officer):
            with self.assertRaises(AccessError):
                TraceLog.export([TraceLog(log.id)])
            with self.assertRaises(AccessError):
                ReportCsv.execute([log.id], {})
            TraceLog.request_export([TraceLog(log.id)])
            export, = Export.search([])
            self.assertEqual(
                (export.state, export.requested_by), ('requested', officer))
            with self.assertRaises(AccessError):
                TraceLog.export([TraceLog(log.id)])
            # The officer does not decide
            with self.assertRaises(AccessButtonError):
                Export.approve([export])
        own = self.trace(both)
        with as_user(both):
            TraceLog.request_export([TraceLog(own.id)])
            own_export, = Export.search([('trace', '=', own.id)])
            with self.assertRaises(AccessError) as context:
                Export.approve([own_export])
            self.assertIn("另一位", str(context.exception))
        with as_user(department):
            Export.approve([Export(export.id)])
            # Decided once
            with self.assertRaises(AccessButtonError):
                Export.reject([Export(export.id)])
        export = Export(export.id)
        self.assertEqual(
            (export.state, export.approved_by), ('approved', department))
        with as_user(officer):
            TraceLog.export([TraceLog(log.id)])
            oext, content, _, name = ReportCsv.execute([log.id], {})
        self.assertEqual(oext, 'csv')
        text = bytes(content).decode('utf-8-sig')
        self.assertIn(FELLOW[:6] + '********' + FELLOW[-4:], text)
        self.assertIn("王芳", text)
        self.assertMasked(text)
        self.assertEqual(len(text.strip().splitlines()), 3)

    @with_transaction()
    def test_rejected_export_is_refused(self):
        "A rejected request exports nothing"
        pool = Pool()
        TraceLog = pool.get('gd.trace.log')
        Export = pool.get('gd.trace.export')
        _, officer, log = self.traced('TH')
        department = create_user('th_department', 'group_department')
        with as_user(officer):
            TraceLog.request_export([TraceLog(log.id)])
        with as_user(department):
            Export.reject(Export.search([]))
        with as_user(officer), \
                self.assertLogs('gdcloud.audit', 'WARNING') as audit:
            with self.assertRaises(AccessError):
                TraceLog.export([TraceLog(log.id)])
        refusal, = audit.output
        self.assertIn(
            f"trace export refused: user {officer.id}, logs [{log.id}]",
            refusal)

    # Retention

    @with_transaction()
    def test_retention_anonymizes_after_the_period(self):
        """A year after their last trip passengers are anonymized, the
        tickets and the passenger flow kept, the run logged"""
        pool = Pool()
        Passenger = pool.get('gd.passenger')
        Ticket = pool.get('gd.ticket')
        Flow = pool.get('gd.passenger.flow')
        Cron = pool.get('ir.cron')
        Log = pool.get('gd.retention.log')
        network = self.network('TR')
        old = self.sell(network, "李明", PERSON)
        kept = self.sell(network, "王芳", FELLOW)
        later_date = dt.date(2027, 6, 1)
        later_run = self.open_run(network['schedule'], later_date)
        self.sell(
            network, "王芳", FELLOW, run=later_run,
            when=dt.datetime(2027, 5, 31, 1, 0))
        recent = self.sell(
            network, "赵强", LATER, run=later_run,
            when=dt.datetime(2027, 5, 31, 1, 0))
        flows = [(f.date, f.sold, f.revenue) for f in Flow.search([])]
        cron, = Cron.search([
                ('method', '=', 'gd.passenger|anonymize_expired')])

        # Less than a year after the trip: nothing changes
        with on_date(RUN_DATE + dt.timedelta(days=365)):
            Cron.run_once([cron])
        self.assertEqual(Passenger(old.passenger.id).name, "李明")

        with on_date(dt.date(2027, 12, 1)):
            Cron.run_once([cron])
        old = Ticket(old.id)
        passenger = old.passenger
        self.assertEqual(
            (passenger.name, passenger.id_masked,
                passenger.id_number_encrypted),
            ("已匿名", "已匿名", None))
        self.assertNotIn(passenger.id_hash, [
                kept.passenger.id_hash, recent.passenger.id_hash])
        self.assertIsNone(old.id_hash)
        self.assertEqual(
            (old.state, old.price, old.run, old.passenger),
            ('sold', Decimal(50), network['run'], passenger))
        self.assertTrue(old.number and old.seat)
        # The passenger travelling since, and the recent one, are kept
        for ticket in [kept, recent]:
            self.assertEqual(
                Ticket(ticket.id).id_hash, ticket.passenger.id_hash)
            self.assertNotEqual(ticket.passenger.name, "已匿名")
        self.assertEqual(
            [(f.date, f.sold, f.revenue) for f in Flow.search([])], flows)
        log, earlier = Log.search([], order=[('id', 'DESC')])
        self.assertEqual(
            (log.cutoff, log.retention_days, log.passengers, log.tickets),
            (dt.date(2026, 12, 1), 365, 1, 1))
        self.assertEqual(earlier.passengers, 0)
        # The anonymized number is not found again, nor shown
        officer = create_user('tr_officer', 'gd_ticketing.group_trace')
        self.assertEqual(self.trace(officer).trips, 0)
        with self.assertRaises(PassengerError):
            passenger.decrypt()

    @with_transaction()
    def test_retention_period_is_at_least_a_year(self):
        "The retention period is 365 days by default and never shorter"
        Configuration = Pool().get('gd.ticketing.configuration')
        configuration = Configuration(1)
        self.assertEqual(configuration.retention_days, 365)
        configuration.retention_days = 364
        with self.assertRaises(DomainValidationError):
            configuration.save()
        configuration.retention_days = 730
        configuration.save()
