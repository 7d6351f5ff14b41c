# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Electronic waybills (电子路单) as the gate operator: the check of a run is
closed, the waybill counts the passengers who boarded by destination and
ticket type, the departure records the inspection, and the waybill is a
locked, hashed document"""
import datetime as dt
import re
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import pdf_text, save_png
from trytond.modules.gd_ticketing.exceptions import (
    InspectionError, WaybillError)
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

from .test_sales import ADULT, CHILD, OTHER, SalesMixin, at, resident
from .tools import as_user, create_user

# Before the departure of the runs of 2026-11-26 (00:00 UTC)
BEFORE = dt.datetime(2026, 11, 25, 23, 40)
FOURTH = resident('44010519900101003')


class WaybillMixin(SalesMixin):
    "Runs sold, checked at the gate, closed and departed"

    def setup_run(self, prefix, run='run', date=None):
        """A network; on its run (or the named one), tickets A→C full, A→B
        full and A→C child sold, and one more A→C full; a gate operator of
        the origin station with a vehicle and a driver on the run"""
        pool = Pool()
        Run = pool.get('gd.run')
        network = self.network(prefix)
        run = network[run]
        a, b, c = [s.id for s in run.route.stops]
        Run.write([run], {
                'vehicle': network['vehicle'].id,
                'driver': network['driver'].id,
                'gate': '3',
                })
        order = self.sell(network, [
                self.leg(run, "张三", ADULT),
                self.leg(run, "李四", OTHER, arrival=b),
                self.leg(run, "王小", CHILD, fare='child',
                    price=Decimal(25)),
                self.leg(run, "赵六", FOURTH),
                ], amount=Decimal(175))
        network['tickets'] = sorted(order.tickets, key=lambda t: t.id)
        network['gate'] = create_user(
            f'{prefix.lower()}_gate', 'group_station',
            station=network['stations'][0])
        network['run'] = Run(run.id)
        return network

    def check(self, network, ticket, when=BEFORE):
        Check = Pool().get('gd.ticket.check')
        with as_user(network['gate']), at(when):
            check = Check.check_ticket(
                ticket.run.id, gate='3', token=ticket.qr_token)
        return Check(check.id)

    def close(self, network, run=None):
        "Close the check of the run as the gate; return its waybill"
        Run = Pool().get('gd.run')
        run = run or network['run']
        with as_user(network['gate']):
            Run.close_check([Run(run.id)])
            return Run(run.id).waybill

    def inspect(self, network, run=None, failed=None):
        """Inspect the run as the gate's station: every item passed, or
        failed the item of sequence failed; return the decided inspection"""
        Inspection = Pool().get('gd.run.inspection')
        run = run or network['run']
        with as_user(network['gate']):
            inspection, = Inspection.create([{'run': run.id}])
            for item in inspection.items:
                item.result = 'fail' if item.sequence == failed else 'pass'
                item.remark = "例检过期" if item.sequence == failed else None
            inspection.items = inspection.items
            inspection.save()
            if failed:
                Inspection.fail([inspection])
            else:
                Inspection.pass_([inspection])
        return Inspection(inspection.id)

    def depart(self, network, run=None):
        Run = Pool().get('gd.run')
        run = run or network['run']
        with as_user(network['gate']):
            Run.depart([Run(run.id)])


class WaybillTestCase(WaybillMixin, TestCase):
    "Test electronic waybills"

    @with_transaction()
    def test_close_check_generates_the_waybill(self):
        """The gate checks three passengers and closes the check: the
        waybill counts them by destination and fare type, with the fares,
        the station fees and the amount due to the carrier"""
        pool = Pool()
        Vehicle = pool.get('gd.vehicle')
        network = self.setup_run('W1')
        adult, other, child, fourth = network['tickets']
        a, b, c = network['stations']
        for ticket in [adult, other, child]:
            self.assertEqual(self.check(network, ticket).result, 'passed')

        waybill = self.close(network)
        self.assertEqual(waybill.state, 'generated')
        self.assertEqual(waybill.run, network['run'])
        self.assertEqual(waybill.station, a)
        self.assertEqual(waybill.carrier, network['carrier'])
        self.assertEqual(waybill.checker, network['gate'])
        self.assertTrue(waybill.number.startswith(f'{a.code}-3-'))
        self.assertEqual(
            (waybill.plate, waybill.approved_seats, waybill.driver_name,
                waybill.driver_certificate, waybill.schedule_number),
            ('粤AW11', 45, "W1司机", 'QW11', 'KW1'))
        self.assertEqual(
            sorted((line.destination.name, line.fare_type.code,
                    line.headcount, line.fares) for line in waybill.lines),
            sorted([
                    (c.name, 'full', 1, Decimal('50.00')),
                    (b.name, 'full', 1, Decimal('50.00')),
                    (c.name, 'child', 1, Decimal('25.00')),
                    ]))
        self.assertEqual(waybill.headcount, 3)
        self.assertEqual(waybill.fares, Decimal('125.00'))
        self.assertEqual(waybill.fee_rate, Decimal('10.00'))
        self.assertEqual(waybill.fees, Decimal('12.50'))
        self.assertEqual(waybill.amount_due, Decimal('112.50'))
        self.assertEqual(len(waybill.content_hash), 64)
        self.assertTrue(waybill.hash_verified)
        self.assertIsNone(waybill.inspection_result)

        # A document: a later change of the vehicle does not change it
        Vehicle.write([network['vehicle']], {'plate': '粤A99999'})
        self.assertEqual(type(waybill)(waybill.id).plate, '粤AW11')

        # The check is closed: the fourth passenger is refused, recorded
        refused = self.check(network, fourth)
        self.assertEqual(refused.result, 'refused')
        self.assertIn("已停止检票", refused.reason)
        self.assertIn(waybill.number, refused.reason)
        self.assertEqual(type(fourth)(fourth.id).state, 'sold')

    @with_transaction()
    def test_close_check_twice_is_refused(self):
        "A run has one waybill: closing again says so and adds nothing"
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        network = self.setup_run('W2')
        waybill = self.close(network)
        with self.assertRaises(WaybillError) as cm:
            self.close(network)
        self.assertIn("已停止检票", str(cm.exception))
        self.assertIn(waybill.number, str(cm.exception))
        self.assertEqual(
            Waybill.search([('run', '=', network['run'].id)]), [waybill])

    @with_transaction()
    def test_failed_inspection_blocks_the_departure(self):
        """A failed inspection item blocks the departure and the waybill
        stays generated; after a passed inspection the run departs and the
        waybill records the result, sealed again"""
        pool = Pool()
        Run = pool.get('gd.run')
        network = self.setup_run('W3')
        self.check(network, network['tickets'][0])
        waybill = self.close(network)
        generated_hash = waybill.content_hash
        failed = self.inspect(network, failed=30)
        with self.assertRaisesRegex(InspectionError, "车辆安全例检"):
            self.depart(network)
        waybill = type(waybill)(waybill.id)
        self.assertEqual(waybill.state, 'generated')
        self.assertIsNone(waybill.inspection_result)
        self.assertEqual(waybill.content_hash, generated_hash)

        passed = self.inspect(network)
        self.depart(network)
        self.assertEqual(Run(network['run'].id).state, 'departed')
        waybill = type(waybill)(waybill.id)
        self.assertEqual(waybill.state, 'departed')
        self.assertEqual(waybill.inspection, passed)
        self.assertNotEqual(waybill.inspection, failed)
        self.assertEqual(waybill.inspection_result, 'passed')
        self.assertEqual(waybill.inspector_name, network['gate'].name)
        self.assertTrue(waybill.departed_at)
        self.assertNotEqual(waybill.content_hash, generated_hash)
        self.assertTrue(waybill.hash_verified)

    @with_transaction()
    def test_departure_closes_the_check(self):
        """A run that departs without its check closed gets its waybill,
        departed, with the inspection"""
        network = self.setup_run('W4')
        self.check(network, network['tickets'][1])
        self.inspect(network)
        self.depart(network)
        waybill = network['run'].__class__(network['run'].id).waybill
        self.assertEqual(waybill.state, 'departed')
        self.assertEqual(waybill.checker, network['gate'])
        self.assertEqual(
            (waybill.headcount, waybill.fares), (1, Decimal('50.00')))
        self.assertEqual(waybill.inspection_result, 'passed')

    @with_transaction()
    def test_void_and_reopen(self):
        """A waybill is voided with a reason only, and then locked;
        reopening the check voids the waybill and lets the late passenger
        board, and closing again makes a new waybill"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        Run = pool.get('gd.run')
        network = self.setup_run('W5')
        adult, other, child, fourth = network['tickets']
        self.check(network, adult)
        first = self.close(network)
        with as_user(network['gate']):
            Run.reopen_check([Run(network['run'].id)])
        first = Waybill(first.id)
        self.assertEqual(first.state, 'void')
        self.assertEqual(first.void_reason, "已重新开放检票。")
        self.assertFalse(Run(network['run'].id).check_closed)
        self.assertEqual(self.check(network, fourth).result, 'passed')
        second = self.close(network)
        self.assertNotEqual(second, first)
        self.assertNotEqual(second.number, first.number)
        self.assertEqual(second.headcount, 2)

        with as_user(network['gate']):
            with self.assertRaisesRegex(WaybillError, "作废原因"):
                Waybill.void([Waybill(second.id)])
            Waybill.write([Waybill(second.id)], {'void_reason': "车辆故障"})
            Waybill.void([Waybill(second.id)])
            self.assertEqual(Waybill(second.id).state, 'void')
            # Locked once void
            with self.assertRaisesRegex(AccessError, "已锁定"):
                Waybill.write([Waybill(second.id)], {'void_reason': "改"})
            # Never deleted
            with self.assertRaises(UserError):
                Waybill.delete([Waybill(second.id)])

    @with_transaction()
    def test_hash_changes_with_the_content(self):
        """The gate cannot write the content; content changed behind the
        application no longer matches its hash"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        network = self.setup_run('W6')
        self.check(network, network['tickets'][0])
        waybill = self.close(network)
        sealed = waybill.content_hash
        self.assertEqual(waybill.compute_hash(), sealed)
        with as_user(network['gate']):
            with self.assertRaisesRegex(AccessError, "停止检票"):
                Waybill.write([Waybill(waybill.id)], {'fares': Decimal(1)})
        table = Waybill.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.fares], [Decimal('500.00')],
                where=table.id == waybill.id))
        Transaction().cache.clear()
        waybill = Waybill(waybill.id)
        self.assertEqual(waybill.fares, Decimal('500.00'))
        self.assertNotEqual(waybill.compute_hash(), sealed)
        self.assertFalse(waybill.hash_verified)

    @with_transaction()
    def test_waybill_pdf(self):
        "The waybill prints in Chinese with its fields, lines and hash"
        Report = Pool().get('gd.waybill.report', type='report')
        network = self.setup_run('W7')
        for ticket in network['tickets'][:3]:
            self.check(network, ticket)
        waybill = self.close(network)
        self.inspect(network)
        self.depart(network)
        waybill = type(waybill)(waybill.id)
        with as_user(network['gate']):
            extension, data, _, name = Report.execute([waybill.id], {})
        self.assertEqual(extension, 'pdf')
        self.assertIn(waybill.number, name)
        save_png(data, 'pdf', 'waybill')
        text = re.sub(r'\s+', '', pdf_text(data))
        for expected in [
                "道路客运电子路单", waybill.number,
                network['stations'][0].name,
                "KW7", "粤AW71", "W7司机", "QW71",
                "W7客运", "全票", "儿童票", "合计", "125.00", "12.50",
                "112.50", "合格", waybill.content_hash[:32]]:
            self.assertIn(expected, text)

    @with_transaction()
    def test_waybills_are_the_station_s_and_the_carrier_s(self):
        """The gate's station and the run's carrier read the waybill;
        another station and another carrier do not"""
        Waybill = Pool().get('gd.waybill')
        network = self.setup_run('W8')
        waybill = self.close(network)
        carrier_user = create_user(
            'w8_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        other = self.network('W9')
        other_carrier = create_user(
            'w9_carrier', 'gd_ticketing.group_carrier',
            carrier=other['carrier'])
        other_gate = create_user(
            'w9_gate', 'group_station', station=other['stations'][0])
        with as_user(carrier_user):
            self.assertEqual(Waybill.search([]), [waybill])
            self.assertEqual(Waybill(waybill.id).amount_due, Decimal(0))
            with self.assertRaises(AccessError):
                Waybill.write([Waybill(waybill.id)], {'void_reason': "x"})
        for user in [other_carrier, other_gate]:
            with as_user(user):
                self.assertEqual(Waybill.search([]), [])
                with self.assertRaises(AccessError):
                    Waybill.read([waybill.id], ['number'])
        # Nor does the other station's gate close the run's check
        Run = Pool().get('gd.run')
        with as_user(other_gate):
            with self.assertRaises(AccessError):
                Run.reopen_check([Run(network['run'].id)])
        with as_user(carrier_user):
            with self.assertRaisesRegex(UserError, "reopen_check"):
                Run.reopen_check([Run(network['run'].id)])
        self.assertEqual(Waybill(waybill.id).state, 'generated')
