# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The outputs downloaded over HTTP keep their Chinese file names"
import base64
import datetime as dt
from urllib.parse import quote

from trytond.pool import Pool
from trytond.protocols.wrappers import HTTPStatus, Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction
from trytond.wsgi import app

from .tools import (
    as_user, create_document, create_issuer, create_station, create_user,
    get_city, on_date)


class RouteTestCase(TestCase):
    "Test the download route of the document engine"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Its records are committed: a database of its own
        drop_db()
        activate_module('gd_documents', lang='zh_CN')
        with Transaction().start(DB_NAME, 0) as transaction:
            Document = Pool().get('gd.document')
            drafter = create_user(
                'route_drafter', 'group_department', password='drafter-2020')
            station = create_station("深圳罗湖汽车站", '4403001', '440300')
            create_user(
                'route_station', 'group_station', station=station,
                password='station-2020')
            with as_user(drafter):
                document = create_document(
                    create_issuer(), "关于推进站务云系统建设的通知",
                    [get_city('440100')], [drafter])
                Document.submit([document])
                Document.approve([document])
                with on_date(dt.date(2020, 4, 29)):
                    Document.issue([document])
            cls.document_id = document.id
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def get(self, report, login, password):
        auth = base64.b64encode(f'{login}:{password}'.encode()).decode()
        return Client(app, Response).get(
            f'/{DB_NAME}/gd_documents/report/{report}/{self.document_id}',
            headers={'Authorization': f'Basic {auth}'})

    def test_chinese_file_name_in_content_disposition(self):
        "The PDF comes with its Chinese name, encoded as RFC 6266 says"
        response = self.get(
            'gd.document.cover', 'route_drafter', 'drafter-2020')
        self.assertEqual(response.status_code, HTTPStatus.OK)
        self.assertEqual(response.mimetype, 'application/pdf')
        self.assertTrue(response.data.startswith(b'%PDF'))
        name = "发文稿纸-粤交运〔2020〕1号 关于推进站务云系统建设的通知.pdf"
        header = response.headers['Content-Disposition']
        header.encode('latin-1')  # a valid HTTP header
        self.assertTrue(header.startswith('attachment; filename="'))
        self.assertIn(f"filename*=UTF-8''{quote(name, safe='')}", header)

    def test_xlsx_and_docx_downloads(self):
        "The XLSX and DOCX outputs download with their types"
        for report, mimetype, name in [
                ('gd.document.register',
                    'application/vnd.openxmlformats-officedocument'
                    '.spreadsheetml.sheet', "公文登记表"),
                ('gd.document.receipt_status',
                    'application/vnd.openxmlformats-officedocument'
                    '.wordprocessingml.document', "公文签收情况表"),
                ]:
            with self.subTest(report=report):
                response = self.get(report, 'route_drafter', 'drafter-2020')
                self.assertEqual(response.status_code, HTTPStatus.OK)
                self.assertEqual(response.mimetype, mimetype)
                self.assertIn(
                    quote(name, safe=''),
                    response.headers['Content-Disposition'])

    def test_download_follows_the_record_rules(self):
        "A 深圳 station cannot download a document addressed to 广州市"
        response = self.get(
            'gd.document.cover', 'route_station', 'station-2020')
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN)

    def test_download_needs_a_login(self):
        "Without credentials the route asks for them"
        response = Client(app, Response).get(
            f'/{DB_NAME}/gd_documents/report/gd.document.cover/'
            f'{self.document_id}')
        self.assertEqual(response.status_code, HTTPStatus.UNAUTHORIZED)

    def test_only_reports_of_the_engine(self):
        "Other reports are not served"
        response = self.get('ir.model.graph', 'route_drafter', 'drafter-2020')
        self.assertEqual(response.status_code, HTTPStatus.NOT_FOUND)
