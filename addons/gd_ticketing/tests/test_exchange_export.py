# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The daily data exchange export (数据交换文件), and the association
analyst's scenario: the province's statistics, drilled down, reconciled
with the day's exports, identities never revealed"""
import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from decimal import Decimal

from trytond.model.exceptions import AccessError
from trytond.modules.gd_ticketing.exceptions import ExchangeExportError
from trytond.pool import Pool
from trytond.tests.test_tryton import TestCase, with_transaction
from trytond.transaction import Transaction

from .test_sales import ADULT, MORNING, OTHER, SalesMixin, at, resident
from .tools import as_user, create_user

# Sales, the refund and the change on the 25th (Guangdong time), the run of
# the 26th leaves at 08:00 (00:00 UTC); the checks are on the 26th
SALE_DAY = dt.date(2026, 11, 25)
RUN_DAY = dt.date(2026, 11, 26)
THIRD = resident('44010619900101003')
FOURTH = resident('44010619900101011')
STRANGER = resident('44010619900101020')
# 23:50 on the 25th and 00:10 on the 26th, Guangdong time
LATE_EVENING = dt.datetime(2026, 11, 25, 15, 50)
AFTER_MIDNIGHT = dt.datetime(2026, 11, 25, 16, 10)
REFUND_AT = dt.datetime(2026, 11, 25, 12, 0)
CHANGE_AT = dt.datetime(2026, 11, 25, 10, 0)
CHECK_AT = dt.datetime(2026, 11, 25, 23, 40)
# When the exports are generated: 03:00 on the 27th
GENERATE_AT = dt.datetime(2026, 11, 26, 19, 0)


def read_zip(data):
    "The rows of each CSV file of the ZIP, as lists of dicts"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name[:-len('.csv')]: list(csv.DictReader(io.StringIO(
                        archive.read(name).decode('utf-8-sig'))))
            for name in archive.namelist()}


def all_text(export):
    "Everything the files of export say"
    with zipfile.ZipFile(io.BytesIO(export.csv_file)) as archive:
        texts = [archive.read(n).decode('utf-8-sig')
            for n in archive.namelist()]
    return bytes(export.json_file).decode('utf-8') + ''.join(texts)


class ExchangeExportMixin(SalesMixin):
    "A day of sales, a refund, a change and checks, on fixed dates"

    def setup_day(self, prefix):
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Check = pool.get('gd.ticket.check')
        Schedule = pool.get('gd.schedule')
        network = self.network(prefix, seats=10)
        run = network['run']
        later = self.open_run(Schedule.copy(
                [network['schedule']], default={
                    'number': f'{prefix}L',
                    'departure_time': dt.time(12, 0)})[0])
        network['later'] = later
        first = self.sell(network, [
                self.leg(run),
                self.leg(run, name="李四", id_number=OTHER),
                ], amount=Decimal(100), when=MORNING)
        self.sell(network, [self.leg(run, name="王五", id_number=THIRD)],
            when=LATE_EVENING)
        fourth = self.sell(network, [
                self.leg(run, name="赵六", id_number=FOURTH)],
            when=AFTER_MIDNIGHT)
        adult, other = first.tickets
        with as_user(network['seller']):
            with at(CHANGE_AT):
                changed, = Ticket.change([Ticket(adult.id)], later.id)
            with at(REFUND_AT):
                Ticket.refund([Ticket(other.id)])
        gate = create_user(
            f'{prefix.lower()}_gate', 'group_station',
            station=network['stations'][0])
        with as_user(gate), at(CHECK_AT):
            Check.check_ticket(
                run.id, gate='3', id_number=FOURTH)
            Check.check_ticket(
                run.id, gate='3', id_number=STRANGER)
        network.update({
                'adult': Ticket(adult.id), 'other': Ticket(other.id),
                'changed': changed, 'fourth': fourth.tickets[0]})
        return network

    def generate(self, date, user=None, station=None, when=GENERATE_AT):
        Export = Pool().get('gd.exchange.export')
        if user:
            with as_user(user), at(when):
                export = Export.generate(date, station=station)
        else:
            with at(when):
                export = Export.generate(date, station=station)
        return Export(export.id)


