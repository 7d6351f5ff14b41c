# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""What a city sends is provable: its roster, generated and kept as a
version of its document"""
import hashlib
import io

import openpyxl

from trytond.model.exceptions import AccessError
from trytond.modules.gd_documents.tests.tools import (
    create_document, create_issuer)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    TestCase, activate_module, with_transaction)
from trytond.transaction import Transaction

from .tools import as_user, create_user, get_city, programme_2020


class RegisterTestCase(TestCase):
    "Test registering the programme's generated documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('gd_deploy', lang='zh_CN')

    @with_transaction()
    def test_city_registers_its_roster_as_a_version(self):
        """A bureau runs 登记为公文版本 on its working group: the annex 1
        roster becomes a version of its report, with its hash"""
        pool = Pool()
        Group = pool.get('gd.working_group')
        ActionReport = pool.get('ir.action.report')
        Register = pool.get('gd.document.version.register', type='wizard')
        Version = pool.get('gd.document.version')
        gz, sz = get_city('440100'), get_city('440300')
        bureau = create_user('gz_wg', 'group_city_bureau', city=gz)
        sz_bureau = create_user('sz_wg', 'group_city_bureau', city=sz)
        groups = Group.create([{
                    'programme': programme_2020().id, 'city': city.id,
                    'leader_name': leader, 'leader_post': "副局长",
                    } for city, leader in [(gz, "张伟"), (sz, "李明")]])
        issuer = create_issuer("广州市交通运输局", "穗交运", city=gz)
        with as_user(bureau):
            document = create_document(issuer, "关于报送工作组名单的函",
                [gz], [bureau], minimum=1, file=None)
        roster, = ActionReport.search(
            [('report_name', '=', 'gd.working_group.roster')])

        with as_user(bureau):
            session_id, _, _ = Register.create()
            with Transaction().set_context(active_model='gd.working_group',
                    active_id=groups[0].id, active_ids=[groups[0].id]):
                defaults = Register.execute(
                    session_id, {}, 'start')['view']['defaults']
                # The roster is the only report of a working group
                self.assertEqual(defaults['report'], roster.id)
                # The client sends the fields back, not their names
                values = {k: v for k, v in defaults.items() if '.' not in k}
                Register.execute(session_id, {'start': dict(
                            values, document=document.id)}, 'register_')

        version, = Version.search([('document', '=', document.id)])
        self.assertEqual(version.source_model, 'gd.working_group')
        self.assertEqual(
            version.sha256, hashlib.sha256(version.file).hexdigest())
        sheet = openpyxl.load_workbook(io.BytesIO(version.file)).active
        cells = {c.value for row in sheet.iter_rows() for c in row}
        self.assertIn("张伟", cells)
        self.assertNotIn("李明", cells)

        # 广州市's bureau cannot print 深圳市's group into its document
        with as_user(bureau), self.assertRaises(AccessError):
            Version.generate(document, roster, [Group(groups[1].id)])
        # nor 深圳市 write into 广州市's document
        with as_user(sz_bureau), self.assertRaises(AccessError):
            Version.generate(document, roster, [Group(groups[1].id)])
