# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import OrganisationError


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    city = fields.Many2One(
        'gd.city', "City", ondelete='RESTRICT',
        states={
            'invisible': Bool(Eval('station')),
            },
        help="The city whose transport bureau the user works for.")
    station = fields.Many2One(
        'gd.station', "Station", ondelete='RESTRICT',
        domain=[
            If(Bool(Eval('city')),
                ('city', '=', Eval('city', -1)),
                ()),
            ],
        states={
            'invisible': Bool(Eval('city')),
            },
        help="The passenger station the user works for.")
    _get_gd_cities_cache = Cache(
        __name__ + '.get_gd_cities', context=False)
    _get_gd_stations_cache = Cache(
        __name__ + '.get_gd_stations', context=False)

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if not field_names or field_names & {'city', 'station'}:
            for user in users:
                user.check_organisation()

    def check_organisation(self):
        if self.city and self.station:
            raise OrganisationError(gettext(
                    'gd_documents.msg_user_city_and_station',
                    user=self.rec_name))

    @classmethod
    def get_gd_cities(cls):
        "Return the ids of the cities the current user works for"
        return cls._get_organisation_ids('city', cls._get_gd_cities_cache)

    @classmethod
    def get_gd_stations(cls):
        "Return the ids of the stations the current user works for"
        return cls._get_organisation_ids(
            'station', cls._get_gd_stations_cache)

    @classmethod
    def _get_organisation_ids(cls, field_name, cache):
        user_id = Transaction().user
        ids = cache.get(user_id)
        if ids is not None:
            return ids
        organisation = getattr(cls(user_id), field_name)
        ids = (organisation.id,) if organisation else ()
        return cache.set(user_id, ids)

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode in {'write', 'delete'}:
            cls._get_gd_cities_cache.clear()
            cls._get_gd_stations_cache.clear()

    @classmethod
    def default_language(cls):
        "Chinese is the language of new users where it is loaded"
        pool = Pool()
        Lang = pool.get('ir.lang')
        langs = Lang.search([
                ('code', '=', 'zh_CN'),
                ('translatable', '=', True),
                ], limit=1)
        if langs:
            lang, = langs
            return lang.id
