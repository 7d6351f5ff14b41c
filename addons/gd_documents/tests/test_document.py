# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The register: numbers, circulation, immutable versions, receipts, rules"
import datetime as dt
import hashlib
import io

import openpyxl

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import (
    as_user, create_document, create_issuer, create_station, create_user,
    get_city, on_date)

ISSUE_DATE = dt.date(2020, 4, 29)


class DocumentTestCase(TestCase):
    "Test the register of documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_documents', lang='zh_CN')

    def setup_circulation(self, minimum=2):
        "A department drafter, two approvers and a 广州市 recipient"
        self.drafter = create_user('drafter', 'group_department')
        self.first = create_user('first', 'group_department')
        self.second = create_user('second', 'group_department')
        self.gz = get_city('440100')
        self.sz = get_city('440300')
        self.gz_bureau = create_user(
            'gz_bureau', 'group_city_bureau', city=self.gz)
        self.sz_bureau = create_user(
            'sz_bureau', 'group_city_bureau', city=self.sz)
        self.issuer = create_issuer(minimum_approvals=minimum)
        with as_user(self.drafter):
            document = create_document(
                self.issuer,
                "关于推进全省道路客运站标准化站务云系统建设的通知",
                [self.gz], [self.first, self.second])
        return document

    def issue(self, document, date=ISSUE_DATE):
        Document = Pool().get('gd.document')
        with as_user(self.drafter):
            Document.submit([document])
        for approver in [self.first, self.second]:
            with as_user(approver):
                Document.approve([Document(document.id)])
        with as_user(self.drafter), on_date(date):
            Document.issue([Document(document.id)])
        return Document(document.id)

    @with_transaction()
    def test_issue_gives_the_number_of_the_year(self):
        "Issued documents take 粤交运〔2020〕1号, 2号, then 〔2021〕1号"
        document = self.issue(self.setup_circulation())
        self.assertEqual(document.state, 'issued')
        self.assertEqual(document.number, "粤交运〔2020〕1号")
        self.assertEqual(document.date, ISSUE_DATE)

        with as_user(self.drafter):
            second = create_document(
                self.issuer, "第二份", [self.gz], [self.first, self.second])
        self.assertEqual(self.issue(second).number, "粤交运〔2020〕2号")
        with as_user(self.drafter):
            third = create_document(
                self.issuer, "次年第一份", [self.gz],
                [self.first, self.second])
        third = self.issue(third, dt.date(2021, 1, 4))
        self.assertEqual(third.number, "粤交运〔2021〕1号")

    @with_transaction()
    def test_number_is_not_given_before_issue(self):
        "A document in review or approved has no number"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.submit([document])
        for approver in [self.first, self.second]:
            with as_user(approver):
                Document.approve([Document(document.id)])
        document = Document(document.id)
        self.assertEqual(document.state, 'approved')
        self.assertIsNone(document.number)

    @with_transaction()
    def test_pattern_that_would_repeat_a_number_is_refused(self):
        "A pattern without {serial} or without {year} is refused"
        Issuer = Pool().get('gd.document.issuer')
        for pattern in ['{prefix}〔{year}〕号', '{prefix}第{serial}号']:
            with self.subTest(pattern=pattern), \
                    self.assertRaisesRegex(UserError, "编号相同"):
                Issuer.create([{
                            'name': "测试机关", 'prefix': "测",
                            'pattern': pattern}])
        with self.assertRaisesRegex(UserError, "编号格式.*无效"):
            Issuer.create([{
                        'name': "测试机关", 'prefix': "测",
                        'pattern': '{prefix}{month}{year}{serial}'}])

    @with_transaction()
    def test_approving_out_of_order_is_refused(self):
        "The second approver cannot approve before the first"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.submit([document])
        with as_user(self.second), \
                self.assertRaisesRegex(UserError, "审批顺序在前的“first”"):
            Document.approve([Document(document.id)])
        approval = Document(document.id).approvals[1]
        self.assertEqual(approval.decision, 'pending')

    @with_transaction()
    def test_issuing_with_too_few_approvals_is_refused(self):
        "Issuing after one approval of the two needed is refused"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.submit([document])
        with as_user(self.first):
            Document.approve([Document(document.id)])
        with as_user(self.drafter), \
                self.assertRaisesRegex(UserError, "已获 1 人同意.*需要 2 人"):
            Document.issue([Document(document.id)])
        document = Document(document.id)
        self.assertEqual(document.state, 'in_review')
        self.assertIsNone(document.number)
        self.assertFalse(Pool().get('gd.document.issuer.serial').search([]))

    @with_transaction()
    def test_a_user_not_listed_cannot_approve(self):
        "Only the approvers listed decide"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.submit([document])
            with self.assertRaisesRegex(UserError, "不是.*审批人"):
                Document.approve([Document(document.id)])

    @with_transaction()
    def test_submitting_with_fewer_approvers_than_needed_is_refused(self):
        "A document needing 3 approvals with 2 approvers stays a draft"
        Document = Pool().get('gd.document')
        document = self.setup_circulation(minimum=3)
        with as_user(self.drafter), \
                self.assertRaisesRegex(UserError, "至少需要 3 人同意"):
            Document.submit([document])
        self.assertEqual(Document(document.id).state, 'draft')

    @with_transaction()
    def test_rejection_sends_the_document_back_to_draft(self):
        "A rejection returns the document to its drafter"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.submit([document])
        with as_user(self.first):
            Document.reject([Document(document.id)])
        document = Document(document.id)
        self.assertEqual(document.state, 'draft')
        self.assertEqual(document.approvals[0].decision, 'rejected')

    @with_transaction()
    def test_version_hash_is_computed_on_save(self):
        "The SHA-256 of a version is that of its content, in the filestore"
        document = self.setup_circulation()
        version, = document.versions
        self.assertEqual(
            version.sha256, hashlib.sha256(b'%PDF-1.4 test').hexdigest())
        self.assertEqual(version.size, len(b'%PDF-1.4 test'))
        self.assertTrue(version.file_id)

    @with_transaction()
    def test_issued_version_never_changes(self):
        "Neither a drafter nor the administrator changes an issued version"
        pool = Pool()
        Version = pool.get('gd.document.version')
        User = pool.get('res.user')
        document = self.issue(self.setup_circulation())
        version, = document.versions
        admin, = User.search([('login', '=', 'admin')])
        for user in [self.drafter, admin]:
            with self.subTest(user=user.login), as_user(user):
                with self.assertRaisesRegex(AccessError, "永远不能修改"):
                    Version.write([Version(version.id)], {'file': b'forged'})
                with self.assertRaisesRegex(AccessError, "永远不能修改"):
                    Version.delete([Version(version.id)])
                with self.assertRaisesRegex(AccessError, "永远不能修改"):
                    Version.create([{
                                'document': document.id, 'file': b'new',
                                'file_name': "新版.pdf"}])
        version = Version(version.id)
        self.assertEqual(version.file, b'%PDF-1.4 test')

    @with_transaction()
    def test_issued_document_never_changes(self):
        "The number, title and recipients of an issued document are locked"
        pool = Pool()
        Document = pool.get('gd.document')
        Recipient = pool.get('gd.document.recipient')
        document = self.issue(self.setup_circulation())
        with as_user(self.drafter):
            with self.assertRaisesRegex(AccessError, "不能再修改"):
                Document.write([document], {'title': "改标题"})
            with self.assertRaisesRegex(AccessError, "不能再修改"):
                Document.write([document], {'state': 'draft'})
            with self.assertRaises(AccessError):
                Recipient.delete(list(document.recipients))
            with self.assertRaisesRegex(AccessError, "不能删除"):
                Document.delete([document])

    @with_transaction()
    def test_city_acknowledges_and_issuer_sees_who_has_not(self):
        "广州市 acknowledges; 深圳市 is listed as not acknowledged"
        Document = Pool().get('gd.document')
        document = self.setup_circulation()
        with as_user(self.drafter):
            Document.write([document], {'recipients': [('create', [{
                                'kind': 'city', 'city': self.sz.id}])]})
        document = self.issue(document)
        self.assertEqual(document.unacknowledged_count, 2)

        with as_user(self.gz_bureau):
            Document.acknowledge([Document(document.id)])
        with as_user(self.drafter):
            document = Document(document.id)
            self.assertEqual(document.unacknowledged_count, 1)
            missing, = document.unacknowledged
            self.assertEqual(missing.city, self.sz)
            receipt, = document.receipts
            self.assertEqual(receipt.user, self.gz_bureau)
            self.assertEqual(receipt.recipient.city, self.gz)

    @with_transaction()
    def test_receipts_are_not_forged(self):
        "A city cannot write a receipt itself, nor acknowledge another's"
        pool = Pool()
        Document = pool.get('gd.document')
        Receipt = pool.get('gd.document.receipt')
        document = self.issue(self.setup_circulation())
        station = create_station("佛山汽车站", '4406001', '440600')
        fs_station = create_user('fs_station', 'group_station',
            station=station)
        with as_user(self.gz_bureau), self.assertRaises(AccessError):
            Receipt.create([{
                        'document': document.id,
                        'recipient': document.recipients[0].id,
                        'user': self.gz_bureau.id,
                        'date': dt.datetime(2020, 5, 1)}])
        with as_user(fs_station), self.assertRaises(AccessError):
            Document.acknowledge([Document(document.id)])

    @with_transaction()
    def test_city_sees_documents_addressed_to_it_and_its_own(self):
        "广州市 reads what is addressed to it and its own, not 深圳市's"
        Document = Pool().get('gd.document')
        to_gz = self.issue(self.setup_circulation())
        with as_user(self.drafter):
            to_sz = create_document(
                self.issuer, "致深圳市", [self.sz],
                [self.first, self.second])
        to_sz = self.issue(to_sz)
        with as_user(self.drafter):
            gz_station = create_station("广州天河客运站", '4401002', '440100')
            to_gz_station = create_document(
                self.issuer, "致天河站", [gz_station],
                [self.first, self.second])
        to_gz_station = self.issue(to_gz_station)
        with as_user(self.drafter):
            draft_to_gz = create_document(
                self.issuer, "草稿", [self.gz], [self.first])
        gz_issuer = create_issuer(
            "广州市交通运输局", "穗交运", city=self.gz)
        with as_user(self.gz_bureau):
            own = create_document(gz_issuer, "广州市自拟", [self.gz],
                [self.gz_bureau])
            sz_own = None
        with as_user(self.sz_bureau):
            sz_own = create_document(gz_issuer, "深圳市自拟", [self.sz],
                [self.sz_bureau])

        with as_user(self.gz_bureau):
            seen = set(Document.search([]))
            self.assertEqual(seen, {
                    Document(to_gz.id), Document(to_gz_station.id),
                    Document(own.id)})
            self.assertNotIn(Document(draft_to_gz.id), seen)
            for document in [to_sz, sz_own]:
                with self.assertRaises(AccessError):
                    Document.read([document.id], ['title'])
        with as_user(self.sz_bureau):
            self.assertEqual(
                set(Document.search([])),
                {Document(to_sz.id), Document(sz_own.id)})
        department = create_user('dept', 'group_department')
        with as_user(department):
            self.assertEqual(len(Document.search([])), 6)

    @with_transaction()
    def test_station_sees_only_what_is_addressed_to_it(self):
        "A station reads the documents addressed to it or to its role"
        pool = Pool()
        Document = pool.get('gd.document')
        ModelData = pool.get('ir.model.data')
        Group = pool.get('res.group')
        self.setup_circulation()
        tianhe = create_station("广州天河客运站", '4401002', '440100')
        luohu = create_station("深圳罗湖汽车站", '4403001', '440300')
        th_user = create_user('th', 'group_station', station=tianhe)
        stations = Group(ModelData.get_id('gd_documents', 'group_station'))
        with as_user(self.drafter):
            to_tianhe = create_document(self.issuer, "致天河站", [tianhe],
                [self.first, self.second])
            to_luohu = create_document(self.issuer, "致罗湖站", [luohu],
                [self.first, self.second])
            to_all = create_document(self.issuer, "致各客运站", [stations],
                [self.first, self.second])
        for document in [to_tianhe, to_luohu, to_all]:
            self.issue(document)
        with as_user(th_user):
            self.assertEqual(set(Document.search([])), {
                    Document(to_tianhe.id), Document(to_all.id)})
            with self.assertRaises(AccessError):
                Document.read([to_luohu.id], ['title'])
            Document.acknowledge([Document(to_all.id)])
        self.assertEqual(Document(to_all.id).unacknowledged_count, 0)

    @with_transaction()
    def test_city_bureau_issues_only_its_own(self):
        "A 深圳市 bureau cannot issue a 广州市 document it approves"
        Document = Pool().get('gd.document')
        self.setup_circulation()
        gz_issuer = create_issuer("广州市交通运输局", "穗交运", city=self.gz)
        with as_user(self.gz_bureau):
            document = create_document(gz_issuer, "广州市自拟", [self.gz],
                [self.sz_bureau], minimum=1)
            Document.submit([document])
        with as_user(self.sz_bureau):
            Document.approve([Document(document.id)])
            with self.assertRaisesRegex(AccessError, "只能签发本单位"):
                Document.issue([Document(document.id)])
        with as_user(self.gz_bureau), on_date(ISSUE_DATE):
            Document.issue([Document(document.id)])
        self.assertEqual(Document(document.id).number, "穗交运〔2020〕1号")

    @with_transaction()
    def test_station_cannot_draft(self):
        "A station user cannot create a document nor change one"
        Document = Pool().get('gd.document')
        self.setup_circulation()
        station = create_station("广州天河客运站", '4401002', '440100')
        user = create_user('th', 'group_station', station=station)
        with as_user(user), self.assertRaises(AccessError):
            create_document(self.issuer, "站拟", [self.gz], [self.first])
        with as_user(self.drafter):
            document = create_document(
                self.issuer, "致天河站", [station], [self.first])
        with as_user(user), self.assertRaises(AccessError):
            Document.write([Document(document.id)], {'title': "站改"})

    def register_wizard(self, records, report, document):
        "Run the wizard 登记为公文版本 on records as the current user"
        pool = Pool()
        Register = pool.get('gd.document.version.register', type='wizard')
        session_id, _, _ = Register.create()
        model = records[0].__name__
        ids = [r.id for r in records]
        with Transaction().set_context(
                active_model=model, active_id=ids[0], active_ids=ids):
            result = Register.execute(session_id, {}, 'start')
            defaults = result['view']['defaults']
            self.assertEqual(defaults['model'], model)
            self.assertEqual(defaults['record_count'], len(ids))
            result = Register.execute(session_id, {'start': dict(
                        defaults, report=report.id,
                        document=document.id)}, 'register_')
        Register.delete(session_id)
        return result

    @with_transaction()
    def test_generated_file_is_registered_as_a_version(self):
        "The register printed by a drafter becomes a version of its report"
        pool = Pool()
        Document = pool.get('gd.document')
        ActionReport = pool.get('ir.action.report')
        notice = self.issue(self.setup_circulation())
        with as_user(self.drafter):
            report_document = create_document(self.issuer, "公文登记情况报告",
                [self.gz], [self.first, self.second], file=None)
        action, = ActionReport.search(
            [('report_name', '=', 'gd.document.register')])

        with as_user(self.drafter):
            result = self.register_wizard([notice], action, report_document)
        self.assertEqual(result['actions'][0][0]['res_id'],
            [report_document.id])

        version, = Document(report_document.id).versions
        self.assertTrue(version.file_name.endswith('.xlsx'))
        self.assertEqual(version.report, action)
        self.assertEqual(version.source_model, 'gd.document')
        self.assertEqual(version.source_ids, str(notice.id))
        self.assertEqual(
            version.sha256, hashlib.sha256(version.file).hexdigest())
        workbook = openpyxl.load_workbook(io.BytesIO(version.file))
        cells = {c.value for row in workbook.active.iter_rows()
            for c in row}
        self.assertIn(notice.number, cells)
        self.assertIn(notice.title, cells)

    @with_transaction()
    def test_registering_needs_access_to_the_records_and_the_document(self):
        """A bureau registers neither a document it cannot read nor into a
        document it cannot change, and nothing is written"""
        pool = Pool()
        Version = pool.get('gd.document.version')
        ActionReport = pool.get('ir.action.report')
        draft = self.setup_circulation()
        action, = ActionReport.search(
            [('report_name', '=', 'gd.document.register')])
        gz_issuer = create_issuer("广州市交通运输局", "穗交运", city=self.gz)
        with as_user(self.gz_bureau):
            own = create_document(gz_issuer, "广州市月报", [self.gz],
                [self.gz_bureau], minimum=1, file=None)
        before = Version.search([], count=True)
        with as_user(self.sz_bureau):
            # The province's draft is not addressed to 深圳市
            with self.assertRaises(AccessError):
                Version.generate(own, action, [draft])
        with as_user(self.gz_bureau):
            # 广州市 reads its own document, not the province's draft
            with self.assertRaises(AccessError):
                Version.generate(own, action, [draft])
        with as_user(self.sz_bureau):
            # nor can 深圳市 write into 广州市's document
            with self.assertRaises(AccessError):
                Version.generate(own, action, [own])
        self.assertEqual(Version.search([], count=True), before)
        with as_user(self.gz_bureau):
            version = Version.generate(own, action, [own])
        self.assertEqual(version.document, own)
