# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The code sets of networked ticketing (JT/T 979.2): route types, seat
types, schedule types, fare types, vehicle types and grades, kept as data"""
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)

CATEGORIES = [
    ('route_type', "Route Type"),
    ('seat_type', "Seat Type"),
    ('schedule_type', "Schedule Type"),
    ('fare_type', "Fare Type"),
    ('vehicle_type', "Vehicle Type"),
    ('vehicle_grade', "Vehicle Grade"),
    ]


def code_field(category, string, **kwargs):
    "A Many2One to the codes of category"
    return fields.Many2One(
        'gd.ticketing.code', string, ondelete='RESTRICT',
        domain=[('category', '=', category)], **kwargs)


class Code(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.ticketing.code'
    __string__ = "Ticketing Code"

    category = fields.Selection(
        CATEGORIES, "Category", required=True, sort=False)
    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('category_code_unique', Unique(t, t.category, t.code),
                'gd_ticketing.msg_code_unique'),
            ]
        cls._order.insert(0, ('category', 'ASC'))

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
