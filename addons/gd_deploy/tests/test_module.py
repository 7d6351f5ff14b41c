# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


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


del ModuleTestCase
