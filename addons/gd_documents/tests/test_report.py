# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The document engine: each output opened with an independent reader and
checked against the database, and rendered to PNG in test-artifacts/"""
import datetime as dt
import io
import zipfile

import docx
import openpyxl
import pypdf

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)

from .tools import (
    as_user, create_document, create_issuer, create_station, create_user,
    get_city, on_date, pdf_fonts, pdf_text, save_png)

class ReportTestCase(TestCase):
    "Test the document engine on the register's own outputs"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_documents', lang='zh_CN')

    def setup_documents(self):
        """Three issued documents (April, May, May) addressed to 广州市 and
        深圳市; 广州市 acknowledged the first"""
        pool = Pool()
        Document = pool.get('gd.document')
        self.drafter = create_user('drafter', 'group_department')
        self.approver = create_user('审批人甲', 'group_department')
        self.gz_bureau = create_user(
            'gz_bureau', 'group_city_bureau', city=get_city('440100'))
        self.issuer = create_issuer()
        documents = []
        for title, date in [
                ("关于推进全省道路客运站标准化站务云系统建设的通知",
                    dt.date(2020, 4, 29)),
                ("关于报送工作专班名单的函", dt.date(2020, 5, 8)),
                ("关于站务系统情况调查的通知", dt.date(2020, 5, 20)),
                ]:
            with as_user(self.drafter):
                document = create_document(
                    self.issuer, title,
                    [get_city('440100'), get_city('440300')],
                    [self.approver], contact="综合运输处 张三")
                Document.submit([document])
            with as_user(self.approver):
                Document.approve([document])
            with as_user(self.drafter), on_date(date):
                Document.issue([document])
            documents.append(Document(document.id))
        with as_user(self.gz_bureau):
            Document.acknowledge([documents[0]])
        return [Document(d.id) for d in documents]

    def execute(self, name, records, user=None):
        Report = Pool().get(name, type='report')
        with as_user(user or self.drafter):
            return Report.execute([r.id for r in records], {})

    @with_transaction()
    def test_cover_sheet_pdf(self):
        "The issue sheet shows the document as registered, in a CJK font"
        document, *_ = self.setup_documents()
        extension, data, _, name = self.execute(
            'gd.document.cover', [document])
        self.assertEqual(extension, 'pdf')
        save_png(data, 'pdf', 'document_cover')
        self.assertEqual(
            name, "发文稿纸-粤交运〔2020〕1号 "
            "关于推进全省道路客运站标准化站务云系统建设的通知")

        text = pdf_text(data)
        for expected in [
                document.number, document.issuer.name, "通知", "主动公开",
                "2020-04-29", "广州市", "深圳市", "已签收", "未签收",
                "审批人甲", "同意", "正文.pdf", document.versions[0].sha256,
                "综合运输处 张三", "第 1 页，共 1 页"]:
            self.assertIn(expected, text)
        # The title wraps over two lines in the PDF
        self.assertIn("关于推进全省道路客运站标准化站务云系统建设",
            text.replace(' ', ''))
        # The number is in the page header as well as on the sheet
        self.assertGreaterEqual(text.count(document.number), 3)
        # The chart of receipts is drawn, with its title and bars
        self.assertIn("签收情况", text)

        fonts = pdf_fonts(data)
        cjk = [f for f in fonts if 'CJK' in f[0]]
        self.assertTrue(cjk, fonts)
        self.assertTrue(all('yes' in f[-5:-2] for f in cjk), fonts)
        self.assertEqual(len(pypdf.PdfReader(io.BytesIO(data)).pages), 1)

    @with_transaction()
    def test_cover_sheet_of_several_documents(self):
        "Printing several documents gives one PDF with a sheet each"
        documents = self.setup_documents()
        extension, data, _, name = self.execute(
            'gd.document.cover', documents)
        self.assertEqual(extension, 'pdf')
        reader = pypdf.PdfReader(io.BytesIO(data))
        self.assertEqual(len(reader.pages), 3)
        for page, document in zip(reader.pages, documents):
            self.assertIn(document.number, page.extract_text())
        self.assertTrue(name.startswith("发文稿纸-"))

    @with_transaction()
    def test_register_xlsx(self):
        "The register lists every document and charts them per month"
        documents = self.setup_documents()
        extension, data, _, name = self.execute(
            'gd.document.register', documents)
        self.assertEqual(extension, 'xlsx')
        self.assertTrue(name.startswith("公文登记表-"))

        workbook = openpyxl.load_workbook(io.BytesIO(data))
        sheet = workbook.active
        self.assertEqual(sheet.title, "公文登记表")
        self.assertEqual(sheet['A1'].value, "公文登记表")
        rows = [r for r in sheet.iter_rows(min_row=1, values_only=True)]
        header_index = next(
            i for i, r in enumerate(rows) if r[0] == "序号")
        header = rows[header_index]
        self.assertEqual(header[:10], (
                "序号", "文号", "标题", "文种", "发文机关", "成文日期",
                "公开方式", "状态", "主送单位", "未签收数"))
        body = rows[header_index + 1:header_index + 1 + len(documents)]
        for i, (row, document) in enumerate(zip(body, documents), 1):
            self.assertEqual(row[0], i)
            self.assertEqual(row[1], document.number)
            self.assertEqual(row[2], document.title)
            self.assertEqual(row[3], "通知")
            self.assertEqual(row[4], "广东省交通运输厅")
            self.assertEqual(row[5].date(), document.date)
            self.assertEqual(row[6], "主动公开")
            self.assertEqual(row[7], "已签发")
            self.assertEqual(row[8], 2)
            self.assertEqual(row[9], document.unacknowledged_count)
        self.assertEqual([r[9] for r in body], [1, 2, 2])
        totals = rows[header_index + 1 + len(documents)]
        self.assertEqual(totals[1:3], ("合计", "3"))
        self.assertEqual(totals[8:10], (6, 5))
        self.assertIn("第 &P 页，共 &N 页", sheet.oddFooter.center.text)

        # A native chart of documents per month, drawn from the sheet
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertIn('xl/charts/chart1.xml', names)
        chart_xml = zipfile.ZipFile(io.BytesIO(data)).read(
            'xl/charts/chart1.xml').decode()
        self.assertIn("每月发文数量", chart_xml)
        months = next(i for i, r in enumerate(rows) if r[0] == "月份")
        self.assertEqual(rows[months][1], "公文数")
        self.assertEqual(
            [r[:2] for r in rows[months + 1:months + 3]],
            [('2020-04', 1), ('2020-05', 2)])
        self.assertIn(f"$A${months + 2}:$A${months + 3}", chart_xml)
        save_png(data, 'xlsx', 'document_register')

    @with_transaction()
    def test_receipt_status_docx(self):
        "The acknowledgement status lists each recipient and its receipt"
        document, *_ = self.setup_documents()
        extension, data, _, name = self.execute(
            'gd.document.receipt_status', [document])
        self.assertEqual(extension, 'docx')
        self.assertEqual(name, "公文签收情况表-" + document.rec_name)

        output = docx.Document(io.BytesIO(data))
        paragraphs = [p.text for p in output.paragraphs]
        self.assertEqual(paragraphs[0], "公文签收情况表")
        self.assertEqual(paragraphs[1], document.number)
        header = output.sections[0].header.paragraphs[0].text
        self.assertIn(document.number, header)
        footer = output.sections[0].footer._element.xml
        self.assertIn('PAGE', footer)
        self.assertIn('NUMPAGES', footer)

        keys, table = output.tables
        self.assertEqual(keys.cell(0, 0).text, "标题")
        self.assertEqual(keys.cell(0, 1).text, document.title)
        self.assertEqual(keys.cell(1, 1).text, "2020-04-29")
        self.assertEqual(
            keys.cell(2, 1).text, "主送 2 个单位：已签收 1 个，未签收 1 个。")
        rows = [[c.text for c in r.cells] for r in table.rows]
        self.assertEqual(rows[0], [
                "序号", "类别", "收文单位", "已签收", "签收时间", "签收人"])
        receipt, = document.receipts
        self.assertEqual(rows[1], [
                "1", "地市", "广州市", "是",
                receipt.date.strftime('%Y-%m-%d %H:%M'), "gz_bureau"])
        self.assertEqual(rows[2], ["2", "地市", "深圳市", "否", "", ""])
        # The chart is an image in the document
        self.assertEqual(len(output.inline_shapes), 1)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertTrue([n for n in names if n.startswith('word/media/')])
        self.assertIn('eastAsia="黑体"', output.element.xml)
        save_png(data, 'docx', 'document_receipt_status')

    @with_transaction()
    def test_receipt_status_of_several_documents_is_a_zip(self):
        "Several documents give a zip of one DOCX each, named in Chinese"
        documents = self.setup_documents()
        extension, data, _, name = self.execute(
            'gd.document.receipt_status', documents)
        self.assertEqual(extension, 'zip')
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        self.assertEqual(len(names), 3)
        self.assertTrue(all(n.endswith('.docx') for n in names))
        self.assertIn("关于报送工作专班名单的函", ' '.join(names))

    @with_transaction()
    def test_outputs_follow_the_record_rules(self):
        "A 深圳 station user cannot print a document not addressed to it"
        document, *_ = self.setup_documents()
        station = create_station("深圳罗湖汽车站", '4403001', '440300')
        user = create_user('sz_station', 'group_station', station=station)
        for name in [
                'gd.document.cover', 'gd.document.register',
                'gd.document.receipt_status']:
            with self.subTest(report=name), self.assertRaises(AccessError):
                self.execute(name, [document], user=user)
