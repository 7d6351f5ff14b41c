# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction

from .exceptions import OrganisationError


def check_group(group, message):
    """Raise message (an ir.message id) unless the user of a checked call
    is in the gd_ticketing group (an XML id)"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return
    if ModelData.get_id('gd_ticketing', group) not in User.get_groups():
        raise AccessError(gettext(message))


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    carrier = fields.Many2One(
        'gd.carrier', "Carrier", ondelete='RESTRICT',
        states={
            'invisible': Bool(Eval('city')) | Bool(Eval('station')),
            },
        help="The carrier (bus company) the user works for.")
    _get_gd_carriers_cache = Cache(
        __name__ + '.get_gd_carriers', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['city', 'station']:
            field = getattr(cls, name)
            field.states = field.states.copy()
            field.states['invisible'] = (
                field.states.get('invisible', False)
                | Bool(Eval('carrier')))

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and 'carrier' in field_names:
            for user in users:
                user.check_organisation()

    def check_organisation(self):
        super().check_organisation()
        if self.carrier and (self.city or self.station):
            raise OrganisationError(gettext(
                    'gd_ticketing.msg_user_carrier_and_organisation',
                    user=self.rec_name))

    @classmethod
    def get_gd_carriers(cls):
        "Return the ids of the carriers the current user works for"
        return cls._get_organisation_ids(
            'carrier', cls._get_gd_carriers_cache)

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode in {'write', 'delete'}:
            cls._get_gd_carriers_cache.clear()


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.application.selection.append(
            ('gd_ticketing', "Ticketing API"))
