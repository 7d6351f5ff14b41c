# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Passengers' identity numbers: validation of the six ID types accepted
online, masking, and encryption at rest (DOMAIN.md §3 and §4)

Numbers are encrypted with SM4-GCM and looked up by an HMAC-SM3 keyed hash
(commercial cryptography, GB/T 39786).  The master key comes from the
environment (GDCLOUD_ID_KEY) or the configuration ([gd_ticketing] id_key),
base64-encoded, at least 16 bytes; it is never stored in the database."""
import base64
import binascii
import datetime as dt
import logging
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from trytond.config import config

# What a refusal rolls back (a reveal or a trace without the right or a
# reason) cannot be a row of the database's logs: the server's audit log,
# kept 6 months or more, records it
audit = logging.getLogger('gdcloud.audit')

ID_TYPES = [
    ('resident', "Resident Identity Card"),
    ('passport', "Passport"),
    ('foreigner', "Foreigner Permanent Residence ID Card"),
    ('residence_permit', "HK/Macao/Taiwan Resident Residence Permit"),
    ('hk_macao_permit', "Mainland Travel Permit for HK and Macao Residents"),
    ('taiwan_permit', "Mainland Travel Permit for Taiwan Residents"),
    ]

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARACTERS = '10X98765432'
# Residence permits of HK, Macao and Taiwan residents (verify)
PERMIT_AREAS = {'810000', '820000', '830000'}


class IdentityError(ValueError):
    "An identity number that is not valid; args[0] is a message key"

    def __init__(self, key, **values):
        super().__init__(key)
        self.key = key
        self.values = values


def check_character(first17):
    "The GB 11643 check character of the first 17 digits"
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def upgrade_15(number):
    "Upgrade a 15-digit legacy resident number to its 18 characters"
    first17 = number[:6] + '19' + number[6:]
    return first17 + check_character(first17)


def birth_date(number):
    "The birth date of an 18-character resident number"
    try:
        return dt.datetime.strptime(number[6:14], '%Y%m%d').date()
    except ValueError:
        return None


def _check_gb11643(number, today):
    if len(number) == 15 and number.isdigit():
        number = upgrade_15(number)
    if not re.fullmatch(r'\d{17}[\dX]', number):
        if re.fullmatch(r'\d{17}x', number):
            raise IdentityError('msg_id_lower_x')
        raise IdentityError('msg_id_resident_format')
    born = birth_date(number)
    if not born or born > today or born.year < 1900:
        raise IdentityError('msg_id_birth_date', date=number[6:14])
    if check_character(number[:17]) != number[17]:
        raise IdentityError('msg_id_check_character')
    return number


def normalize(id_type, number, today=None):
    """Return the number of id_type in its canonical form or raise
    IdentityError"""
    if today is None:
        today = dt.date.today()
    number = (number or '').strip().replace(' ', '')
    if not number:
        raise IdentityError('msg_id_empty')
    if id_type == 'resident':
        number = _check_gb11643(number, today)
        if number[:6] in PERMIT_AREAS:
            raise IdentityError('msg_id_is_permit')
        return number
    elif id_type == 'residence_permit':
        number = _check_gb11643(number, today)
        if number[:6] not in PERMIT_AREAS:
            raise IdentityError('msg_id_permit_area')
        return number
    number = number.upper()
    patterns = {
        # Ordinary passports: a letter and 8 digits; foreign ones vary
        'passport': r'[A-Z0-9]{5,17}',
        # Old cards: 3 letters and 12 digits; 2023 cards: 18 characters
        # beginning with 9 and a GB 11643 check character
        'foreigner': r'[A-Z]{3}\d{12}|9\d{16}[\dX]',
        # 回乡证: H or M and 8 or 10 digits
        'hk_macao_permit': r'[HM]\d{8}(\d{2})?',
        # 台胞证: 8 digits (10 on older permits)
        'taiwan_permit': r'\d{8}(\d{2})?',
        }
    if not re.fullmatch(patterns[id_type], number):
        raise IdentityError(f'msg_id_{id_type}_format')
    if id_type == 'foreigner' and len(number) == 18:
        if check_character(number[:17]) != number[17]:
            raise IdentityError('msg_id_check_character')
    return number


def mask(number):
    """Mask a number: 110105********002X; short numbers keep their first
    and last two characters"""
    if not number:
        return number
    if len(number) >= 15:
        return number[:6] + '*' * (len(number) - 10) + number[-4:]
    keep = 2 if len(number) > 5 else 1
    return number[:keep] + '*' * (len(number) - 2 * keep) + number[-keep:]


class IdentityKeyError(Exception):
    "The identity key is missing or malformed"


def _master_key():
    value = (os.environ.get('GDCLOUD_ID_KEY')
        or config.get('gd_ticketing', 'id_key', default=None))
    if not value:
        raise IdentityKeyError('msg_id_key_missing')
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise IdentityKeyError('msg_id_key_invalid') from None
    if len(key) < 16:
        raise IdentityKeyError('msg_id_key_invalid')
    return key


def _derive(purpose):
    mac = hmac.HMAC(_master_key(), hashes.SM3())
    mac.update(b'gdcloud-identity-' + purpose)
    return mac.finalize()


def lookup_hash(number):
    "The keyed hash (HMAC-SM3, hex) to find a number without decrypting"
    mac = hmac.HMAC(_derive(b'lookup'), hashes.SM3())
    mac.update(number.encode())
    return mac.finalize().hex()


def encrypt(number):
    "Encrypt a number with SM4-GCM: base64 of nonce, cipher text and tag"
    nonce = os.urandom(12)
    encryptor = Cipher(
        algorithms.SM4(_derive(b'encrypt')[:16]), modes.GCM(nonce)
        ).encryptor()
    data = encryptor.update(number.encode()) + encryptor.finalize()
    return base64.b64encode(nonce + data + encryptor.tag).decode()


def decrypt(token):
    raw = base64.b64decode(token)
    nonce, data, tag = raw[:12], raw[12:-16], raw[-16:]
    decryptor = Cipher(
        algorithms.SM4(_derive(b'encrypt')[:16]), modes.GCM(nonce, tag)
        ).decryptor()
    try:
        return (decryptor.update(data) + decryptor.finalize()).decode()
    except InvalidTag:
        raise IdentityKeyError('msg_id_key_wrong') from None
