# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt

from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import create_station, on_date, programme_2020


class GdDeployTestCase(ModuleTestCase):
    "Test GD Deploy module"
    module = 'gd_deploy'
    language = 'zh_CN'

    @with_transaction()
    def test_menu_root_is_in_chinese(self):
        "The module's menu root has its Chinese name"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        menu = Menu(ModelData.get_id('gd_deploy', 'menu_deploy'))
        self.assertEqual(menu.name, "部署推进")

    @with_transaction()
    def test_programme_2020_carries_the_notice_dates(self):
        "The 2020 programme's dates are data, not code"
        programme = programme_2020()
        self.assertEqual(programme.notice, "粤交运〔2020〕213号")
        self.assertEqual(programme.end_date, dt.date(2020, 12, 31))
        self.assertEqual(
            programme.milestone('survey').due_date, dt.date(2020, 5, 25))
        self.assertEqual(
            programme.milestone('consolidation').due_date,
            dt.date(2020, 5, 30))
        self.assertEqual(
            programme.milestone('survey').name,
            "客运场站站务系统情况调查表（附件2）")

    @with_transaction()
    def test_report_due_dates_follow_the_programme(self):
        "The report of a month is due on the programme's day of next month"
        programme = programme_2020()
        self.assertEqual(
            programme.report_due_date(dt.date(2020, 5, 1)),
            dt.date(2020, 6, 10))
        self.assertEqual(
            programme.report_months(dt.date(2020, 8, 9)),
            [dt.date(2020, 5, 1), dt.date(2020, 6, 1)])
        self.assertEqual(
            programme.report_months(dt.date(2020, 8, 10))[-1],
            dt.date(2020, 7, 1))
        self.assertEqual(
            programme.acceptance_deadline(dt.date(2020, 8, 31)),
            dt.date(2020, 9, 30))

    @with_transaction()
    def test_milestone_is_overdue_when_past_due_and_not_done(self):
        "A milestone past its due date and not done is overdue"
        Milestone = Pool().get('gd.programme.milestone')
        survey = programme_2020().milestone('survey')
        with on_date(dt.date(2020, 5, 25)):
            self.assertEqual(Milestone(survey.id).status, 'open')
        with on_date(dt.date(2020, 5, 26)):
            self.assertEqual(Milestone(survey.id).status, 'overdue')
            self.assertIn(
                survey, Milestone.search([('status', '=', 'overdue')]))
            survey.done_date = dt.date(2020, 5, 26)
            survey.save()
            self.assertEqual(Milestone(survey.id).status, 'done')
            self.assertNotIn(
                survey, Milestone.search([('status', '=', 'overdue')]))

    @with_transaction()
    def test_station_grade_must_belong_to_its_scheme(self):
        "Grade 4 does not exist in JT/T 200-2020"
        with self.assertRaisesRegex(UserError, "JT/T 200-2020"):
            create_station(
                "新站", '440100099', '440100', grade='4',
                grade_scheme='jtt200_2020')

    @with_transaction()
    def test_graded_stations_are_grades_1_to_5(self):
        "Simple stations and roadside stops are not graded stations"
        Station = Pool().get('gd.station')
        graded = create_station("一级站", '440100091', '440100', grade='1')
        simple = create_station(
            "简易站", '440100092', '440100', grade='simple')
        self.assertTrue(graded.graded)
        self.assertFalse(simple.graded)
        self.assertEqual(
            Station.search([('graded', '=', True)]), [graded])

    @with_transaction()
    def test_station_stage_follows_its_records(self):
        "The stage derives from the survey, the plan and the acceptance"
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        Plan = pool.get('gd.cutover.plan')
        Acceptance = pool.get('gd.acceptance')
        programme = programme_2020()
        station = create_station("广州站", '440100093', '440100')
        self.assertEqual(station.stage, 'not_started')

        survey = Survey(programme=programme, station=station)
        survey.save()
        self.assertEqual(station.stage, 'not_started')
        Survey.write([survey], {'state': 'submitted'})
        self.assertEqual(station.stage, 'surveyed')

        plan = Plan(programme=programme, station=station, state='confirmed')
        plan.save()
        self.assertEqual(station.stage, 'planned')
        Plan.write([plan], {'state': 'switched'})
        self.assertEqual(station.stage, 'switched')

        acceptance = Acceptance(plan=plan, station=station, state='passed')
        acceptance.save()
        self.assertEqual(station.stage, 'accepted')
        Acceptance.delete([acceptance])
        self.assertEqual(station.stage, 'switched')


del ModuleTestCase
