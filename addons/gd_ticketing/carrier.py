# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Carriers (客运企业), their vehicles and their drivers"""
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.modules.gd_documents.organisation import NameCodeMixin

from .code import code_field
from .exceptions import ScheduleError


class Carrier(NameCodeMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.carrier'
    __string__ = "Carrier"

    name = fields.Char("Name", required=True)
    code = fields.Char("Code", required=True)
    licence_number = fields.Char(
        "Licence Number",
        help="The number of the road transport operating licence.")
    phone = fields.Char("Phone")
    address = fields.Text("Address")
    vehicles = fields.One2Many('gd.vehicle', 'carrier', "Vehicles")
    drivers = fields.One2Many('gd.driver', 'carrier', "Drivers")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gd_ticketing.msg_carrier_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))


class Vehicle(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.vehicle'
    __string__ = "Vehicle"
    _rec_name = 'plate'

    plate = fields.Char("Plate", required=True)
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, ondelete='RESTRICT')
    seats = fields.Integer(
        "Seats", required=True,
        help="The approved number of passenger seats.")
    vehicle_type = code_field('vehicle_type', "Vehicle Type")
    grade = code_field('vehicle_grade', "Grade")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plate_unique', Unique(t, t.plate),
                'gd_ticketing.msg_vehicle_plate_unique'),
            ]
        cls._order.insert(0, ('plate', 'ASC'))

    @classmethod
    def validate_fields(cls, vehicles, field_names):
        super().validate_fields(vehicles, field_names)
        if not field_names or 'seats' in field_names:
            for vehicle in vehicles:
                if vehicle.seats is None or vehicle.seats <= 0:
                    raise ScheduleError(gettext(
                            'gd_ticketing.msg_vehicle_seats_positive',
                            vehicle=vehicle.rec_name))


class Driver(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.driver'
    __string__ = "Driver"

    name = fields.Char("Name", required=True)
    certificate = fields.Char(
        "Qualification Certificate", required=True,
        help="The number of the driver's qualification certificate "
        "(从业资格证).")
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, ondelete='RESTRICT')
    phone = fields.Char("Phone")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('certificate_unique', Unique(t, t.certificate),
                'gd_ticketing.msg_driver_certificate_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('name', operator, operand, *extra),
            ('certificate', operator, operand, *extra),
            ]
