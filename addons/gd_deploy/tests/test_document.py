# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The programme's documents, read back with independent readers"
import io

import openpyxl

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_station, create_user, get_city, programme_2020)


class DocumentTestCase(TestCase):
    "Test the programme's documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def execute(self, report_name, records):
        Report = Pool().get(report_name, type='report')
        return Report.execute([r.id for r in records], {})

    @with_transaction()
    def test_consolidated_survey_has_a_row_per_station(self):
        "One row per station with the annex 2 columns of its survey"
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        programme = programme_2020()
        answered = create_station("广州答卷站", '440100701', '440100')
        silent = create_station("深圳未答站", '440300701', '440300')
        Survey.create([{
                    'programme': programme.id,
                    'station': answered.id,
                    'system_name': "站务系统甲",
                    'system_vendor': "甲公司",
                    'channel_window': True,
                    'channel_online': True,
                    'ticket_windows': 6,
                    'check_gates': 4,
                    'peripherals': [('create', [
                                {'kind': 'id_card_reader', 'count': 8,
                                    'model': "CVR-100"},
                                {'kind': 'gate', 'count': 4}])],
                    'network_kind': 'dedicated',
                    'bandwidth': 100,
                    'server_count': 2,
                    'daily_departures': 320,
                    'yearly_passengers': 1500000,
                    'real_name_method': 'id_reader',
                    'provincial_interface': "联网售票接口",
                    'contacts': [('create', [{
                                    'name': "张三", 'post': "科长",
                                    'phone': "020-1"}])],
                    'state': 'submitted',
                    }])
        association = create_user('assoc', 'group_association')

        with as_user(association):
            extension, data, _, name = self.execute(
                'gd.station.survey.consolidated', [answered, silent])
        self.assertEqual(extension, 'xlsx')
        self.assertTrue(name.startswith("调查汇总"))

        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(
            sheet['A1'].value, "客运场站站务系统情况调查汇总表")
        rows = list(sheet.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r[0] == "序号")
        self.assertEqual(rows[header][:8], (
                "序号", "地市", "名称", "等级", "现用站务系统", "供应商",
                "售票渠道", "售票窗口数量"))
        first, second, totals = rows[header + 1:header + 4]
        self.assertEqual(first[:8], (
                1, "广州市", "广州答卷站", "二级", "站务系统甲", "甲公司",
                "售票窗口、网站或手机App", 6))
        self.assertEqual(first[8], 4)
        self.assertEqual(
            first[9], "身份证阅读器×8（CVR-100）；检票闸机×4")
        self.assertEqual(first[10:15], ("专线", 100, 2, 320, 1500000))
        self.assertEqual(first[-2], "张三 科长 020-1")
        self.assertEqual(first[-1], "已提交")
        self.assertEqual(second[:3], (2, "深圳市", "深圳未答站"))
        self.assertEqual(second[-1], "未填报")
        self.assertEqual(totals[1], "合计")
        self.assertEqual(totals[7], 6)
        self.assertEqual(totals[14], 1500000)

    @with_transaction()
    def test_roster_lists_each_city_s_group_as_in_annex_1(self):
        "The roster: the leading official, then each member with its unit"
        Group = Pool().get('gd.working_group')
        programme = programme_2020()
        groups = Group.create([{
                    'programme': programme.id, 'city': city.id,
                    'leader_name': leader, 'leader_post': "副局长",
                    'members': [('create', [{
                                    'name': member, 'unit': "运输科",
                                    'post': "科长", 'phone': "020-1",
                                    'email': "a@example.gov.cn",
                                    'contact': True}])],
                    } for city, leader, member in [
                    (get_city('440300'), "深圳局长", "深圳联系人"),
                    (get_city('440100'), "广州局长", "广州联系人")]])
        department = create_user('dept', 'group_department')

        with as_user(department):
            extension, data, _, name = self.execute(
                'gd.working_group.roster', groups)
        self.assertEqual(extension, 'xlsx')
        self.assertTrue(name.startswith("工作组人员信息表"))
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet['A1'].value, "各地市工作组人员信息表")
        rows = list(sheet.iter_rows(values_only=True))
        header = next(i for i, r in enumerate(rows) if r[0] == "序号")
        self.assertEqual(
            rows[header][:4], ("序号", "地市", "组内职责", "姓名"))
        body = rows[header + 1:header + 5]
        self.assertEqual(body[0][:6], (
                1, "广州市", "牵头负责人", "广州局长", '', "副局长"))
        self.assertEqual(body[1], (
                2, "广州市", "成员", "广州联系人", "运输科", "科长",
                "020-1", "a@example.gov.cn", "是"))
        self.assertEqual(body[2][1:4], ("深圳市", "牵头负责人", "深圳局长"))
        self.assertEqual(body[3][3], "深圳联系人")
