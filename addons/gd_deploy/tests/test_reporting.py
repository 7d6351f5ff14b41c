# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Working groups, monthly progress reports, supervision and the overview"
import datetime as dt

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_station, create_user, get_city, on_date, programme_2020)

MAY = dt.date(2020, 5, 1)


def gz_bureau():
    "A city bureau user of 广州市"
    return create_user('gz', 'group_city_bureau', city=get_city('440100'))


class ReportingTestCase(TestCase):
    "Test working groups, reports, supervision and the overview"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def stations(self):
        "广州: 4 graded stations, 2 switched; 深圳: 2 graded, none switched"
        Station = Pool().get('gd.station')
        stations = [
            create_station(f"广州{i}站", f'44010090{i}', '440100')
            for i in range(4)]
        stations += [
            create_station(f"深圳{i}站", f'44030090{i}', '440300')
            for i in range(2)]
        create_station("广州招呼站", '440100909', '440100', grade='stop')
        Station.write(stations[:1], {'stage': 'accepted'})
        Station.write(stations[1:2], {'stage': 'switched'})
        Station.write(stations[2:3], {'stage': 'surveyed'})
        return stations

    def report(self, city_code, month=MAY, **values):
        Report = Pool().get('gd.progress.report')
        report, = Report.create([{
                    'programme': programme_2020().id,
                    'city': get_city(city_code).id,
                    'month': month,
                    **values}])
        return report

    def filled(self):
        return {'progress': "已完成调查", 'problems': "无",
            'next_plan': "组织切换"}

    @with_transaction()
    def test_working_group_needs_one_contact_with_phone(self):
        "A working group is submitted with exactly one contact who has a phone"
        Group = Pool().get('gd.working_group')
        bureau = gz_bureau()
        with as_user(bureau):
            group, = Group.create([{
                        'programme': programme_2020().id,
                        'leader_name': "李局长",
                        'members': [('create', [
                                    {'name': "王科长", 'unit': "运输科"}])],
                        }])
            self.assertEqual(group.city, get_city('440100'))
            with self.assertRaisesRegex(UserError, "联系人"):
                Group.submit([group])
            Group.write([group], {'members': [('create', [{
                                'name': "陈专员", 'unit': "运输科",
                                'phone': "020-83730000", 'contact': True}])]})
            with on_date(dt.date(2020, 5, 20)):
                Group.submit([group])
            self.assertEqual(group.state, 'submitted')
            with self.assertRaisesRegex(AccessError, "重新开放"):
                Group.write([group], {'leader_name': "改"})

    @with_transaction()
    def test_working_group_is_reopened_by_the_department_only(self):
        "Only the department reopens a submitted working group"
        Group = Pool().get('gd.working_group')
        bureau = gz_bureau()
        department = create_user('dept', 'group_department')
        group, = Group.create([{
                    'programme': programme_2020().id,
                    'city': get_city('440100').id, 'leader_name': "李局长",
                    'state': 'submitted'}])
        with as_user(bureau), self.assertRaises(AccessButtonError):
            Group.reopen([group])
        with as_user(department):
            Group.reopen([group])
        self.assertEqual(group.state, 'draft')

    @with_transaction()
    def test_city_reads_nothing_of_another_city(self):
        "A 广州市 user reads no working group nor report of 深圳市"
        pool = Pool()
        Group = pool.get('gd.working_group')
        Report = pool.get('gd.progress.report')
        Supervision = pool.get('gd.supervision')
        Overview = pool.get('gd.deploy.overview')
        self.stations()
        Group.create([{'programme': programme_2020().id,
                    'city': get_city('440300').id, 'leader_name': "深圳"}])
        sz_report = self.report('440300')
        Supervision.create([{'programme': programme_2020().id,
                    'city': get_city('440300').id, 'reason': "测试"}])
        bureau = gz_bureau()
        with as_user(bureau):
            self.assertEqual(Group.search([]), [])
            self.assertEqual(Report.search([]), [])
            self.assertEqual(Supervision.search([]), [])
            with self.assertRaises(AccessError):
                Report.read([sz_report.id], ['progress'])
            rows = Overview.search([])
            self.assertEqual([r.city.code for r in rows], ['440100'])

    @with_transaction()
    def test_report_indicators_are_live_then_frozen(self):
        "Indicators follow the stations while draft and freeze on submit"
        pool = Pool()
        Report = pool.get('gd.progress.report')
        Station = pool.get('gd.station')
        stations = self.stations()
        report = self.report('440100', **self.filled())
        self.assertEqual(
            (report.graded_stations, report.surveyed, report.planned,
                report.switched, report.accepted), (4, 3, 2, 2, 1))
        self.assertEqual(
            (report.province_graded, report.province_switched), (6, 2))
        self.assertAlmostEqual(report.switched_share, 0.5)

        bureau = gz_bureau()
        with as_user(bureau), on_date(dt.date(2020, 6, 10)):
            Report.submit([Report(report.id)])
        Station.write(stations[2:4], {'stage': 'accepted'})
        report = Report(report.id)
        self.assertEqual((report.switched, report.accepted), (2, 1))
        self.assertFalse(report.late)
        other = self.report('440100', month=dt.date(2020, 6, 1))
        self.assertEqual((other.switched, other.accepted), (4, 3))

    @with_transaction()
    def test_report_due_on_the_10th_is_late_on_the_11th(self):
        "May's report submitted on 10 June is on time, on 11 June late"
        Report = Pool().get('gd.progress.report')
        self.stations()
        on_time = self.report('440100', **self.filled())
        late = self.report('440300', **self.filled())
        self.assertEqual(on_time.due_date, dt.date(2020, 6, 10))
        with on_date(dt.date(2020, 6, 10)):
            Report.submit([on_time])
            self.assertFalse(Report(late.id).late)
        with on_date(dt.date(2020, 6, 11)):
            self.assertTrue(Report(late.id).late)
            self.assertEqual(Report.search([('late', '=', True)]), [late])
            Report.submit([late])
            self.assertTrue(Report(late.id).late)
            self.assertFalse(Report(on_time.id).late)

    @with_transaction()
    def test_second_report_for_a_month_is_refused(self):
        "One report per city and month"
        self.report('440100')
        with self.assertRaisesRegex(UserError, "本月"):
            self.report('440100')

    @with_transaction()
    def test_report_month_outside_the_programme_is_refused(self):
        "A month before the first report month is refused"
        with self.assertRaisesRegex(UserError, "2020-05"):
            self.report('440100', month=dt.date(2020, 4, 1))

    @with_transaction()
    def test_submitting_an_incomplete_report_is_refused(self):
        "Progress, problems and next month's plan are required"
        Report = Pool().get('gd.progress.report')
        report = self.report('440100', progress="进展")
        with self.assertRaisesRegex(UserError, "存在问题"):
            Report.submit([report])
        self.assertEqual(report.state, 'draft')

    @with_transaction()
    def test_city_cannot_edit_a_submitted_report(self):
        "A submitted report is locked for the city"
        Report = Pool().get('gd.progress.report')
        report = self.report('440100', **self.filled())
        bureau = gz_bureau()
        with as_user(bureau):
            with on_date(dt.date(2020, 6, 5)):
                Report.submit([Report(report.id)])
            with self.assertRaisesRegex(AccessError, "已提交"):
                Report.write([Report(report.id)], {'progress': "改"})

    @with_transaction()
    def test_proposals_for_late_reports_rosters_and_lagging_cities(self):
        "The system proposes supervision for each cause, once"
        pool = Pool()
        Supervision = pool.get('gd.supervision')
        Report = pool.get('gd.progress.report')
        programme = programme_2020()
        self.stations()
        report = self.report('440100', **self.filled())
        with on_date(dt.date(2020, 6, 5)):
            Report.submit([report])

        created = Supervision.propose(programme, dt.date(2020, 6, 11))
        causes = {(s.city.code, s.cause) for s in created}
        self.assertIn(('440300', 'late_report'), causes)
        self.assertNotIn(('440100', 'late_report'), causes)
        self.assertIn(('440100', 'roster'), causes)
        # 深圳 switched none of its graded stations, the province a third
        self.assertIn(('440300', 'lagging'), causes)
        self.assertNotIn(('440100', 'lagging'), causes)
        self.assertEqual(len(created), len(causes))
        self.assertTrue(all(s.state == 'proposed' for s in created))

        self.assertEqual(Supervision.propose(programme, dt.date(2020, 6, 12)),
            [])

    @with_transaction()
    def test_supervision_steps_are_the_department_s(self):
        "The department opens and closes with an outcome; a city cannot"
        Supervision = Pool().get('gd.supervision')
        supervision, = Supervision.create([{
                    'programme': programme_2020().id,
                    'city': get_city('440100').id, 'kind': 'interview',
                    'reason': "进展缓慢"}])
        bureau = gz_bureau()
        department = create_user('dept', 'group_department')
        with as_user(bureau):
            self.assertEqual(Supervision.search([]), [supervision])
            with self.assertRaises(AccessButtonError):
                Supervision.open([supervision])
            with self.assertRaises(AccessError):
                Supervision.create([{'programme': programme_2020().id,
                            'city': get_city('440100').id, 'reason': "x"}])
        with as_user(department):
            Supervision.open([supervision])
            with self.assertRaisesRegex(UserError, "处理结果"):
                Supervision.close([supervision])
            Supervision.write([supervision], {'outcome': "已约谈，限期整改"})
            Supervision.close([supervision])
        self.assertEqual(supervision.state, 'closed')

    @with_transaction()
    def test_overview_counts_each_city(self):
        "The overview counts the graded stations of each city by stage"
        Overview = Pool().get('gd.deploy.overview')
        self.stations()
        self.report('440300')
        rows = {r.city.code: r for r in Overview.search([])}
        self.assertEqual(len(rows), 21)
        gz, sz = rows['440100'], rows['440300']
        self.assertEqual(
            (gz.graded_stations, gz.surveyed, gz.planned, gz.switched,
                gz.accepted), (4, 3, 2, 2, 1))
        self.assertEqual((sz.graded_stations, sz.switched), (2, 0))
        self.assertAlmostEqual(gz.switched_share, 0.5)
        with on_date(dt.date(2020, 6, 11)):
            rows = {r.city.code: r for r in Overview.search([])}
            self.assertEqual(rows['440300'].late_reports, 1)
        self.assertEqual(rows['440100'].late_reports, 0)

    @with_transaction()
    def test_rosters_and_reports_fall_due_in_the_calendar(self):
        "Each city's roster and monthly reports are due dates"
        Deadline = Pool().get('gd.deadline')
        programme = programme_2020()
        Deadline.refresh([programme], dt.date(2020, 6, 1))
        city = get_city('440100')
        roster, = Deadline.search([
                ('kind', '=', 'roster'), ('city', '=', city.id)])
        self.assertEqual(roster.due_date, dt.date(2020, 5, 25))
        self.assertEqual(roster.state, 'missed')
        reports = Deadline.search([
                ('kind', '=', 'report'), ('city', '=', city.id)])
        self.assertEqual(
            [d.due_date for d in reports][:2],
            [dt.date(2020, 6, 10), dt.date(2020, 7, 10)])
        self.assertEqual(len(reports), 8)
        self.assertEqual(reports[0].name, "广州市 2020-05 月度工作进展报告")
