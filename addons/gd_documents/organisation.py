# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)

from .exceptions import OrganisationError


class NameCodeMixin:
    "Search a record by its name or its code"
    __slots__ = ()

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('code', operator, operand, *extra),
            ]


class City(NameCodeMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.city'
    __string__ = "City"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True, size=6,
        help="The administrative division code of GB/T 2260.")
    stations = fields.One2Many('gd.station', 'city', "Stations")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gd_documents.msg_city_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def validate_fields(cls, cities, field_names):
        super().validate_fields(cities, field_names)
        if not field_names or 'code' in field_names:
            for city in cities:
                city.check_code()

    def check_code(self):
        if not (len(self.code) == 6 and self.code.isdigit()):
            raise OrganisationError(gettext(
                    'gd_documents.msg_city_code_invalid',
                    city=self.rec_name, code=self.code))


class Station(NameCodeMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.station'
    __string__ = "Station"

    name = fields.Char("Name", required=True)
    code = fields.Char(
        "Code", required=True,
        help="The station code used in ticket numbers (JT/T 319).")
    city = fields.Many2One(
        'gd.city', "City", required=True, ondelete='RESTRICT')
    county = fields.Char("County")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gd_documents.msg_station_code_unique'),
            ]
        cls._order.insert(0, ('city', 'ASC'))
        cls._order.insert(1, ('name', 'ASC'))
