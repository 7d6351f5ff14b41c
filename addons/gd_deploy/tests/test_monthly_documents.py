# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The month's documents: the city report (DOCX, PDF), the province
summary (XLSX, PDF) and the evaluation summary (DOCX), each read back with
an independent reader and checked against the database"""
import datetime as dt
import io
import re
import zipfile

import docx
import openpyxl

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import (
    pdf_fonts, pdf_text, save_png)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_station, create_user, get_city, on_date, programme_2020)

MAY = dt.date(2020, 5, 1)


def docx_text(document):
    "Every paragraph and table cell of a python-docx document"
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append('|'.join(c.text for c in row.cells))
    return '\n'.join(lines)


def table_rows(document, first_cell):
    "The rows of the table whose header starts with first_cell"
    for table in document.tables:
        cells = [[c.text for c in row.cells] for row in table.rows]
        if cells and cells[0][0] == first_cell:
            return cells
    raise AssertionError(f"no table headed {first_cell}")


def assert_cjk_embedded(test, data):
    fonts = pdf_fonts(data)
    cjk = [f for f in fonts if 'CJK' in f[0]]
    test.assertTrue(cjk, fonts)
    # pdffonts' emb column: every CJK font is embedded
    test.assertTrue(all('yes' in f[-5:-2] for f in cjk), fonts)


class MonthlyDocumentsTestCase(TestCase):
    "Test the month's documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    def setup_month(self):
        """广州: 4 graded stations (accepted, switched, surveyed, not
        started) and a report of May submitted on time; 深圳: 2 graded, a
        draft report; the other cities have no station and no report"""
        pool = Pool()
        Station = pool.get('gd.station')
        Report = pool.get('gd.progress.report')
        stations = [
            create_station(f"广州{i}号站", f'44010080{i}', '440100')
            for i in range(4)]
        stations += [
            create_station(f"深圳{i}号站", f'44030080{i}', '440300')
            for i in range(2)]
        create_station("广州招呼站", '440100809', '440100', grade='stop')
        Station.write(stations[:1], {'stage': 'accepted'})
        Station.write(stations[1:2], {'stage': 'switched'})
        Station.write(stations[2:3], {'stage': 'surveyed'})
        Station.write(stations[4:5], {'stage': 'planned'})
        self.gz_bureau = create_user(
            'gz_month', 'group_city_bureau', city=get_city('440100'))
        self.sz_bureau = create_user(
            'sz_month', 'group_city_bureau', city=get_city('440300'))
        self.department = create_user('dept_month', 'group_department')
        gz, sz = Report.create([{
                    'programme': programme_2020().id,
                    'city': get_city(code).id,
                    'month': MAY,
                    'progress': "完成全市客运站调查\n组织切换演练两次",
                    'problems': "部分外设接口调试较慢",
                    'next_plan': "推进验收",
                    } for code in ['440100', '440300']])
        with as_user(self.gz_bureau), on_date(dt.date(2020, 6, 8)):
            Report.submit([Report(gz.id)])
        # After the submission: 广州's report keeps its figures
        Station.write(stations[3:4], {'stage': 'switched'})
        return Report(gz.id), Report(sz.id)

    def execute(self, name, records, user, data=None):
        Report = Pool().get(name, type='report')
        with as_user(user):
            return Report.execute([r.id for r in records], data or {})

    @with_transaction()
    def test_city_report_docx(self):
        "The city report in Word: indicators, texts, stations and a chart"
        gz, _ = self.setup_month()
        extension, data, _, name = self.execute(
            'gd.progress.report.docx', [gz], self.gz_bureau)
        self.assertEqual(extension, 'docx')
        self.assertTrue(name.startswith("进展月报（Word）"), name)
        save_png(data, 'docx', 'city_report_docx')

        document = docx.Document(io.BytesIO(data))
        self.assertEqual(document.paragraphs[0].text,
            "广州市站务云系统推广应用工作进展月报")
        self.assertEqual(document.core_properties.title,
            "广州市站务云系统推广应用工作进展月报")
        self.assertIn("进展月报 440100-202005",
            document.sections[0].header.paragraphs[0].text)
        text = docx_text(document)
        for expected in ["2020年5月", "已提交", "完成全市客运站调查",
                "组织切换演练两次", "部分外设接口调试较慢", "推进验收",
                "一、推广进度指标", "四、下月工作计划",
                "广州市等级客运站切换率为50.0%，全省为33.3%。"]:
            self.assertIn(expected, text)
        # The figures frozen at the submission, not today's
        indicators = table_rows(document, "指标")
        self.assertEqual(indicators[1:], [
                ["等级客运站数", "4", "100.0%"],
                ["已调查", "3", "75.0%"],
                ["已制定计划", "2", "50.0%"],
                ["已切换", "2", "50.0%"],
                ["已验收", "1", "25.0%"]])
        stations = table_rows(document, "序号")
        self.assertEqual([r[1] for r in stations[1:]],
            ["广州0号站", "广州1号站", "广州2号站", "广州3号站"])
        self.assertEqual(stations[1][3], "已验收")
        # The chart is a picture in the document
        self.assertEqual(len(document.inline_shapes), 1)

    @with_transaction()
    def test_city_report_pdf(self):
        "The city report as PDF, in an embedded CJK font"
        gz, _ = self.setup_month()
        extension, data, _, _ = self.execute(
            'gd.progress.report.pdf', [gz], self.gz_bureau)
        self.assertEqual(extension, 'pdf')
        save_png(data, 'pdf', 'city_report_pdf')
        text = pdf_text(data)
        flat = re.sub(r'\s+', '', text)
        for expected in ["广州市站务云系统推广应用工作进展月报",
                "进展月报440100-202005", "2020年5月",
                "完成全市客运站调查", "组织切换演练两次", "推进验收",
                "广州0号站", "广州3号站", "第1页，共"]:
            self.assertIn(expected, flat)
        # The chart's title and labels are text in the PDF
        self.assertIn("广州市2020年5月各阶段站数", flat)
        assert_cjk_embedded(self, data)

    @with_transaction()
    def test_city_prints_only_its_own_report(self):
        "A city bureau cannot print another city's report"
        _, sz = self.setup_month()
        with self.assertRaises(AccessError):
            self.execute('gd.progress.report.pdf', [sz], self.gz_bureau)

    def print_summary(self, button, month=MAY):
        "The department prints the summary of month through the wizard"
        pool = Pool()
        Print = pool.get('gd.programme.summary.print', type='wizard')
        programme = programme_2020()
        with as_user(self.department):
            session_id, _, _ = Print.create()
            result = Print.execute(session_id, {
                    'start': {
                        'programme': programme.id,
                        'month': month,
                        },
                    }, button)
            (action, data), = result['actions']
            Print.delete(session_id)
        self.assertEqual(data['month'], month.strftime('%Y-%m'))
        return self.execute(
            action['report_name'], [programme], self.department, data)

    def assert_summary_rows(self, rows):
        "The 21 cities in code order, then the province total"
        City = Pool().get('gd.city')
        cities = City.search([], order=[('code', 'ASC')])
        self.assertEqual(len(cities), 21)
        self.assertEqual([r[1] for r in rows[:21]],
            [c.rec_name for c in cities])
        gz, sz = rows[0], rows[2]
        # 广州 as its submitted report froze it; 深圳 as today
        self.assertEqual(list(gz[2:7]), [4, 3, 2, 2, 1])
        self.assertEqual(gz[8], "按时报送")
        self.assertEqual(list(sz[2:7]), [2, 1, 1, 0, 0])
        self.assertEqual(sz[8], "草稿未报")
        self.assertEqual(rows[1][8], "未报送")
        self.assertEqual(rows[21][1], "全省合计")
        self.assertEqual(list(rows[21][2:7]), [6, 4, 3, 2, 1])

    @with_transaction()
    def test_province_summary_xlsx(self):
        "The summary in Excel: a row per city, the total, a native chart"
        self.setup_month()
        extension, data, _, name = self.print_summary('xlsx')
        self.assertEqual(extension, 'xlsx')
        save_png(data, 'xlsx', 'province_summary_xlsx')
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        self.assertEqual(sheet.title, "全省汇总")
        self.assertEqual(
            sheet['A1'].value, "全省道路客运站站务云系统推广应用进展汇总表")
        rows = list(sheet.iter_rows(values_only=True))
        self.assertIn("2020年5月", rows[2][0])
        header = next(i for i, r in enumerate(rows) if r[0] == "序号")
        self.assertEqual(rows[header][:9], (
                "序号", "地市", "等级客运站数", "已调查", "已制定计划",
                "已切换", "已验收", "切换率", "月报报送"))
        body = rows[header + 1:header + 23]
        self.assert_summary_rows(body)
        self.assertAlmostEqual(body[0][7], 0.5)
        self.assertAlmostEqual(body[21][7], 2 / 6, places=4)

        with zipfile.ZipFile(io.BytesIO(data)) as workbook:
            charts = [n for n in workbook.namelist()
                if n.startswith('xl/charts/chart')]
            self.assertEqual(len(charts), 1)
            chart = workbook.read(charts[0]).decode()
        self.assertIn('<c:barChart>', chart)
        self.assertIn("各地市等级客运站及切换站数", chart)
        # Two series over the 21 cities
        self.assertEqual(chart.count('<c:ser>'), 2)
        self.assertEqual(len(re.findall(r'<c:cat>.*?</c:cat>', chart)), 2)

    @with_transaction()
    def test_province_summary_pdf(self):
        "The summary as PDF: the same rows, the chart, a CJK font"
        self.setup_month()
        extension, data, _, _ = self.print_summary('pdf')
        self.assertEqual(extension, 'pdf')
        save_png(data, 'pdf', 'province_summary_pdf')
        text = pdf_text(data)
        flat = re.sub(r'\s+', '', text)
        City = Pool().get('gd.city')
        for city in City.search([]):
            self.assertIn(city.rec_name, flat)
        self.assertIn("全省合计6432133.3%", flat)
        self.assertIn(
            "全省6个等级客运站中，已完成切换2个（33.3%），通过验收1个。"
            "本月1个地市按时报送月报，0个逾期报送，20个尚未报送。", flat)
        self.assertIn("2020年5月各地市等级客运站及切换站数", flat)
        assert_cjk_embedded(self, data)

    @with_transaction()
    def test_summary_month_is_checked(self):
        "A month that is not YYYY-MM is refused with the format to use"
        self.setup_month()
        with self.assertRaisesRegex(UserError, "YYYY-MM"):
            self.execute('gd.programme.summary.xlsx', [programme_2020()],
                self.department, {'month': "五月"})

    @with_transaction()
    def test_evaluation_summary_docx(self):
        "The evaluation summary: the province, each city, each month"
        self.setup_month()
        with on_date(dt.date(2020, 6, 20)):
            extension, data, _, name = self.execute(
                'gd.programme.evaluation', [programme_2020()],
                self.department)
        self.assertEqual(extension, 'docx')
        save_png(data, 'docx', 'evaluation_summary_docx')
        document = docx.Document(io.BytesIO(data))
        text = docx_text(document)
        self.assertIn("工作评估总结", document.paragraphs[0].text)
        self.assertIn(
            "全省6个等级客运站推广应用站务云系统：完成调查5个，"
            "制定切换计划4个，完成切换3个（50.0%），通过验收1个（16.7%）。",
            text)
        cities = table_rows(document, "序号")
        self.assertEqual(len(cities), 1 + 21 + 1)
        # 广州: today's figures, one report of one due month on time
        self.assertEqual(cities[1][1:], [
                "广州市", "4", "3", "1", "75.0%", "1", "0", "0", "0"])
        self.assertEqual(cities[3][1:], [
                "深圳市", "2", "0", "0", "0.0%", "0", "0", "1", "0"])
        self.assertEqual(cities[-1][1:6], ["全省合计", "6", "3", "1", "50.0%"])
        months = table_rows(document, "月份")
        self.assertEqual(months[1:], [["2020年5月", "1", "0", "20"]])
        self.assertEqual(len(document.inline_shapes), 1)
