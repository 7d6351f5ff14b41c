# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The signed token of an e-ticket's QR code, which a gate verifies offline

A token is ``GD1.<payload>.<signature>``: the payload is the ticket's
compact JSON (number, run, date, time, stops, seat, masked ID number) in
base64url, the signature Ed25519 over ``GD1.<payload>``.  A gate holds only
the public key (``public_key()``, served by the API), so it can check a
ticket without the network and cannot make one.

The private key is derived from the identity master key (GDCLOUD_ID_KEY,
see identity.py) for the purpose ``ticket-sign``, unless GDCLOUD_TICKET_KEY
or ``[gd_ticketing] ticket_key`` gives its own 32-byte seed in base64."""
import base64
import binascii
import json
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey, Ed25519PublicKey)

from trytond.config import config

from . import identity

PREFIX = 'GD1'


class TicketTokenError(ValueError):
    "A token that is malformed or not signed by us; args[0] a message key"


def _b64encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _b64decode(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def _private_key():
    value = (os.environ.get('GDCLOUD_TICKET_KEY')
        or config.get('gd_ticketing', 'ticket_key', default=None))
    if value:
        try:
            seed = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise identity.IdentityKeyError(
                'msg_ticket_key_invalid') from None
        if len(seed) != 32:
            raise identity.IdentityKeyError('msg_ticket_key_invalid')
    else:
        mac = hmac.HMAC(identity._master_key(), hashes.SHA256())
        mac.update(b'gdcloud-ticket-sign')
        seed = mac.finalize()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key():
    "The public key that verifies tokens, raw 32 bytes in base64"
    raw = _private_key().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(payload):
    "The token of payload (a dict of JSON values)"
    body = _b64encode(json.dumps(
            payload, ensure_ascii=False, separators=(',', ':'),
            sort_keys=True).encode())
    message = f'{PREFIX}.{body}'
    signature = _private_key().sign(message.encode())
    return f'{message}.{_b64encode(signature)}'


def verify(token, key=None):
    """The payload of token once its signature is checked, with key (the
    public key in base64) or ours; TicketTokenError otherwise"""
    try:
        prefix, body, signature = (token or '').strip().split('.')
    except ValueError:
        raise TicketTokenError('msg_ticket_token_malformed') from None
    if prefix != PREFIX:
        raise TicketTokenError('msg_ticket_token_malformed')
    if key is None:
        verifier = _private_key().public_key()
    else:
        verifier = Ed25519PublicKey.from_public_bytes(base64.b64decode(key))
    try:
        verifier.verify(
            _b64decode(signature), f'{prefix}.{body}'.encode())
        return json.loads(_b64decode(body))
    except (InvalidSignature, binascii.Error, ValueError):
        raise TicketTokenError('msg_ticket_token_forged') from None
