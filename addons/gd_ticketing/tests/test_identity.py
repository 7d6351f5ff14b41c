# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Identity numbers: the GB 11643 check, the six ID types, masking, keys"
import base64
import datetime as dt
import os
import unittest
from unittest.mock import patch

from trytond.modules.gd_ticketing.identity import (
    IdentityError, IdentityKeyError, check_character, decrypt, encrypt,
    lookup_hash, mask, normalize, upgrade_15)

TODAY = dt.date(2026, 11, 24)
KEY = base64.b64encode(b'0123456789abcdef0123456789abcdef').decode()


def with_check(first17):
    return first17 + check_character(first17)


class IdentityTestCase(unittest.TestCase):
    "Identity numbers"

    def assertRefused(self, key, id_type, number):
        with self.assertRaises(IdentityError) as context:
            normalize(id_type, number, TODAY)
        self.assertEqual(context.exception.key, key)

    def test_gb11643_example_is_valid(self):
        "11010519491231002X is a valid resident number"
        self.assertEqual(
            normalize('resident', '11010519491231002X', TODAY),
            '11010519491231002X')
        self.assertEqual(check_character('11010519491231002'), 'X')

    def test_gb11643_wrong_check_character_is_refused(self):
        "One wrong check character is refused"
        self.assertRefused(
            'msg_id_check_character', 'resident', '110105194912310021')

    def test_gb11643_lower_case_x_is_refused(self):
        "The check character X is upper case"
        self.assertRefused('msg_id_lower_x', 'resident', '11010519491231002x')

    def test_gb11643_impossible_birth_date_is_refused(self):
        "31 February and future birth dates are refused"
        self.assertRefused(
            'msg_id_birth_date', 'resident', with_check('11010519490231002'))
        self.assertRefused(
            'msg_id_birth_date', 'resident', with_check('11010520301231002'))

    def test_gb11643_format(self):
        "Letters or a wrong length are refused"
        self.assertRefused(
            'msg_id_resident_format', 'resident', '1101051949123100')
        self.assertRefused(
            'msg_id_resident_format', 'resident', '1101051949A231002X')
        self.assertRefused('msg_id_empty', 'resident', '  ')

    def test_legacy_15_digit_number_is_upgraded(self):
        "A 15-digit number is upgraded to 18 characters"
        self.assertEqual(upgrade_15('110105491231002'), '11010519491231002X')
        self.assertEqual(
            normalize('resident', '110105491231002', TODAY),
            '11010519491231002X')

    def test_residence_permit_uses_areas_81_82_83(self):
        "Residence permits of HK, Macao and Taiwan residents"
        number = with_check('81000019900101001')
        self.assertEqual(
            normalize('residence_permit', number, TODAY), number)
        self.assertRefused('msg_id_is_permit', 'resident', number)
        self.assertRefused(
            'msg_id_permit_area', 'residence_permit', '11010519491231002X')

    def test_other_id_types(self):
        "Passports, foreigner cards and the two travel permits"
        self.assertEqual(
            normalize('passport', 'e12345678', TODAY), 'E12345678')
        self.assertRefused('msg_id_passport_format', 'passport', 'E1-2')
        self.assertEqual(
            normalize('foreigner', 'USA123456789012', TODAY),
            'USA123456789012')
        self.assertEqual(
            normalize('foreigner', with_check('93310019900101001'), TODAY),
            with_check('93310019900101001'))
        self.assertRefused(
            'msg_id_foreigner_format', 'foreigner', 'US1234567890123')
        self.assertEqual(
            normalize('hk_macao_permit', 'H12345678', TODAY), 'H12345678')
        self.assertRefused(
            'msg_id_hk_macao_permit_format', 'hk_macao_permit', 'X12345678')
        self.assertEqual(
            normalize('taiwan_permit', '12345678', TODAY), '12345678')
        self.assertRefused(
            'msg_id_taiwan_permit_format', 'taiwan_permit', '1234567')

    def test_mask(self):
        "Numbers are masked keeping the area code and the last four"
        self.assertEqual(mask('11010519491231002X'), '110105********002X')
        self.assertEqual(mask('E12345678'), 'E1*****78')
        self.assertEqual(mask('12345'), '1***5')

    def test_encryption_round_trip_with_random_nonce(self):
        "Encrypted twice, a number gives two cipher texts of one value"
        with patch.dict(os.environ, {'GDCLOUD_ID_KEY': KEY}):
            first, second = (encrypt('11010519491231002X') for _ in '12')
            self.assertNotEqual(first, second)
            self.assertNotIn('11010519491231002X', first)
            self.assertEqual(decrypt(first), '11010519491231002X')
            self.assertEqual(
                lookup_hash('11010519491231002X'),
                lookup_hash('11010519491231002X'))
            self.assertNotEqual(
                lookup_hash('11010519491231002X'),
                lookup_hash('110105194912310029'))

    def test_another_key_cannot_decrypt(self):
        "A token encrypted with one key is refused with another"
        with patch.dict(os.environ, {'GDCLOUD_ID_KEY': KEY}):
            token = encrypt('11010519491231002X')
        other = base64.b64encode(b'another key of 32 bytes, really.').decode()
        with patch.dict(os.environ, {'GDCLOUD_ID_KEY': other}):
            with self.assertRaises(IdentityKeyError):
                decrypt(token)

    def test_missing_or_short_key_is_refused(self):
        "Without a key of at least 16 bytes nothing is encrypted"
        with patch.dict(os.environ, {'GDCLOUD_ID_KEY': ''}):
            with self.assertRaises(IdentityKeyError):
                encrypt('11010519491231002X')
        short = base64.b64encode(b'short').decode()
        with patch.dict(os.environ, {'GDCLOUD_ID_KEY': short}):
            with self.assertRaises(IdentityKeyError):
                encrypt('11010519491231002X')

    def test_every_refusal_has_a_message(self):
        "Each key the validation raises is an ir.message of the module"
        import pathlib
        import re as re_
        module = pathlib.Path(__file__).parents[1]
        messages = set(re_.findall(
                r'id="(msg_id_[a-z0-9_]+)"',
                (module / 'message.xml').read_text()))
        raised = set(re_.findall(
                r"'(msg_id_[a-z0-9_]+)'",
                (module / 'identity.py').read_text()))
        raised |= {f'msg_id_{t}_format' for t in [
                'passport', 'foreigner', 'hk_macao_permit', 'taiwan_permit']}
        self.assertLessEqual(raised, messages)
