"Every string a user sees has its Chinese translation"
import unittest

import polib

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

MODULES = ['gd_documents', 'gd_deploy', 'gd_ticketing']


class TranslationTestCase(unittest.TestCase):
    "Chinese translations of the three modules"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(MODULES, lang='zh_CN')

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def _set_translations(self):
        "Collect every translatable string as trytond-admin does"
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        Lang = pool.get('ir.lang')
        configuration = Configuration(1)
        # The strings of the code are English: the wizards need it as the
        # main language; the transaction is rolled back afterwards.
        configuration.language = 'en'
        configuration.save()
        Configuration._get_language_cache.clear()
        language, = Lang.search([('code', '=', 'zh_CN')])
        for name, state, extra in [
                ('ir.translation.set', 'set_', {}),
                ('ir.translation.clean', 'clean', {}),
                ('ir.translation.update', 'update',
                    {'start': {'language': language.id}}),
                ]:
            Wizard = pool.get(name, type='wizard')
            session_id, _, _ = Wizard.create()
            Wizard.execute(session_id, extra, state)
            Wizard.delete(session_id)

    @with_transaction()
    def test_every_string_is_translated_to_chinese(self):
        "No label, help, menu, message or data string lacks its Chinese"
        Translation = Pool().get('ir.translation')
        self._set_translations()
        for module in MODULES:
            pofile = polib.pofile(
                Translation.translation_export('zh_CN', module).decode())
            untranslated = [
                e.msgctxt for e in pofile
                if not e.msgstr or 'fuzzy' in e.flags]
            with self.subTest(module=module):
                self.assertTrue(len(pofile), msg=module)
                self.assertEqual(untranslated, [], msg=(
                    f"add these to addons/{module}/locale/zh_CN.po"))
