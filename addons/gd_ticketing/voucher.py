# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The e-ticket: its signed QR token and its voucher (电子客票凭证) as PDF,
with the fields of DOMAIN.md §3"""
import io
import re

import qrcode
import qrcode.image.svg
from genshi.core import Markup

from trytond.i18n import gettext
from trytond.model import fields
from trytond.modules.gd_documents.report import HtmlReport
from trytond.pool import PoolMeta
from trytond.tools import barcode

from . import eticket
from .schedule import utc_to_local


def _inline_svg(output, width_mm):
    "SVG of a BytesIO as markup to inline in HTML, width_mm wide"
    svg = output.getvalue().decode('utf-8')
    svg = svg[svg.index('<svg'):]
    svg = re.sub(r'(<svg[^>]*?)\swidth="[^"]*"', r'\1', svg, count=1)
    svg = re.sub(r'(<svg[^>]*?)\sheight="[^"]*"', r'\1', svg, count=1)
    return Markup(svg.replace('<svg', f'<svg width="{width_mm}mm"', 1))


def _qr_svg(text):
    "The QR code of text as SVG: one path, scaled by its viewBox"
    image = qrcode.make(
        text, image_factory=qrcode.image.svg.SvgPathImage, box_size=6,
        border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    return io.BytesIO(image.to_string(encoding='utf-8'))


class Ticket(metaclass=PoolMeta):
    __name__ = 'gd.ticket'

    qr_token = fields.Function(
        fields.Char(
            "QR Token",
            help="The signed token of the QR code, checked at the gate."),
        'get_qr_token')

    def token_payload(self):
        "What the QR code carries: enough for a gate to check offline"
        departure = utc_to_local(self.departure_time)
        return {
            'n': self.number,
            'r': self.run.id,
            'd': self.run.date.isoformat(),
            't': departure.strftime('%H:%M'),
            'f': self.departure.station.code,
            'a': self.arrival.station.code,
            's': self.seat,
            'p': self.passenger.id_masked,
            }

    def get_qr_token(self, name):
        if self.number and self.state in {'sold', 'used'}:
            return eticket.sign(self.token_payload())


class VoucherReport(HtmlReport):
    "The e-ticket voucher: one page per ticket, in Chinese"
    __name__ = 'gd.ticket.voucher'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['voucher'] = cls.voucher
        return context

    @classmethod
    def voucher(cls, ticket):
        "The lines and codes of the voucher of ticket"
        run = ticket.run
        departure = utc_to_local(ticket.departure_time)
        vehicle = run.vehicle
        value = cls.format_value
        state = dict(ticket.fields_get(['state'])['state']['selection'])
        return {
            'qr': _inline_svg(_qr_svg(ticket.qr_token or ticket.number), 40),
            'code128': _inline_svg(barcode.generate_svg(
                    'code128', ticket.number, height=10, font_size=8,
                    text_distance=4), 80),
            'lines': [
                (gettext('gd_ticketing.msg_voucher_number'), ticket.number),
                (gettext('gd_ticketing.msg_voucher_from'),
                    f'{ticket.departure.station.city.rec_name} '
                    f'{ticket.departure.station.name}'),
                (gettext('gd_ticketing.msg_voucher_to'),
                    ticket.arrival.station.name),
                (gettext('gd_ticketing.msg_voucher_schedule'), run.number),
                (gettext('gd_ticketing.msg_voucher_date'),
                    value(run.date, 'date')),
                (gettext('gd_ticketing.msg_voucher_time'),
                    departure.strftime('%H:%M')),
                (gettext('gd_ticketing.msg_voucher_passenger'),
                    ticket.passenger.name),
                (gettext('gd_ticketing.msg_voucher_id'),
                    ticket.passenger.id_masked),
                (gettext('gd_ticketing.msg_voucher_gate'), run.gate or ''),
                (gettext('gd_ticketing.msg_voucher_bay'), run.bay or ''),
                (gettext('gd_ticketing.msg_voucher_seat'),
                    str(ticket.seat) if ticket.seat
                    else gettext('gd_ticketing.msg_voucher_no_seat')),
                (gettext('gd_ticketing.msg_voucher_fare_type'),
                    ticket.fare_type.rec_name),
                (gettext('gd_ticketing.msg_voucher_plate'),
                    vehicle.plate if vehicle else ''),
                (gettext('gd_ticketing.msg_voucher_vehicle_type'),
                    vehicle.vehicle_type.rec_name
                    if vehicle and vehicle.vehicle_type else ''),
                (gettext('gd_ticketing.msg_voucher_price'),
                    value(float(ticket.price or 0), 'number')),
                (gettext('gd_ticketing.msg_voucher_price_cap'),
                    value(float(ticket.price_cap or 0), 'number')),
                (gettext('gd_ticketing.msg_voucher_insurance'),
                    gettext('gd_ticketing.msg_voucher_insurance_text')),
                (gettext('gd_ticketing.msg_voucher_state'),
                    state.get(ticket.state, ticket.state)),
                ],
            'title': gettext('gd_ticketing.msg_voucher_title'),
            'validity': gettext('gd_ticketing.msg_voucher_validity',
                date=value(run.date, 'date'), schedule=run.number),
            }
