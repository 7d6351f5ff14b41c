# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Real-name passengers (实名乘客) and the log of every full view of their
identity numbers (DOMAIN.md §4)

`id_number` is written in plain text and never stored so: the table keeps
it encrypted (`id_number_encrypted`, SM4-GCM), its keyed hash (`id_hash`,
for exact look-ups and the one-ticket-per-ID rule) and its masked form
(`id_masked`, what every read shows)."""
import datetime as dt

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView, Wizard

from . import identity
from .identity import audit
from .res import check_group
from .exceptions import PassengerError


def identity_error(error):
    "The translated message of an IdentityError or IdentityKeyError"
    return gettext(
        'gd_ticketing.' + error.args[0], **getattr(error, 'values', {}))


class Passenger(ModelSQL, ModelView):
    __name__ = 'gd.passenger'
    __string__ = "Passenger"

    name = fields.Char("Name", required=True)
    id_type = fields.Selection(
        identity.ID_TYPES, "ID Type", required=True, sort=False)
    id_number = fields.Function(
        fields.Char(
            "ID Number",
            help="Written in full; stored encrypted and shown masked."),
        'get_id_number', setter='set_id_number',
        searcher='search_id_number')
    id_number_encrypted = fields.Char("Encrypted ID Number", readonly=True)
    id_hash = fields.Char("ID Hash", readonly=True)
    id_masked = fields.Char("Masked ID Number", readonly=True)
    tickets = fields.One2Many(
        'gd.ticket', 'passenger', "Tickets", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('id_unique', Unique(t, t.id_type, t.id_hash),
                'gd_ticketing.msg_passenger_id_unique'),
            ]
        # The look-up of a sale and of a search by number: the search of a
        # Char compares Coalesce(id_hash, ''), which the unique index does
        # not serve
        cls._sql_indexes.add(
            Index(t, (Coalesce(t.id_hash, ''), Index.Equality())))
        cls.__rpc__.update({
                'reveal': RPC(readonly=False, instantiate=0),
                })

    @classmethod
    def default_id_type(cls):
        return 'resident'

    def get_rec_name(self, name):
        return f'{self.name} {self.id_masked or ""}'.strip()

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('name',) + tuple(clause[1:])]

    def get_id_number(self, name):
        return self.id_masked

    @classmethod
    def hash_candidates(cls, value):
        "The hashes a number typed in a search may be stored under"
        value = (value or '').strip().replace(' ', '')
        numbers = {value, value.upper()}
        for id_type, _ in identity.ID_TYPES:
            try:
                numbers.add(identity.normalize(id_type, value))
            except identity.IdentityError:
                pass
        try:
            return [identity.lookup_hash(n) for n in numbers if n]
        except identity.IdentityKeyError as error:
            raise PassengerError(identity_error(error)) from None

    @classmethod
    def search_id_number(cls, name, clause):
        "Only exact look-ups, by the keyed hash"
        _, operator, value = clause[:3]
        if operator in {'=', '!='}:
            values = [value]
        elif operator in {'in', 'not in'}:
            values = value
        else:
            return [('id', '=', -1)]
        hashes = [h for v in values if v for h in cls.hash_candidates(v)]
        if operator in {'=', 'in'}:
            return [('id_hash', 'in', hashes)]
        return [('id_hash', 'not in', hashes)]

    @classmethod
    def protect(cls, id_type, number):
        """The values stored for number of id_type: encrypted, hashed and
        masked; raise PassengerError when it is not valid"""
        Date = Pool().get('ir.date')
        try:
            number = identity.normalize(id_type, number, Date.today())
            return {
                'id_number_encrypted': identity.encrypt(number),
                'id_hash': identity.lookup_hash(number),
                'id_masked': identity.mask(number),
                }
        except (identity.IdentityError, identity.IdentityKeyError) as error:
            raise PassengerError(identity_error(error)) from None

    @classmethod
    def set_id_number(cls, passengers, name, value):
        # The system writes the protected values, the caller may not
        with without_check_access():
            for passenger in passengers:
                cls.write(
                    [passenger], cls.protect(passenger.id_type, value))

    @classmethod
    def validate_fields(cls, passengers, field_names):
        super().validate_fields(passengers, field_names)
        for passenger in passengers:
            if not passenger.id_hash:
                raise PassengerError(gettext(
                        'gd_ticketing.msg_passenger_id_required',
                        passenger=passenger.name))
        if field_names and 'id_type' in field_names:
            cls.check_id_type(passengers)

    @classmethod
    def check_id_type(cls, passengers):
        "The number stored stays valid for a changed ID type"
        for passenger in passengers:
            number = passenger.decrypt()
            values = cls.protect(passenger.id_type, number)
            if values['id_hash'] != passenger.id_hash:
                raise PassengerError(gettext(
                        'gd_ticketing.msg_passenger_id_type_changed',
                        passenger=passenger.rec_name))

    def decrypt(self):
        "The full number; for the system only, see reveal"
        try:
            return identity.decrypt(self.id_number_encrypted)
        except identity.IdentityKeyError as error:
            raise PassengerError(identity_error(error)) from None

    @classmethod
    def find_or_create(cls, values):
        """The passenger of values (name, id_type, id_number), the one
        stored under that number or a new one, and whether it is new"""
        id_type = values.get('id_type') or cls.default_id_type()
        protected = cls.protect(id_type, values.get('id_number'))
        # Looked up among every passenger: a number is stored once
        with without_check_access():
            passengers = cls.search([
                    ('id_type', '=', id_type),
                    ('id_hash', '=', protected['id_hash']),
                    ], limit=1)
        if passengers:
            passenger, = passengers
            if passenger.name != values.get('name'):
                raise PassengerError(gettext(
                        'gd_ticketing.msg_passenger_other_name',
                        name=values.get('name'),
                        id_number=protected['id_masked']))
            return passenger, False
        passenger, = cls.create([{
                    'name': values.get('name'),
                    'id_type': id_type,
                    'id_number': values.get('id_number'),
                    }])
        return passenger, True

    @classmethod
    def check_reveal(cls):
        "Only the role allowed to see identity numbers in full may"
        check_group('group_identity', 'gd_ticketing.msg_passenger_reveal')

    @classmethod
    def reveal(cls, passengers, reason):
        """Return the full numbers of passengers {id: number}; each view is
        logged with the user and the reason"""
        pool = Pool()
        Log = pool.get('gd.identity.log')
        reason = (reason or '').strip()
        try:
            cls.check_reveal()
            if not reason:
                raise PassengerError(gettext(
                        'gd_ticketing.msg_passenger_reveal_reason'))
        except (AccessError, PassengerError) as exception:
            # The refusal rolls back: the server's audit log keeps it
            audit.warning(
                "identity reveal refused: user %s, passengers %s, "
                "reason %r: %s", Transaction().user,
                [int(p) for p in passengers], reason, exception.message)
            raise
        passengers = cls.browse(passengers)
        # The reader's rules apply: only passengers the user may read
        cls.read([p.id for p in passengers], ['id'])
        numbers = {p.id: p.decrypt() for p in passengers}
        Log.log('reveal', passengers, reason)
        return numbers


class IdentityLog(ModelSQL, ModelView):
    "Who saw which identity number in full, when and why"
    __name__ = 'gd.identity.log'
    __string__ = "Identity Log"

    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='RESTRICT')
    passenger = fields.Many2One(
        'gd.passenger', "Passenger", required=True, readonly=True,
        ondelete='RESTRICT')
    action = fields.Selection([
            ('reveal', "Revealed"),
            ], "Action", required=True, readonly=True)
    reason = fields.Char("Reason", required=True, readonly=True)
    date = fields.DateTime("Date", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def log(cls, action, passengers, reason):
        "Log action on passengers by the current user"
        transaction = Transaction()
        now = dt.datetime.now()
        # The log is written by the system, whoever the user
        with without_check_access():
            cls.create([{
                        'user': transaction.user,
                        'passenger': p.id,
                        'action': action,
                        'reason': reason,
                        'date': now,
                        } for p in passengers])

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('gd_ticketing.msg_identity_log_locked'))


class RevealStart(ModelView):
    __name__ = 'gd.passenger.reveal.start'
    __string__ = "Reveal Identity Number"

    reason = fields.Char(
        "Reason", required=True,
        help="Why the full number is needed; it is logged.")


class RevealShow(ModelView):
    __name__ = 'gd.passenger.reveal.show'
    __string__ = "Identity Number"

    passenger = fields.Many2One('gd.passenger', "Passenger", readonly=True)
    id_number = fields.Char("ID Number", readonly=True)


class Reveal(Wizard):
    "Show the full identity number of a passenger, with a reason, logged"
    __name__ = 'gd.passenger.reveal'
    start = StateView(
        'gd.passenger.reveal.start',
        'gd_ticketing.passenger_reveal_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Reveal", 'show', 'tryton-ok', default=True),
            ])
    show = StateView(
        'gd.passenger.reveal.show',
        'gd_ticketing.passenger_reveal_show_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_show(self, fields):
        numbers = self.model.reveal([self.record], self.start.reason)
        return {
            'passenger': self.record.id,
            'id_number': numbers[self.record.id],
            }

