# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Due dates, their calendar and the reminders sent through a real SMTP server"
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from trytond.modules.gd_documents.tests.tools import start_smtp_server

from .tools import (
    as_user, create_station, create_user, on_date, programme_2020)


class DeadlineTestCase(TestCase):
    "Test due dates and their notifications"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')
        cls.inbox = start_smtp_server(cls)

    def send_notifications(self, date):
        "Run the cron's method in a transaction that commits, as cron does"
        with Transaction().start(DB_NAME, 0) as transaction:
            with on_date(date):
                Pool().get('gd.deadline').send_notifications()
            transaction.commit()

    def setup_station(self, code, email_address, city='440100'):
        "A graded station with a station user who has an e-mail address"
        with Transaction().start(DB_NAME, 0) as transaction:
            station = create_station(f"客运站{code}", code, city)
            user = create_user(
                f'user{code}', 'group_station', station=station,
                email=email_address)
            ids = station.id, user.id
            transaction.commit()
        return ids

    def test_reminder_before_the_survey_due_date(self):
        "The station is reminded by e-mail and in the client, once"
        station_id, user_id = self.setup_station(
            '440100801', 'a@station.example')
        self.send_notifications(dt.date(2020, 5, 20))
        self.assertEqual(self.inbox.to('a@station.example'), [])

        self.send_notifications(dt.date(2020, 5, 22))
        message, = self.inbox.to('a@station.example')
        self.assertEqual(
            message['Subject'],
            "2020-05-25 截止：客运站440100801站务系统情况调查表")
        self.assertIn("请在此之前", message.get_content())

        with Transaction().start(DB_NAME, 0):
            Notification = Pool().get('res.notification')
            notification, = Notification.search([('user', '=', user_id)])
            self.assertEqual(notification.label, message['Subject'])
            self.assertEqual(notification.model, 'gd.station')
            self.assertEqual(notification.records, str([station_id]))

        self.send_notifications(dt.date(2020, 5, 23))
        self.assertEqual(len(self.inbox.to('a@station.example')), 1)

    def test_missed_survey_is_notified_once(self):
        "A missed due date is told once, as overdue"
        self.setup_station('440100802', 'b@station.example')
        self.send_notifications(dt.date(2020, 5, 26))
        subjects = [m['Subject'] for m in self.inbox.to('b@station.example')]
        self.assertEqual(
            subjects, ["2020-05-25 起逾期：客运站440100802站务系统情况调查表"])
        self.send_notifications(dt.date(2020, 5, 27))
        self.assertEqual(len(self.inbox.to('b@station.example')), 1)

    def test_submitted_survey_is_not_reminded(self):
        "Nothing is sent for what is done"
        station_id, _ = self.setup_station('440100803', 'c@station.example')
        with Transaction().start(DB_NAME, 0) as transaction:
            Survey = Pool().get('gd.station.survey')
            Survey.create([{
                        'programme': programme_2020().id,
                        'station': station_id,
                        'state': 'submitted',
                        }])
            transaction.commit()
        self.send_notifications(dt.date(2020, 5, 24))
        self.send_notifications(dt.date(2020, 5, 26))
        self.assertEqual(self.inbox.to('c@station.example'), [])

    def test_milestone_reminds_the_users_of_its_role(self):
        "The association is reminded of its consolidation milestone"
        with Transaction().start(DB_NAME, 0) as transaction:
            create_user(
                'assoc_mail', 'group_association',
                email='assoc@association.example')
            transaction.commit()
        self.send_notifications(dt.date(2020, 5, 28))
        subjects = [
            m['Subject'] for m in self.inbox.to('assoc@association.example')]
        self.assertIn("2020-05-30 截止：省道协汇总调查表报厅", subjects)

    @with_transaction()
    def test_deadline_states_on_fixed_dates(self):
        "A due date is open, then missed; done once the record is done"
        pool = Pool()
        Deadline = pool.get('gd.deadline')
        programme = programme_2020()
        station = create_station("状态站", '440100804', '440100')
        key = f'survey:{station.id}'

        Deadline.refresh([programme], dt.date(2020, 5, 25))
        deadline, = Deadline.search([('key', '=', key)])
        self.assertEqual(deadline.state, 'open')
        self.assertEqual(deadline.due_date, dt.date(2020, 5, 25))

        Deadline.refresh([programme], dt.date(2020, 5, 26))
        self.assertEqual(Deadline(deadline.id).state, 'missed')

        Survey = pool.get('gd.station.survey')
        Survey.create([{
                    'programme': programme.id, 'station': station.id,
                    'state': 'submitted'}])
        Deadline.refresh([programme], dt.date(2020, 5, 26))
        self.assertEqual(Deadline(deadline.id).state, 'done')

    @with_transaction()
    def test_deadlines_are_scoped_to_the_user(self):
        "A station sees its own due dates; a 广州 bureau none of 深圳"
        pool = Pool()
        Deadline = pool.get('gd.deadline')
        gz = create_station("广州甲站", '440100805', '440100')
        sz = create_station("深圳甲站", '440300805', '440300')
        Deadline.refresh([programme_2020()], dt.date(2020, 5, 1))
        station_user = create_user('gz_st', 'group_station', station=gz)
        bureau = create_user(
            'gz_bu', 'group_city_bureau', city=gz.city)

        with as_user(station_user):
            stations = {d.station for d in Deadline.search([])}
            self.assertEqual(stations, {None, Pool().get('gd.station')(gz)})
        with as_user(bureau):
            self.assertFalse(Deadline.search([('station', '=', sz.id)]))
            self.assertTrue(Deadline.search([('station', '=', gz.id)]))
            self.assertTrue(Deadline.search([('kind', '=', 'milestone')]))

    @with_transaction()
    def test_cron_sends_the_notifications(self):
        "A daily cron runs the notifications"
        Cron = Pool().get('ir.cron')
        cron, = Cron.search([
                ('method', '=', 'gd.deadline|send_notifications')])
        self.assertEqual(cron.interval_type, 'days')

    @with_transaction()
    def test_returned_survey_is_due_again_days_after_its_return(self):
        "A survey returned after the due date is not missed at once"
        pool = Pool()
        Deadline = pool.get('gd.deadline')
        Survey = pool.get('gd.station.survey')
        programme = programme_2020()
        station = create_station("退回站", '440100806', '440100')
        survey, = Survey.create([{
                    'programme': programme.id, 'station': station.id,
                    'state': 'returned',
                    'returned_date': dt.date(2020, 5, 28)}])
        Deadline.refresh([programme], dt.date(2020, 5, 29))
        deadline, = Deadline.search([('key', '=', f'survey:{station.id}')])
        self.assertEqual(deadline.due_date, dt.date(2020, 6, 4))
        self.assertEqual(deadline.state, 'open')

    @with_transaction()
    def test_switched_station_is_due_for_acceptance_within_a_month(self):
        "A switch makes the acceptance due a month later, done when passed"
        pool = Pool()
        Deadline = pool.get('gd.deadline')
        Plan = pool.get('gd.cutover.plan')
        Acceptance = pool.get('gd.acceptance')
        programme = programme_2020()
        station = create_station("切换站", '440100807', '440100')
        plan, = Plan.create([{
                    'programme': programme.id, 'station': station.id,
                    'state': 'switched',
                    'switch_date': dt.date(2020, 8, 31)}])
        Deadline.refresh([programme], dt.date(2020, 9, 1))
        deadline, = Deadline.search([('key', '=', f'acceptance:{plan.id}')])
        self.assertEqual(deadline.due_date, dt.date(2020, 9, 30))
        self.assertEqual(
            (deadline.role, deadline.state), ('association', 'open'))

        Acceptance.create([{
                    'plan': plan.id, 'station': station.id,
                    'state': 'passed'}])
        Deadline.refresh([programme], dt.date(2020, 10, 5))
        self.assertEqual(Deadline(deadline.id).state, 'done')