class ExchangeExportTestCase(ExchangeExportMixin, TestCase):
    "Test the daily data exchange export"

    @with_transaction()
    def test_export_of_a_day_equals_the_tickets(self):
        """The day's sales, refund and change, by the local date of each
        event: totals equal the tickets, the JSON and the CSV agree"""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        network = self.setup_day('E1')
        department = create_user('e1_dept', 'group_department')
        export = self.generate(SALE_DAY, department)

        # The database: first sales whose order was sold that local day
        start = dt.datetime(2026, 11, 24, 16, 0)
        end = start + dt.timedelta(days=1)
        sold = [t for t in Ticket.search([('changed_from', '=', None)])
            if start <= t.order.sold_at < end]
        self.assertEqual(len(sold), 3)
        self.assertEqual(export.sale_count, 3)
        self.assertEqual(
            export.sale_amount, sum(t.price for t in sold))
        self.assertEqual(export.sale_amount, Decimal('150.00'))
        other = network['other']
        self.assertEqual(export.refund_count, 1)
        self.assertEqual(export.refund_amount, other.refund_amount)
        self.assertEqual(export.refund_fee, other.refund_fee)
        self.assertEqual(
            (export.refund_fee, export.refund_amount),
            (Decimal('5.00'), Decimal('45.00')))
        self.assertEqual(export.change_count, 1)
        self.assertEqual(export.check_count, 0)
        self.assertEqual(export.version, 1)
        self.assertEqual(export.generated_by, department)
        self.assertEqual(export.scope, 'province')
        self.assertEqual(export.rec_name, '2026-11-25 全省 v1')

        data = json.loads(bytes(export.json_file).decode('utf-8'))
        files = read_zip(export.csv_file)
        self.assertEqual(
            sorted(files), ['changes', 'checks', 'refunds', 'sales', 'totals'])
        self.assertEqual(data['header']['date'], '2026-11-25')
        self.assertEqual(data['header']['generated_at'],
            '2026-11-27T03:00:00+08:00')
        # The JSON and the CSV say the same, element by element
        for name in ['sales', 'refunds', 'changes', 'checks']:
            self.assertEqual(
                [{k: '' if v is None else str(v) for k, v in r.items()}
                    for r in data[name]],
                files[name], msg=name)
        self.assertEqual(
            sorted(r['ticket_number'] for r in data['sales']),
            sorted(t.number for t in sold))
        sale = [r for r in data['sales']
            if r['ticket_number'] == network['adult'].number][0]
        station = network['stations'][0]
        self.assertEqual(sale['station_code'], station.code)
        self.assertEqual(sale['run_number'], network['run'].number)
        self.assertEqual(sale['run_date'], '2026-11-26')
        self.assertEqual(sale['departure_time'], '2026-11-26T08:00:00+08:00')
        self.assertEqual(sale['sold_at'], '2026-11-25T09:00:00+08:00')
        self.assertEqual(sale['fare_type_code'], 'full')
        self.assertEqual(sale['price'], '50.00')
        self.assertEqual(sale['id_type_code'], 'resident')
        self.assertEqual(sale['id_number_masked'], '110105********002X')
        self.assertEqual(
            sale['arrival_station_code'], network['stations'][2].code)
        refund, = data['refunds']
        self.assertEqual(
            (refund['ticket_number'], refund['refund_fee'],
                refund['refund_amount'], refund['refunded_at']),
            (other.number, '5.00', '45.00', '2026-11-25T20:00:00+08:00'))
        change, = data['changes']
        self.assertEqual(
            (change['ticket_number'], change['new_ticket_number'],
                change['new_run_number'], change['changed_at']),
            (network['adult'].number, network['changed'].number,
                network['later'].number, '2026-11-25T18:00:00+08:00'))
        totals = data['totals']
        self.assertEqual(totals['sale'], {'count': 3, 'amount': '150.00'})
        self.assertEqual(totals['refund'], {
                'count': 1, 'price': '50.00', 'fee': '5.00',
                'amount': '45.00'})
        self.assertEqual(
            totals['stations'][station.code]['sale']['amount'], '150.00')
        self.assertIn(
            [station.code, 'sale', 'amount', '150.00'],
            [list(r.values()) for r in files['totals']])
        # The SHA-256 recorded are those of the files
        self.assertEqual(export.json_sha256,
            hashlib.sha256(bytes(export.json_file)).hexdigest())
        self.assertEqual(export.csv_sha256,
            hashlib.sha256(bytes(export.csv_file)).hexdigest())
        self.assertEqual(export.csv_filename,
            'exchange-20261125-province-v1.zip')

    @with_transaction()
    def test_export_of_the_next_day_has_the_late_sale_and_the_checks(self):
        """A sale at 00:10 in Guangdong (16:10 UTC the day before) and the
        checks belong to the 26th; a refused check is exported too"""
        network = self.setup_day('E2')
        export = self.generate(RUN_DAY)
        self.assertEqual(
            (export.sale_count, export.sale_amount),
            (1, Decimal('50.00')))
        self.assertEqual(
            (export.check_count, export.check_passed, export.check_late,
                export.check_refused),
            (2, 1, 0, 1))
        data = json.loads(bytes(export.json_file).decode('utf-8'))
        self.assertEqual(
            data['sales'][0]['ticket_number'], network['fourth'].number)
        passed, refused = data['checks']
        self.assertEqual(
            (passed['result'], passed['method'], passed['gate'],
                passed['ticket_number'], passed['checked_at']),
            ('passed', 'id_card', '3', network['fourth'].number,
                '2026-11-26T07:40:00+08:00'))
        self.assertEqual(
            (refused['result'], refused['ticket_number']), ('refused', None))
        self.assertEqual(data['totals']['check'], {
                'count': 2, 'passed': 1, 'late': 0, 'refused': 1})

    @with_transaction()
    def test_regenerating_a_day_makes_a_new_version(self):
        "The earlier export is kept, unchanged; the new one is version 2"
        Export = Pool().get('gd.exchange.export')
        self.setup_day('E3')
        first = self.generate(SALE_DAY)
        second = self.generate(
            SALE_DAY, when=GENERATE_AT + dt.timedelta(hours=1))
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertEqual(
            Export.search([('date', '=', SALE_DAY)], count=True), 2)
        self.assertEqual(second.sale_amount, first.sale_amount)
        self.assertEqual(Export(first.id).json_sha256, first.json_sha256)
        self.assertEqual(second.json_filename,
            'exchange-20261125-province-v2.json')

    @with_transaction()
    def test_a_day_without_data_gives_zero_totals(self):
        "Empty arrays and zero totals, not an error"
        export = self.generate(dt.date(2026, 10, 1))
        self.assertEqual(
            (export.sale_count, export.sale_amount, export.refund_count,
                export.check_count),
            (0, Decimal(0), 0, 0))
        data = json.loads(bytes(export.json_file).decode('utf-8'))
        self.assertEqual(data['sales'], [])
        self.assertEqual(
            data['totals']['sale'], {'count': 0, 'amount': '0.00'})
        self.assertEqual(data['totals']['stations'], {})
        files = read_zip(export.csv_file)
        self.assertEqual(files['sales'], [])

    @with_transaction()
    def test_a_day_in_the_future_is_refused(self):
        "A clear, translated error; nothing is created"
        Export = Pool().get('gd.exchange.export')
        association = create_user('e5_assoc', 'group_association')
        with self.assertRaises(ExchangeExportError) as context:
            self.generate(
                dt.date(2026, 11, 28), association,
                when=dt.datetime(2026, 11, 26, 19, 0))
        self.assertIn('2026-11-28', str(context.exception))
        self.assertIn('2026-11-27', str(context.exception))
        self.assertEqual(Export.search([], count=True), 0)
        # Today, Guangdong time, is allowed
        export = self.generate(
            dt.date(2026, 11, 27), association,
            when=dt.datetime(2026, 11, 26, 19, 0))
        self.assertEqual(export.date, dt.date(2026, 11, 27))

    @with_transaction()
    def test_exports_are_read_only_and_scoped(self):
        """Nobody changes an export; a station reads its own exports only,
        whose rows are its own; a seller may not generate"""
        pool = Pool()
        Export = pool.get('gd.exchange.export')
        network = self.setup_day('E6')
        other_network = self.network('E7')
        station = network['stations'][0]
        association = create_user('e6_assoc', 'group_association')
        province = self.generate(SALE_DAY, association)
        own = self.generate(SALE_DAY, association, station=station)
        theirs = self.generate(
            SALE_DAY, association, station=other_network['stations'][0])
        self.assertEqual(own.version, 1)
        self.assertEqual(own.sale_count, 3)
        self.assertEqual(theirs.sale_count, 0)
        self.assertEqual(
            {r['station_code'] for r in read_zip(own.csv_file)['sales']},
            {station.code})

        with as_user(association):
            with self.assertRaises(AccessError):
                Export.write([Export(province.id)], {'sale_count': 0})
            with self.assertRaises(AccessError):
                Export.delete([Export(province.id)])
        seller = network['seller']
        with as_user(seller):
            self.assertEqual(Export.search([]), [Export(own.id)])
            with self.assertRaises(AccessError):
                Export.read([province.id], ['sale_count'])
            with self.assertRaises(AccessError):
                Export.generate(SALE_DAY)
        self.assertEqual(Export(province.id).sale_count, 3)

    @with_transaction()
    def test_wizard_generates_a_chosen_day(self):
        """The association's wizard generates the day and opens it; a
        seller may not run it"""
        pool = Pool()
        Generate = pool.get('gd.exchange.export.generate', type='wizard')
        Export = pool.get('gd.exchange.export')
        network = self.setup_day('E9')
        association = create_user('e9_assoc', 'group_association')
        with as_user(association), at(GENERATE_AT):
            session_id, _, _ = Generate.create()
            result = Generate.execute(session_id, {}, 'start')
            self.assertEqual(
                result['view']['defaults']['date'], RUN_DAY)
            result = Generate.execute(session_id, {
                    'start': {'date': SALE_DAY, 'station': None},
                    }, 'generate')
            Generate.delete(session_id)
            export, = Export.search([])
        action, = result['actions']
        self.assertEqual(action[1]['res_id'], [export.id])
        self.assertEqual(
            (export.date, export.sale_count), (SALE_DAY, 3))
        with as_user(network['seller']):
            with self.assertRaises(AccessError):
                Generate.create()

    @with_transaction()
    def test_cron_exports_yesterday(self):
        "The nightly cron exports yesterday's records of the province"
        pool = Pool()
        Export = pool.get('gd.exchange.export')
        self.setup_day('E8')
        with at(GENERATE_AT - dt.timedelta(days=1)), \
                Transaction().set_user(0):
            Export.generate_cron()
        export, = Export.search([])
        self.assertEqual(
            (export.date, export.scope, export.sale_count),
            (SALE_DAY, 'province', 3))


