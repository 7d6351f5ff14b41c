# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The station-system survey (annex 2): its workflow, its checks and its access"
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    as_user, create_station, create_user, on_date, programme_2020)

BEFORE_DUE = dt.date(2020, 5, 20)
AFTER_DUE = dt.date(2020, 5, 26)


def complete_values(**values):
    "The values of a survey with every required item"
    return {
        'system_name': "站务管理系统 V3",
        'system_vendor': "某某软件公司",
        'channel_window': True,
        'channel_wechat': True,
        'ticket_windows': 8,
        'check_gates': 6,
        'peripherals': [('create', [{
                        'kind': 'id_card_reader',
                        'model': "DKQ-A16D",
                        'count': 8,
                        }])],
        'network_kind': 'dedicated',
        'bandwidth': 100,
        'daily_departures': 600,
        'yearly_passengers': 2_000_000,
        'real_name_method': 'id_reader',
        'contacts': [('create', [{
                        'name': "张三",
                        'post': "信息科科长",
                        'phone': "020-86661234",
                        }])],
        **values,
        }


class SurveyTestCase(TestCase):
    "Test the station-system survey"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def setup_station(self, code, city='440100'):
        "A graded station and one of its users"
        station = create_station(f"客运站{code}", code, city)
        user = create_user(f'user{code}', 'group_station', station=station)
        return station, user

    def association(self):
        return create_user('assoc', 'group_association')

    def create_survey(self, user, station, **values):
        "Create the survey as the station user"
        Survey = Pool().get('gd.station.survey')
        with as_user(user):
            survey, = Survey.create([{
                        'programme': programme_2020().id,
                        'station': station.id,
                        **values,
                        }])
        return Survey(survey.id)

    def submit(self, user, survey, date=BEFORE_DUE):
        Survey = Pool().get('gd.station.survey')
        with as_user(user), on_date(date):
            Survey.submit([Survey(survey.id)])
        return Survey(survey.id)

    @with_transaction()
    def test_survey_defaults_to_the_users_station_and_running_programme(self):
        "A station user opens a new survey on its station"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100301')
        with as_user(user):
            defaults = Survey.default_get(['station', 'programme'])
        self.assertEqual(defaults['station'], station.id)
        self.assertEqual(defaults['programme'], programme_2020().id)
        survey = self.create_survey(user, station)
        self.assertEqual(survey.due_date, dt.date(2020, 5, 25))
        self.assertEqual(survey.city, station.city)

    @with_transaction()
    def test_survey_submit_names_the_missing_items(self):
        "An incomplete survey is refused, naming what it lacks"
        station, user = self.setup_station('440100302')
        survey = self.create_survey(
            user, station, system_name="站务系统", ticket_windows=0)
        with self.assertRaises(UserError) as cm:
            self.submit(user, survey)
        message = cm.exception.message
        for item in ["供应商", "检票闸机数量", "网络线路", "日均发班",
                "年旅客发送量", "实名核验方式", "至少一种外设",
                "一位有电话的联系人"]:
            self.assertIn(item, message)
        # What is filled in is not named: 0 windows is an answer
        self.assertNotIn("现用站务系统", message)
        self.assertNotIn("售票窗口数量", message)
        self.assertEqual(survey.state, 'draft')

    @with_transaction()
    def test_survey_contact_needs_a_phone(self):
        "A contact without a phone number does not count"
        station, user = self.setup_station('440100303')
        survey = self.create_survey(user, station, **complete_values(
                contacts=[('create', [{'name': "李四"}])]))
        with self.assertRaisesRegex(UserError, "一位有电话的联系人"):
            self.submit(user, survey)

    @with_transaction()
    def test_survey_submit_after_due_date_is_refused(self):
        "After 25 May a draft cannot be submitted unless extended"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100304')
        survey = self.create_survey(user, station, **complete_values())
        with on_date(AFTER_DUE):
            self.assertTrue(Survey(survey.id).late)
            self.assertEqual(Survey.search([('late', '=', True)]), [survey])
        with self.assertRaisesRegex(UserError, "2020-05-25.*省道协"):
            self.submit(user, survey, AFTER_DUE)
        self.assertEqual(Survey(survey.id).state, 'draft')

        # The association extends it; the station submits late
        association = self.association()
        with as_user(association), on_date(AFTER_DUE):
            Survey.extend_due_date(
                [Survey(survey.id)], dt.date(2020, 5, 29), "网络改造延误")
        survey = Survey(survey.id)
        self.assertEqual(survey.due_date, dt.date(2020, 5, 29))
        with on_date(AFTER_DUE):
            self.assertFalse(Survey(survey.id).late)
            self.assertEqual(Survey.search([('late', '=', True)]), [])
        survey = self.submit(user, survey, AFTER_DUE)
        self.assertEqual(survey.state, 'submitted')
        self.assertEqual(survey.submitted_date, AFTER_DUE)

    @with_transaction()
    def test_survey_submit_on_due_date_is_accepted(self):
        "The due date itself is still in time"
        station, user = self.setup_station('440100305')
        survey = self.create_survey(user, station, **complete_values())
        survey = self.submit(user, survey, dt.date(2020, 5, 25))
        self.assertEqual(survey.state, 'submitted')

    @with_transaction()
    def test_station_cannot_extend_its_due_date(self):
        "Only the association extends a due date"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100306')
        survey = self.create_survey(user, station, **complete_values())
        with as_user(user), on_date(AFTER_DUE):
            with self.assertRaisesRegex(AccessError, "省道路运输协会"):
                Survey.extend_due_date(
                    [survey], dt.date(2020, 6, 1), "来不及")
            with self.assertRaises(AccessError):
                Survey.write([survey], {
                        'extended_due_date': dt.date(2020, 6, 1)})
        self.assertIsNone(Survey(survey.id).extended_due_date)

    @with_transaction()
    def test_survey_returned_needs_a_reason(self):
        "The association returns a survey only with a reason"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100307')
        survey = self.create_survey(user, station, **complete_values())
        survey = self.submit(user, survey)
        association = self.association()
        with as_user(association):
            with self.assertRaisesRegex(UserError, "退回.*原因"):
                Survey.do_return([survey], "  ")
        self.assertEqual(Survey(survey.id).state, 'submitted')

        with as_user(association):
            Survey.do_return([survey], "外设型号不全")
        survey = Survey(survey.id)
        self.assertEqual(survey.state, 'returned')
        self.assertEqual(survey.returned_reason, "外设型号不全")

        # The station corrects and resubmits, even after the due date
        with as_user(user):
            Survey.write([survey], {'system_version': "3.2"})
        survey = self.submit(user, survey, AFTER_DUE)
        self.assertEqual(survey.state, 'submitted')

    @with_transaction()
    def test_station_cannot_accept_its_own_survey(self):
        "Accepting is the association's step, by button and on the server"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100308')
        survey = self.create_survey(user, station, **complete_values())
        survey = self.submit(user, survey)
        with as_user(user):
            with self.assertRaisesRegex(UserError, "accept"):
                Survey.accept([survey])
        # Even where the button's groups are not checked
        with Transaction().set_user(user.id):
            with self.assertRaisesRegex(AccessError, "省道路运输协会"):
                Survey.accept([Survey(survey.id)])
            with self.assertRaisesRegex(AccessError, "省道路运输协会"):
                Survey.do_return([Survey(survey.id)], "自己退回")
        self.assertEqual(Survey(survey.id).state, 'submitted')

        association = self.association()
        with as_user(association), on_date(dt.date(2020, 5, 27)):
            Survey.accept([Survey(survey.id)])
        survey = Survey(survey.id)
        self.assertEqual(survey.state, 'accepted')
        self.assertEqual(survey.accepted_by, association)
        self.assertEqual(survey.accepted_date, dt.date(2020, 5, 27))

    @with_transaction()
    def test_association_cannot_submit_or_edit_a_survey(self):
        "The association reads surveys; it does not fill them in"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100309')
        survey = self.create_survey(user, station, **complete_values())
        association = self.association()
        with as_user(association):
            self.assertEqual(Survey.search([]), [survey])
            with self.assertRaisesRegex(UserError, "submit"):
                Survey.submit([survey])
            with self.assertRaises(AccessError):
                Survey.write([survey], {'system_name': "改名"})

    @with_transaction()
    def test_station_cannot_touch_the_lines_of_another_stations_survey(self):
        "The peripherals and contacts take the rules of their survey"
        pool = Pool()
        Peripheral = pool.get('gd.station.survey.peripheral')
        Contact = pool.get('gd.station.survey.contact')
        station_a, user_a = self.setup_station('440100312')
        station_b, user_b = self.setup_station('440100313')
        survey_b = self.create_survey(user_b, station_b, **complete_values())
        peripheral = survey_b.peripherals[0]
        contact = survey_b.contacts[0]
        with as_user(user_a):
            self.assertEqual(Peripheral.search([]), [])
            self.assertEqual(Contact.search([]), [])
            with self.assertRaises(AccessError):
                Peripheral.read([peripheral.id], ['model'])
            with self.assertRaises(AccessError):
                Contact.write([Contact(contact.id)], {'phone': "篡改"})
            with self.assertRaises(AccessError):
                Peripheral.create([{
                            'survey': survey_b.id, 'kind': 'gate',
                            'count': 1}])
        with as_user(user_b):
            self.assertEqual(
                len(Peripheral.search([])), len(survey_b.peripherals))

    @with_transaction()
    def test_station_cannot_read_or_write_another_stations_survey(self):
        "Station A sees nothing of station B's survey"
        Survey = Pool().get('gd.station.survey')
        station_a, user_a = self.setup_station('440100310')
        station_b, user_b = self.setup_station('440100311')
        station_c, _ = self.setup_station('440100321')
        survey_b = self.create_survey(user_b, station_b, **complete_values())
        with as_user(user_a):
            self.assertEqual(Survey.search([]), [])
            with self.assertRaises(AccessError):
                Survey.read([survey_b.id], ['system_name'])
            with self.assertRaises(AccessError):
                Survey.write([Survey(survey_b.id)], {'system_name': "篡改"})
            with self.assertRaises(AccessError):
                Survey.submit([Survey(survey_b.id)])
            with self.assertRaises(AccessError):
                Survey.create([{
                            'programme': programme_2020().id,
                            'station': station_c.id,
                            }])
        self.assertEqual(Survey(survey_b.id).system_name, "站务管理系统 V3")

        # Nor can it move its own survey onto another station
        station_d, _ = self.setup_station('440100323')
        survey_a = self.create_survey(user_a, station_a)
        with as_user(user_a):
            with self.assertRaises(AccessError):
                Survey.write([survey_a], {'station': station_d.id})

    @with_transaction()
    def test_city_bureau_reads_only_its_citys_surveys(self):
        "广州 bureau reads 广州 surveys and nothing of 深圳"
        Survey = Pool().get('gd.station.survey')
        gz, gz_user = self.setup_station('440100312')
        sz, sz_user = self.setup_station('440300312', city='440300')
        gz_survey = self.create_survey(gz_user, gz, **complete_values())
        sz_survey = self.create_survey(sz_user, sz, **complete_values())
        bureau = create_user('gz_bureau', 'group_city_bureau', city=gz.city)
        with as_user(bureau):
            self.assertEqual(Survey.search([]), [gz_survey])
            self.assertEqual(
                Survey.search([('city', '=', gz.city.id)]), [gz_survey])
            with self.assertRaises(AccessError):
                Survey.read([sz_survey.id], ['system_name'])
            with self.assertRaises(AccessError):
                Survey.write([gz_survey], {'system_name': "改名"})
        for group in ['group_department', 'group_tech_company']:
            reader = create_user(f'reader_{group}', group)
            with as_user(reader):
                self.assertEqual(
                    set(Survey.search([])), {gz_survey, sz_survey})

    @with_transaction()
    def test_station_stage_becomes_surveyed_on_submit(self):
        "Submitting the survey moves the station to 已调查"
        station, user = self.setup_station('440100313')
        survey = self.create_survey(user, station, **complete_values())
        self.assertEqual(station.stage, 'not_started')
        self.submit(user, survey)
        self.assertEqual(station.stage, 'surveyed')

    @with_transaction()
    def test_survey_edit_after_submit_is_refused(self):
        "Once submitted, neither the survey nor its lines change"
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        Peripheral = pool.get('gd.station.survey.peripheral')
        Contact = pool.get('gd.station.survey.contact')
        station, user = self.setup_station('440100314')
        survey = self.create_survey(user, station, **complete_values())
        survey = self.submit(user, survey)
        admin = create_user('admin2', 'res.group_admin')
        for who in [user, admin]:
            with as_user(who):
                with self.assertRaisesRegex(AccessError, "已提交"):
                    Survey.write(
                        [Survey(survey.id)], {'system_name': "改名"})
                with self.assertRaises(AccessError):
                    Peripheral.write(
                        list(Survey(survey.id).peripherals), {'count': 9})
                with self.assertRaises(AccessError):
                    Peripheral.create([{
                                'survey': survey.id, 'kind': 'gate',
                                'count': 1}])
                with self.assertRaises(AccessError):
                    Contact.delete(list(Survey(survey.id).contacts))
                with self.assertRaises(AccessError):
                    Survey.delete([Survey(survey.id)])
        self.assertEqual(
            Survey(survey.id).system_name, "站务管理系统 V3")

    @with_transaction()
    def test_station_cannot_set_the_workflow_fields(self):
        "State, dates and reasons come from the workflow steps only"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100315')
        other, other_user = self.setup_station('440100322')
        with as_user(other_user):
            with self.assertRaisesRegex(AccessError, "草稿"):
                Survey.create([{
                            'programme': programme_2020().id,
                            'station': other.id,
                            'state': 'accepted',
                            }])
        survey = self.create_survey(user, station, **complete_values())
        with as_user(user):
            with self.assertRaisesRegex(AccessError, "状态"):
                Survey.write([survey], {'state': 'accepted'})
            with self.assertRaisesRegex(AccessError, "受理日期"):
                Survey.write([survey], {'accepted_date': BEFORE_DUE})
        self.assertEqual(Survey(survey.id).state, 'draft')

    @with_transaction()
    def test_second_survey_for_the_same_station_is_refused(self):
        "A station has one survey per programme"
        station, user = self.setup_station('440100316')
        self.create_survey(user, station)
        with self.assertRaisesRegex(UserError, "已有本工作方案的调查表"):
            self.create_survey(user, station)

    @with_transaction()
    def test_peripheral_count_must_be_positive(self):
        "A peripheral line counts at least one device"
        station, user = self.setup_station('440100317')
        with self.assertRaises(UserError):
            self.create_survey(user, station, peripherals=[('create', [{
                                'kind': 'gate', 'count': 0}])])

    @with_transaction()
    def test_draft_survey_can_be_deleted_by_its_station(self):
        "A draft never submitted may be deleted"
        Survey = Pool().get('gd.station.survey')
        station, user = self.setup_station('440100318')
        survey = self.create_survey(user, station)
        with as_user(user):
            Survey.delete([survey])
        self.assertEqual(Survey.search([('station', '=', station.id)]), [])

    @with_transaction()
    def test_consolidation_finds_stations_without_a_survey(self):
        "The association lists graded stations by the state of their survey"
        pool = Pool()
        Station = pool.get('gd.station')
        with_survey, user = self.setup_station('440100319')
        without, _ = self.setup_station('440100320')
        survey = self.create_survey(
            user, with_survey, **complete_values())
        association = self.association()
        with as_user(association):
            none = Station.search([
                    ('graded', '=', True), ('survey_state', '=', 'none')])
            self.assertIn(without, none)
            self.assertNotIn(with_survey, none)
            self.assertEqual(
                Station.search([('survey_state', '=', 'draft')]),
                [with_survey])
            self.assertEqual(Station(with_survey.id).survey_state, 'draft')
            self.assertEqual(Station(without.id).survey_state, 'none')
            self.assertNotIn(
                with_survey,
                Station.search([('survey_state', '!=', 'draft')]))
        self.submit(user, survey)
        with as_user(association):
            self.assertEqual(
                Station.search([('survey_state', 'in', ['submitted'])]),
                [with_survey])
