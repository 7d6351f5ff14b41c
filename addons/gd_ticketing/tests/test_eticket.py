# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The signed token of the e-ticket QR code, verified offline"
import base64
import os
import unittest
from unittest.mock import patch

from trytond.modules.gd_ticketing import eticket

PAYLOAD = {'n': '4401000010000001', 'd': '2020-09-01', 't': '08:30',
    's': 12, 'p': '110105********002X', 'from': "广州", 'to': "深圳"}


def key():
    return base64.b64encode(os.urandom(32)).decode()


class ETicketTestCase(unittest.TestCase):
    "Test the e-ticket token"

    def setUp(self):
        environment = patch.dict(os.environ, {'GDCLOUD_ID_KEY': key()})
        environment.start()
        self.addCleanup(environment.stop)
        os.environ.pop('GDCLOUD_TICKET_KEY', None)

    def test_token_verifies_with_the_public_key_only(self):
        "A gate holding the public key reads the payload back"
        token = eticket.sign(PAYLOAD)
        self.assertTrue(token.startswith('GD1.'))
        self.assertEqual(
            eticket.verify(token, key=eticket.public_key()), PAYLOAD)
        self.assertEqual(eticket.verify(token), PAYLOAD)

    def test_altered_token_is_forged(self):
        "Changing one character of the payload breaks the signature"
        token = eticket.sign(PAYLOAD)
        prefix, body, signature = token.split('.')
        altered = eticket._b64encode(
            eticket._b64decode(body).replace(b'"s":12', b'"s":13'))
        self.assertNotEqual(altered, body)
        with self.assertRaisesRegex(
                eticket.TicketTokenError, 'msg_ticket_token_forged'):
            eticket.verify(f'{prefix}.{altered}.{signature}')

    def test_token_of_another_key_is_forged(self):
        "A token signed under another key does not verify"
        token = eticket.sign(PAYLOAD)
        public = eticket.public_key()
        with patch.dict(os.environ, {'GDCLOUD_TICKET_KEY': key()}):
            self.assertNotEqual(eticket.public_key(), public)
            other = eticket.sign(PAYLOAD)
        with self.assertRaisesRegex(
                eticket.TicketTokenError, 'msg_ticket_token_forged'):
            eticket.verify(other, key=public)
        self.assertEqual(eticket.verify(token, key=public), PAYLOAD)

    def test_malformed_tokens(self):
        "Text that is not a token is refused as malformed"
        for token in ['', 'abc', 'GD2.a.b', 'GD1.a.b.c']:
            with self.subTest(token=token):
                with self.assertRaisesRegex(
                        eticket.TicketTokenError,
                        'msg_ticket_token_malformed'):
                    eticket.verify(token)
