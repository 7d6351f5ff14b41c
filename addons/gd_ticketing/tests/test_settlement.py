# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Carrier settlements (承运结算): the station settles the departed waybills
of a period with the carrier, whose user reads the statement as XLSX; the
totals reconcile with the tickets behind them; a waybill is settled once"""
import datetime as dt
import io
from decimal import Decimal

import openpyxl

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_ticketing.exceptions import (
    SettlementError, WaybillError)
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction

from .test_sales import RUN_DATE
from .test_waybill import BEFORE, WaybillMixin
from .tools import as_user, create_user

PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


class SettlementTestCase(WaybillMixin, TestCase):
    "Test carrier settlements"

    def departed(self, prefix, rate=None):
        """A network whose run and next day's run boarded passengers and
        departed: 3 passengers on the first, 1 on the second"""
        pool = Pool()
        Configuration = pool.get('gd.ticketing.configuration')
        Run = pool.get('gd.run')
        if rate is not None:
            Configuration.write(
                [Configuration(1)], {'station_fee_rate': rate})
        network = self.setup_run(prefix)
        for ticket in network['tickets'][:3]:
            self.check(network, ticket)
        self.inspect(network)
        self.depart(network)
        second = self.open_run(
            network['schedule'], RUN_DATE + dt.timedelta(days=1))
        Run.write([second], {'gate': '3'})
        order = self.sell(network, [self.leg(second, "张三")])
        ticket, = order.tickets
        self.check(network, ticket, when=BEFORE + dt.timedelta(days=1))
        self.inspect(network, run=second)
        self.depart(network, run=second)
        network['second'] = Run(second.id)
        network['runs'] = [network['run'], network['second']]
        return network

    def settlement(self, network, fill=True):
        "A draft settlement of the carrier by the gate's station"
        Settlement = Pool().get('gd.settlement')
        with as_user(network['gate']):
            settlement, = Settlement.create([{
                        'carrier': network['carrier'].id,
                        'station': network['stations'][0].id,
                        'date_from': PERIOD[0],
                        'date_to': PERIOD[1],
                        }])
            if fill:
                Settlement.fill([settlement])
        return Settlement(settlement.id)

    def confirm(self, network, settlement):
        Settlement = Pool().get('gd.settlement')
        with as_user(network['gate']):
            Settlement.confirm([Settlement(settlement.id)])
        return Settlement(settlement.id)

    def checked_tickets(self, runs):
        "The tickets that boarded the runs, as their checks say"
        Check = Pool().get('gd.ticket.check')
        checks = Check.search([
                ('run', 'in', [r.id for r in runs]),
                ('result', 'in', ['passed', 'late']),
                ])
        return [c.ticket for c in checks]

    @with_transaction()
    def test_settlement_totals_equal_the_tickets(self):
        """The station fills a settlement with the period's departed
        waybills and confirms it: the waybills are settled and the totals
        are those of the tickets that boarded, to the cent"""
        Waybill = Pool().get('gd.waybill')
        network = self.departed('S1', rate=Decimal('7.5'))
        settlement = self.settlement(network)
        waybills = [r.waybill for r in network['runs']]
        self.assertEqual([line.waybill for line in settlement.lines], waybills)
        self.assertTrue(settlement.number.startswith('JS2026'))

        tickets = self.checked_tickets(network['runs'])
        self.assertEqual(len(tickets), 4)
        fares = sum(t.price for t in tickets)
        self.assertEqual(fares, Decimal('175.00'))
        self.assertEqual(settlement.headcount, len(tickets))
        self.assertEqual(settlement.fares, fares)
        # 7.5 % of 125.00 is 9.375, of 50.00 3.75: per waybill, to the cent
        self.assertEqual(
            [w.fees for w in waybills], [Decimal('9.38'), Decimal('3.75')])
        self.assertEqual(settlement.fees, Decimal('13.13'))
        self.assertEqual(settlement.amount_due, fares - Decimal('13.13'))

        settlement = self.confirm(network, settlement)
        self.assertEqual(settlement.state, 'confirmed')
        self.assertEqual(settlement.confirmed_by, network['gate'])
        for waybill in waybills:
            waybill = Waybill(waybill.id)
            self.assertEqual(waybill.state, 'settled')
            self.assertEqual(waybill.settlement, settlement)
            self.assertTrue(waybill.hash_verified)

    @with_transaction()
    def test_carrier_reads_its_statement_as_xlsx(self):
        """The carrier's user reads its settlement and downloads the XLSX
        statement, whose totals row equals the tickets; another carrier
        reads neither"""
        pool = Pool()
        Settlement = pool.get('gd.settlement')
        Waybill = pool.get('gd.waybill')
        Report = pool.get('gd.settlement.report', type='report')
        network = self.departed('S2')
        settlement = self.confirm(network, self.settlement(network))
        carrier = create_user(
            's2_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        with as_user(carrier):
            self.assertEqual(Settlement.search([]), [settlement])
            self.assertEqual(len(Waybill.search([])), 2)
            extension, data, _, name = Report.execute([settlement.id], {})
            with self.assertRaises(AccessError):
                Settlement.write(
                    [Settlement(settlement.id)], {'date_to': PERIOD[0]})
            with self.assertRaises(AccessError):
                Settlement.create([{
                            'carrier': network['carrier'].id,
                            'station': network['stations'][0].id,
                            'date_from': PERIOD[0], 'date_to': PERIOD[1],
                            }])
        self.assertEqual(extension, 'xlsx')
        self.assertIn(settlement.number, name)

        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[0][0], "承运结算单")
        numbers = [r.waybill.number for r in network['runs']]
        waybill_rows = [r for r in rows if r[1] in numbers]
        self.assertEqual([r[1] for r in waybill_rows], numbers)
        totals, = [r for r in rows if r[1] == "合计"]
        tickets = self.checked_tickets(network['runs'])
        fares = sum(t.price for t in tickets)
        self.assertEqual(totals[6], len(tickets))
        self.assertEqual(Decimal(str(totals[7])), fares)
        self.assertEqual(
            Decimal(str(totals[9])) + Decimal(str(totals[10])), fares)
        self.assertEqual(
            Decimal(str(round(totals[9], 2))),
            sum(r.waybill.fees for r in network['runs']))
        self.assertEqual(
            sum(r[7] for r in waybill_rows), totals[7])

        other = self.network('S3')
        stranger = create_user(
            's3_carrier', 'gd_ticketing.group_carrier',
            carrier=other['carrier'])
        other_gate = create_user(
            's3_gate', 'group_station', station=other['stations'][0])
        for user in [stranger, other_gate]:
            with as_user(user):
                self.assertEqual(Settlement.search([]), [])
                self.assertEqual(Waybill.search([]), [])
                with self.assertRaises(AccessError):
                    Report.execute([settlement.id], {})

    @with_transaction()
    def test_settling_twice_is_refused_and_changes_nothing(self):
        """A waybill on two settlements is settled by the first confirmed;
        confirming the second names the waybill and the first settlement
        and settles none of its waybills"""
        Waybill = Pool().get('gd.waybill')
        network = self.departed('S4')
        first, second = network['runs']
        once = self.settlement(network, fill=False)
        twice = self.settlement(network)
        Line = Pool().get('gd.settlement.line')
        with as_user(network['gate']):
            Line.create([{
                        'settlement': once.id,
                        'waybill': first.waybill.id}])
        once = self.confirm(network, once)
        with self.assertRaises(WaybillError) as cm:
            self.confirm(network, twice)
        message = str(cm.exception)
        self.assertIn(first.waybill.number, message)
        self.assertIn(once.number, message)
        self.assertIn("只能结算一次", message)
        twice = type(twice)(twice.id)
        self.assertEqual(twice.state, 'draft')
        self.assertIsNone(twice.confirmed_by)
        self.assertEqual(Waybill(first.waybill.id).settlement, once)
        self.assertEqual(Waybill(second.waybill.id).state, 'departed')
        self.assertIsNone(Waybill(second.waybill.id).settlement)

    @with_transaction()
    def test_settled_waybill_is_locked(self):
        """Once settled a waybill is neither voided nor changed, and its
        confirmed settlement is not changed nor cancelled"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        Settlement = pool.get('gd.settlement')
        network = self.departed('S5')
        settlement = self.confirm(network, self.settlement(network))
        waybill = Waybill(network['run'].waybill.id)
        with as_user(network['gate']):
            with self.assertRaisesRegex(AccessError, "已锁定"):
                Waybill.write([waybill], {'void_reason': "改"})
            with self.assertRaises(UserError):
                Waybill.void([waybill])
            with self.assertRaises(UserError):
                Settlement.cancel([Settlement(settlement.id)])
            with self.assertRaisesRegex(AccessError, "不是草稿"):
                Settlement.write(
                    [Settlement(settlement.id)], {'date_to': PERIOD[0]})
        self.assertEqual(Waybill(waybill.id).state, 'settled')

    @with_transaction()
    def test_void_waybill_is_not_settled(self):
        """A waybill voided after it was put on a settlement stops its
        confirmation; the draft is then cancelled"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        Settlement = pool.get('gd.settlement')
        network = self.departed('S6')
        settlement = self.settlement(network)
        waybill = network['second'].waybill
        with as_user(network['gate']):
            Waybill.write([Waybill(waybill.id)], {'void_reason': "重复"})
            Waybill.void([Waybill(waybill.id)])
        with self.assertRaisesRegex(WaybillError, "作废") as cm:
            self.confirm(network, settlement)
        self.assertIn(waybill.number, str(cm.exception))
        self.assertEqual(
            Waybill(network['run'].waybill.id).state, 'departed')
        with as_user(network['gate']):
            Settlement.cancel([Settlement(settlement.id)])
        self.assertEqual(Settlement(settlement.id).state, 'cancelled')

    @with_transaction()
    def test_empty_settlement_is_refused(self):
        "A settlement without waybills says to fill it"
        network = self.departed('S7')
        settlement = self.settlement(network, fill=False)
        with self.assertRaisesRegex(SettlementError, "填入路单"):
            self.confirm(network, settlement)
