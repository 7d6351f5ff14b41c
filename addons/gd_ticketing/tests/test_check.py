# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Boarding checks at the gate, as its operator: the e-ticket's signed QR
code or the ID card; every attempt recorded, refusals included; and the
e-ticket voucher"""
import datetime as dt
import re

from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import (
    pdf_fonts, pdf_text, save_png)
from trytond.modules.gd_ticketing import eticket
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction

from .test_sales import ADULT, MORNING, OTHER, RUN_DATE, SalesMixin, at
from .tools import as_user, create_user

# The run leaves at 00:00 UTC on the 26th (08:00 in Guangdong)
BEFORE = dt.datetime(2026, 11, 25, 23, 40)
LATE = dt.datetime(2026, 11, 26, 0, 5)


class CheckTestCase(SalesMixin, TestCase):
    "Test boarding checks and the e-ticket"

    def setup_ticket(self, prefix):
        "A ticket sold on network's run, and a gate operator of its station"
        network = self.network(prefix)
        order = self.sell(network, [self.leg(network['run'])])
        ticket, = order.tickets
        network['gate'] = create_user(
            f'{prefix.lower()}_gate', 'group_station',
            station=network['stations'][0])
        return network, ticket

    def check(self, network, when=BEFORE, **values):
        Check = Pool().get('gd.ticket.check')
        with as_user(network['gate']), at(when):
            check = Check.check_ticket(network['run'].id, gate='3', **values)
        return Check(check.id)

    @with_transaction()
    def test_qr_check_boards_the_ticket_once(self):
        """The gate scans the QR code: the ticket boards and is used; a
        second scan is refused and recorded"""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Flow = pool.get('gd.passenger.flow')
        network, ticket = self.setup_ticket('C1')
        token = ticket.qr_token
        self.assertEqual(eticket.verify(token, key=eticket.public_key())[
                'n'], ticket.number)

        check = self.check(network, token=token, id_number=ADULT)
        self.assertEqual(check.result, 'passed')
        self.assertEqual((check.method, check.gate), ('qr', '3'))
        self.assertEqual(check.operator, network['gate'])
        self.assertEqual(check.ticket, ticket)
        self.assertEqual(Ticket(ticket.id).state, 'used')
        flow, = Flow.search([('station', '=', network['stations'][0].id)])
        self.assertEqual((flow.sold, flow.checked), (1, 1))

        again = self.check(network, token=token)
        self.assertEqual(again.result, 'refused')
        self.assertIn("已检票", again.reason)
        self.assertEqual(again.ticket, ticket)

    @with_transaction()
    def test_forged_and_mismatched_tickets_are_refused(self):
        """An altered QR code, another person's ID card, a ticket of
        another run: each refused, each recorded"""
        pool = Pool()
        Check = pool.get('gd.ticket.check')
        Ticket = pool.get('gd.ticket')
        network, ticket = self.setup_ticket('C2')
        prefix, body, signature = ticket.qr_token.split('.')
        forged = f'{prefix}.{body[:-2]}AA.{signature}'
        check = self.check(network, token=forged)
        self.assertEqual((check.result, check.ticket), ('refused', None))
        self.assertIn("签名无效", check.reason)

        check = self.check(network, token=ticket.qr_token, id_number=OTHER)
        self.assertEqual(check.result, 'refused')
        self.assertIn("票、人、证不一致", check.reason)

        other = self.open_run(
            network['schedule'], RUN_DATE + dt.timedelta(days=1))
        with as_user(network['gate']), at(BEFORE):
            check = Check.check_ticket(other.id, token=ticket.qr_token)
        self.assertEqual(Check(check.id).result, 'refused')
        self.assertIn("不是本班次", Check(check.id).reason)

        self.assertEqual(Ticket(ticket.id).state, 'sold')
        with as_user(network['gate']):
            refused = Check.search([('result', '=', 'refused')])
        self.assertEqual(len(refused), 3)

    @with_transaction()
    def test_id_card_check_and_late_check(self):
        """Without its QR code a ticket is found by the ID card; after the
        departure the check is allowed and marked late"""
        network, ticket = self.setup_ticket('C3')
        check = self.check(network, when=LATE, id_number=ADULT)
        self.assertEqual(
            (check.result, check.method, check.ticket),
            ('late', 'id_card', ticket))
        unknown = self.check(network, id_number=OTHER)
        self.assertEqual(unknown.result, 'refused')
        self.assertIn("没有", unknown.reason)
        nothing = self.check(network)
        self.assertIn("未读取", nothing.reason)

    @with_transaction()
    def test_checks_are_the_gate_s_and_never_changed(self):
        """A check is not written by hand; another station's gate sees
        none of them"""
        pool = Pool()
        Check = pool.get('gd.ticket.check')
        network, ticket = self.setup_ticket('C4')
        check = self.check(network, token=ticket.qr_token)
        with as_user(network['gate']):
            with self.assertRaises(AccessError):
                Check.write([Check(check.id)], {'result': 'refused'})
            with self.assertRaises(AccessError):
                Check.create([{
                            'run': network['run'].id,
                            'station': network['stations'][0].id,
                            'method': 'qr', 'result': 'passed',
                            'checked_at': BEFORE}])
        stranger = create_user(
            'c4_other', 'group_station', station=network['stations'][2])
        with as_user(stranger):
            self.assertEqual(Check.search([]), [])

    @with_transaction()
    def test_only_stations_see_the_gate(self):
        "The gate (检票) is in the menu of a station, not of a carrier"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        network, _ = self.setup_ticket('C6')
        gate = ModelData.get_id('gd_ticketing', 'menu_ticket_check_gate')
        carrier = create_user(
            'c6_carrier', 'gd_ticketing.group_carrier',
            carrier=network['carrier'])
        with as_user(network['gate']):
            self.assertEqual(Menu.search([('id', '=', gate)]), [Menu(gate)])
        with as_user(carrier):
            self.assertEqual(Menu.search([('id', '=', gate)]), [])

    @with_transaction()
    def test_voucher_pdf(self):
        "The voucher shows the ticket's fields, its codes, in Chinese"
        Voucher = Pool().get('gd.ticket.voucher', type='report')
        network, ticket = self.setup_ticket('C5')
        with as_user(network['seller']), at(MORNING):
            extension, data, _, name = Voucher.execute([ticket.id], {})
            voucher = Voucher.voucher(ticket)
        self.assertEqual(extension, 'pdf')
        self.assertIn(ticket.number, name)
        save_png(data, 'pdf', 'eticket_voucher')
        text = re.sub(r'\s+', '', pdf_text(data))
        run = network['run']
        for expected in ["道路客运电子客票", ticket.number, run.number,
                "2026-11-26", "08:00", "张三", "110105********002X",
                network['stations'][0].name, network['stations'][2].name,
                f"座位号{ticket.seat}", "全票", "票价50.00", "上限票价60.00",
                "承运人责任险", "已售", "当日当次有效"]:
            self.assertIn(expected, text)
        # The full number is nowhere
        self.assertNotIn("11010519491231002X", text)
        # The QR code carries the signed token, the Code128 the number
        self.assertIn('<svg', voucher['qr'])
        self.assertIn(ticket.number, voucher['code128'])
        self.assertTrue([f for f in pdf_fonts(data) if 'CJK' in f[0]])