class AnalystTestCase(ExchangeExportMixin, TestCase):
    "The association analyst (协会分析员)"

    @with_transaction()
    def test_analyst_reconciles_statistics_with_exports(self):
        """The analyst reads the province's passenger flow, drills down to
        a city's stations and a station's days, generates the exports of
        the days and finds the same passengers and amounts; identities stay
        masked and cannot be revealed"""
        pool = Pool()
        FlowCity = pool.get('gd.passenger.flow.city')
        FlowStation = pool.get('gd.passenger.flow.station')
        FlowDaily = pool.get('gd.passenger.flow.daily')
        Passenger = pool.get('gd.passenger')
        Export = pool.get('gd.exchange.export')
        network = self.setup_day('A1')
        station = network['stations'][0]
        analyst = create_user('analyst', 'group_association')
        period = Transaction().set_context(
            from_date=dt.date(2026, 11, 20), to_date=dt.date(2026, 11, 30))

        with as_user(analyst), period:
            cities = {r.city.code: r for r in FlowCity.search([])}
            city = cities['440100']
            stations = FlowStation.search([('city', '=', city.id)])
            self.assertEqual([s.station for s in stations], [station])
            with Transaction().set_context(station=stations[0].id):
                days = FlowDaily.search([])
            self.assertEqual([d.date for d in days], [RUN_DAY])
            day = days[0]
            flow = (day.sold, day.refunded, day.checked, day.revenue)
        exports = [
            self.generate(SALE_DAY, analyst), self.generate(RUN_DAY, analyst)]
        with as_user(analyst):
            exports = Export.browse([e.id for e in exports])
            sales = sum(e.sale_count for e in exports)
            changes = sum(e.change_count for e in exports)
            refunds = sum(e.refund_count for e in exports)
            passed = sum(e.check_passed + e.check_late for e in exports)
            revenue = sum(e.sale_amount - e.refund_amount for e in exports)
            datas = [json.loads(bytes(e.json_file).decode('utf-8'))
                for e in exports]
            revenue += sum(
                Decimal(c['new_price']) - Decimal(c['price'])
                for d in datas for c in d['changes'])
            texts = [all_text(e) for e in exports]

            # Identities: no access to passengers, no reveal
            with self.assertRaises(AccessError):
                Passenger.search([])
            passenger = network['adult'].passenger
            with self.assertRaises(AccessError):
                Passenger.reveal([passenger.id], "analysis")

        # The statistics count the runs' tickets sold (a change sells the
        # new ticket and refunds the old), refunded and checked
        self.assertEqual(flow, (
                sales + changes, refunds + changes, passed, revenue))
        self.assertEqual(flow, (5, 2, 1, Decimal('155.00')))
        # Per station, the exports' totals are the station's
        self.assertEqual(
            datas[0]['totals']['stations'][station.code]['sale']['count'], 3)
        for text in texts:
            for number in [ADULT, OTHER, THIRD, FOURTH, STRANGER]:
                self.assertNotIn(number, text)
            self.assertNotIn("张三", text)
        self.assertIn('110105********002X', texts[0])
