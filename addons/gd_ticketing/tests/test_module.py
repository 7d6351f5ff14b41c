# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class GdTicketingTestCase(ModuleTestCase):
    "Test GD Ticketing module"
    module = 'gd_ticketing'
    language = 'zh_CN'

    @with_transaction()
    def test_menu_root_is_in_chinese(self):
        "The module's menu root has its Chinese name"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        menu = Menu(ModelData.get_id('gd_ticketing', 'menu_ticketing'))
        self.assertEqual(menu.name, "联网售票")


del ModuleTestCase
