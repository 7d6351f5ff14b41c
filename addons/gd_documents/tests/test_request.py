# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Requests for documents, their answers and reminders through real SMTP"
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    as_user, create_station, create_user, get_city, on_date,
    start_smtp_server)

DUE_DATE = dt.date(2020, 5, 25)


def create_request(name, target='all_cities', due_date=DUE_DATE, **values):
    Request = Pool().get('gd.document.request')
    request, = Request.create([dict(
                name=name, target=target, due_date=due_date, **values)])
    return request


class RequestTestCase(TestCase):
    "Test requests for documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_documents', lang='zh_CN')
        cls.inbox = start_smtp_server(cls)

    def setup_users(self):
        self.assoc = create_user('assoc', 'group_association')
        self.gz_bureau = create_user(
            'gz_bureau', 'group_city_bureau', city=get_city('440100'))
        self.sz_bureau = create_user(
            'sz_bureau', 'group_city_bureau', city=get_city('440300'))

    def open_request(self, name="附件1 工作专班名单", **values):
        Request = Pool().get('gd.document.request')
        with as_user(self.assoc):
            request = create_request(name, **values)
            Request.open([request])
        return Request(request.id)

    def answer(self, user, request, date, file=b'roster', city=None):
        "The user's organisation answers with a file on date"
        Line = Pool().get('gd.document.request.line')
        with as_user(user), on_date(date):
            line, = Line.search([
                    ('request', '=', request.id),
                    ('city', '=', (city or user.city).id),
                    ])
            Line.write([line], {'file': file, 'file_name': "名单.xlsx"})
            Line.answer([line])
        return Line(line.id)

    @with_transaction()
    def test_asking_all_21_cities_creates_a_line_each(self):
        "A request to all cities has 21 lines, all missing at first"
        self.setup_users()
        request = self.open_request()
        self.assertEqual(len(request.lines), 21)
        self.assertEqual(
            {line.city.code for line in request.lines},
            {c.code for c in Pool().get('gd.city').search([])})
        self.assertEqual(request.missing_count, 21)
        self.assertEqual(len(request.missing), 21)

    @with_transaction()
    def test_asking_every_station_or_chosen_ones(self):
        "A request to every station or to chosen stations lists them"
        stations = [
            create_station("广州省汽车客运站", '4401001', '440100'),
            create_station("广州天河客运站", '4401002', '440100'),
            create_station("深圳罗湖汽车站", '4403001', '440300'),
            ]
        self.setup_users()
        every = self.open_request("附件2 调查表", target='all_stations')
        self.assertEqual(
            {line.station for line in every.lines}, set(stations))
        chosen = self.open_request(
            "抽查", target='stations',
            stations=[('add', [stations[2].id])])
        line, = chosen.lines
        self.assertEqual(line.station, stations[2])
        self.assertIsNone(line.city)

    @with_transaction()
    def test_answers_on_time_and_late(self):
        "广州市 answers on time, 深圳市 late; the counts follow"
        self.setup_users()
        request = self.open_request()
        on_time = self.answer(
            self.gz_bureau, request, dt.date(2020, 5, 24))
        late = self.answer(self.sz_bureau, request, dt.date(2020, 5, 27))
        self.assertFalse(on_time.late)
        self.assertEqual(on_time.answered_by, self.gz_bureau)
        self.assertEqual(on_time.file, b'roster')
        self.assertTrue(late.late)
        request = Pool().get('gd.document.request')(request.id)
        self.assertEqual(request.answered_count, 2)
        self.assertEqual(request.late_count, 1)
        self.assertEqual(request.missing_count, 19)

    @with_transaction()
    def test_answer_after_close_is_refused(self):
        "Once the request is closed, an answer is refused"
        pool = Pool()
        Request = pool.get('gd.document.request')
        Line = pool.get('gd.document.request.line')
        self.setup_users()
        request = self.open_request()
        with as_user(self.assoc):
            Request.close([request])
        with as_user(self.sz_bureau):
            line, = Line.search([('request', '=', request.id)])
            with self.assertRaisesRegex(AccessError, "已关闭.*深圳市"):
                Line.write([line], {'file': b'late', 'file_name': "迟.xlsx"})
            with self.assertRaisesRegex(AccessError, "已关闭"):
                Line.answer([line])
        self.assertEqual(Line(line.id).state, 'pending')

    @with_transaction()
    def test_answer_needs_a_record_or_a_file(self):
        "An empty answer is refused"
        Line = Pool().get('gd.document.request.line')
        self.setup_users()
        request = self.open_request()
        with as_user(self.gz_bureau):
            line, = Line.search([('request', '=', request.id)])
            with self.assertRaisesRegex(UserError, "既无记录也无文件"):
                Line.answer([line])

    @with_transaction()
    def test_answer_may_be_a_record(self):
        "An answer may link any record, such as a station"
        Line = Pool().get('gd.document.request.line')
        station = create_station("广州天河客运站", '4401002', '440100')
        self.setup_users()
        request = self.open_request()
        with as_user(self.gz_bureau), on_date(dt.date(2020, 5, 20)):
            line, = Line.search([('request', '=', request.id)])
            Line.write([line], {'record': str(station)})
            Line.answer([line])
        self.assertEqual(Line(line.id).record, station)

    @with_transaction()
    def test_city_sees_only_its_own_answer(self):
        "A 广州市 user reads its line, not 深圳市's, and cannot forge one"
        pool = Pool()
        Line = pool.get('gd.document.request.line')
        Request = pool.get('gd.document.request')
        self.setup_users()
        request = self.open_request()
        sz_line, = [
            line for line in request.lines if line.city.code == '440300']
        with as_user(self.gz_bureau):
            line, = Line.search([])
            self.assertEqual(line.city.code, '440100')
            with self.assertRaises(AccessError):
                Line.read([sz_line.id], ['state'])
            with self.assertRaises(UserError):
                Line.write([line], {'late': False, 'state': 'answered'})
            with self.assertRaises(AccessButtonError):
                Request.close([Request(request.id)])
            self.assertIn(Request(request.id), Request.search([]))
        stranger = create_user('nobody', 'group_city_bureau')
        with as_user(stranger):
            self.assertEqual(Request.search([]), [])

    def send_reminders(self, date):
        "Run the cron's method in a transaction that commits, as cron does"
        with Transaction().start(DB_NAME, 0) as transaction:
            with on_date(date):
                Pool().get('gd.document.request').send_reminders()
            transaction.commit()

    def test_reminders_before_the_due_date_and_when_missed(self):
        "The cities are reminded once before, and told once when missed"
        with Transaction().start(DB_NAME, 0) as transaction:
            assoc = create_user('assoc_mail', 'group_association')
            user = create_user(
                'zh_mail', 'group_city_bureau', city=get_city('440400'),
                email='zh@bureau.example')
            answered = create_user(
                'st_mail', 'group_city_bureau', city=get_city('440500'),
                email='st@bureau.example')
            with as_user(assoc):
                Request = Pool().get('gd.document.request')
                request = create_request(
                    "附件1 工作专班名单（提醒）", due_date=DUE_DATE)
                Request.open([request])
            request_id, user_id = request.id, user.id
            self.answer(answered, Request(request.id), dt.date(2020, 5, 20))
            transaction.commit()

        self.send_reminders(dt.date(2020, 5, 21))
        self.assertEqual(self.inbox.to('zh@bureau.example'), [])

        self.send_reminders(dt.date(2020, 5, 22))
        message, = self.inbox.to('zh@bureau.example')
        self.assertEqual(
            message['Subject'], "2020-05-25 截止：附件1 工作专班名单（提醒）")
        self.assertIn("珠海市尚未报送", message.get_content())
        with Transaction().start(DB_NAME, 0):
            Notification = Pool().get('res.notification')
            notification, = Notification.search([('user', '=', user_id)])
            self.assertEqual(notification.label, message['Subject'])
            self.assertEqual(
                notification.model, 'gd.document.request.line')

        self.send_reminders(dt.date(2020, 5, 23))
        self.assertEqual(len(self.inbox.to('zh@bureau.example')), 1)

        self.send_reminders(dt.date(2020, 5, 26))
        subjects = [m['Subject'] for m in self.inbox.to('zh@bureau.example')]
        self.assertEqual(subjects[1],
            "2020-05-25 起逾期：附件1 工作专班名单（提醒）")
        self.send_reminders(dt.date(2020, 5, 27))
        self.assertEqual(len(self.inbox.to('zh@bureau.example')), 2)
        # Who answered is not reminded
        self.assertEqual(self.inbox.to('st@bureau.example'), [])

        with Transaction().start(DB_NAME, 0) as transaction:
            Request = Pool().get('gd.document.request')
            Request.close([Request(request_id)])
            transaction.commit()

    @with_transaction()
    def test_cron_sends_the_reminders(self):
        "A daily cron runs the reminders"
        Cron = Pool().get('ir.cron')
        cron, = Cron.search([
                ('method', '=', 'gd.document.request|send_reminders')])
        self.assertEqual(cron.interval_type, 'days')
