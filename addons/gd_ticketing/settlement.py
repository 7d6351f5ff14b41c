# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Carrier settlement (承运结算): a station's statement to a carrier for a
period, built from the departed waybills of the carrier's runs; confirming
it settles the waybills, all or none"""
import datetime as dt
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.gd_documents import style
from trytond.modules.gd_documents.report import XlsxReport
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import RunAccessError, SettlementError
from .waybill import _strings

TOTALS = ['headcount', 'fares', 'fees', 'amount_due']


class Settlement(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.settlement'
    __string__ = "Carrier Settlement"
    _rec_name = 'number'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, ondelete='RESTRICT',
        states=_states)
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='RESTRICT',
        states=_states,
        help="The station that settles with the carrier: its waybills.")
    date_from = fields.Date(
        "From Date", required=True, states=_states,
        domain=[If(Eval('date_to') & Eval('date_from'),
                ('date_from', '<=', Eval('date_to')),
                ())])
    date_to = fields.Date("To Date", required=True, states=_states)
    lines = fields.One2Many(
        'gd.settlement.line', 'settlement', "Waybills", states=_states)
    headcount = fields.Function(
        fields.Integer("Headcount"), 'get_totals')
    fares = fields.Function(
        fields.Numeric("Fares", digits=(16, 2)), 'get_totals')
    fees = fields.Function(
        fields.Numeric("Station Fees", digits=(16, 2)), 'get_totals')
    amount_due = fields.Function(
        fields.Numeric("Amount Due to Carrier", digits=(16, 2)),
        'get_totals')
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed By", readonly=True, ondelete='RESTRICT')
    confirmed_at = fields.DateTime("Confirmed At", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'gd_ticketing.msg_settlement_number_unique'),
            ]
        cls._order = [('date_to', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'fill': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_station(cls):
        User = Pool().get('res.user')
        stations = User.get_gd_stations()
        if stations:
            return stations[0]

    @classmethod
    def get_totals(cls, settlements, names):
        result = {n: {} for n in names}
        for settlement in settlements:
            for name in names:
                zero = 0 if name == 'headcount' else Decimal(0)
                result[name][settlement.id] = sum(
                    (getattr(line.waybill, name) for line in settlement.lines),
                    zero)
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Sequence = pool.get('ir.sequence')
        ModelData = pool.get('ir.model.data')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and not values.get('number'):
            # The system numbers the settlements
            with without_check_access():
                values['number'] = Sequence(ModelData.get_id(
                        'gd_ticketing', 'sequence_settlement')).get()
        return values

    @classmethod
    def check_modification(
            cls, mode, settlements, values=None, external=False):
        super().check_modification(
            mode, settlements, values=values, external=external)
        if mode == 'write' and external and (
                values.keys() & {'state', 'number', 'confirmed_by',
                    'confirmed_at'}):
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_settlement_by_button'))
        if mode == 'create' and external:
            for settlement in settlements:
                if (settlement.state != 'draft' or settlement.confirmed_by
                        or settlement.confirmed_at):
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_settlement_by_button'))
        if mode in {'write', 'delete'}:
            for settlement in settlements:
                if settlement.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_settlement_modify_draft',
                            settlement=settlement.rec_name))

    @classmethod
    def copy(cls, settlements, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number', None)
        default.setdefault('lines', None)
        default.setdefault('confirmed_by', None)
        default.setdefault('confirmed_at', None)
        return super().copy(settlements, default=default)

    def find_waybills(self):
        """The departed waybills of the carrier's runs at the station in
        the period"""
        Waybill = Pool().get('gd.waybill')
        return Waybill.search([
                ('carrier', '=', self.carrier.id),
                ('station', '=', self.station.id),
                ('date', '>=', self.date_from),
                ('date', '<=', self.date_to),
                ('state', '=', 'departed'),
                ], order=[('date', 'ASC'), ('id', 'ASC')])

    @classmethod
    @ModelView.button
    def fill(cls, settlements):
        "Put the departed waybills of the period on the draft settlements"
        Line = Pool().get('gd.settlement.line')
        for settlement in settlements:
            if settlement.state != 'draft':
                raise SettlementError(gettext(
                        'gd_ticketing.msg_settlement_modify_draft',
                        settlement=settlement.rec_name))
        Line.delete([line for s in settlements for line in s.lines])
        Line.create([{
                    'settlement': settlement.id,
                    'waybill': waybill.id,
                    }
                for settlement in settlements
                for waybill in settlement.find_waybills()])

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, settlements):
        """Confirm the settlements: their waybills become settled, all or
        none"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        User = pool.get('res.user')
        transaction = Transaction()
        seen = {}
        for settlement in settlements:
            settlement.check_lines()
            for line in settlement.lines:
                other = seen.setdefault(line.waybill, settlement)
                if other != settlement:
                    raise SettlementError(gettext(
                            'gd_ticketing.msg_settlement_waybill_twice',
                            settlement=f'{other.rec_name}、'
                            f'{settlement.rec_name}',
                            waybill=line.waybill.rec_name))
        user = transaction.user or None
        # Every check first, then the writes: a refusal changes nothing
        Waybill.lock([line.waybill for s in settlements for line in s.lines])
        for settlement in settlements:
            Waybill.check_settle(
                Waybill.browse([line.waybill for line in settlement.lines]),
                settlement)
        for settlement in settlements:
            Waybill.settle(
                [line.waybill for line in settlement.lines], settlement)
        cls.write(settlements, {
                'confirmed_by': User(user).id if user else None,
                'confirmed_at': dt.datetime.now(),
                })

    def check_lines(self):
        "The settlement has waybills of its carrier, station and period"
        if not self.lines:
            raise SettlementError(gettext(
                    'gd_ticketing.msg_settlement_empty',
                    settlement=self.rec_name))
        seen = set()
        for line in self.lines:
            waybill = line.waybill
            if waybill.id in seen:
                raise SettlementError(gettext(
                        'gd_ticketing.msg_settlement_waybill_twice',
                        settlement=self.rec_name, waybill=waybill.rec_name))
            seen.add(waybill.id)
            if (waybill.station != self.station
                    or not (self.date_from <= waybill.date <= self.date_to)):
                raise SettlementError(gettext(
                        'gd_ticketing.msg_settlement_waybill_outside',
                        settlement=self.rec_name, waybill=waybill.rec_name,
                        station=self.station.rec_name,
                        date_from=self.date_from.isoformat(),
                        date_to=self.date_to.isoformat()))

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, settlements):
        pass


class SettlementLine(ModelSQL, ModelView):
    "A waybill on a carrier settlement"
    __name__ = 'gd.settlement.line'
    __string__ = "Carrier Settlement Line"
    __access__ = {'settlement'}

    settlement = fields.Many2One(
        'gd.settlement', "Settlement", required=True, ondelete='CASCADE')
    waybill = fields.Many2One(
        'gd.waybill', "Waybill", required=True, ondelete='RESTRICT',
        domain=[
            ('state', 'in', ['departed', 'settled']),
            ('carrier', '=', Eval('_parent_settlement.carrier', -1)),
            ])
    date = fields.Function(fields.Date("Date"), 'get_waybill_value')
    schedule_number = fields.Function(
        fields.Char("Schedule Number"), 'get_waybill_value')
    plate = fields.Function(fields.Char("Plate"), 'get_waybill_value')
    headcount = fields.Function(
        fields.Integer("Headcount"), 'get_waybill_value')
    fares = fields.Function(
        fields.Numeric("Fares", digits=(16, 2)), 'get_waybill_value')
    fees = fields.Function(
        fields.Numeric("Station Fees", digits=(16, 2)), 'get_waybill_value')
    amount_due = fields.Function(
        fields.Numeric("Amount Due to Carrier", digits=(16, 2)),
        'get_waybill_value')
    waybill_state = fields.Function(
        fields.Selection('get_waybill_states', "Waybill State"),
        'get_waybill_value')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('settlement_waybill_unique',
                Unique(t, t.settlement, t.waybill),
                'gd_ticketing.msg_settlement_line_unique'),
            ]
        cls._order = [('settlement', 'ASC'), ('id', 'ASC')]

    @classmethod
    def get_waybill_states(cls):
        Waybill = Pool().get('gd.waybill')
        return Waybill.fields_get(['state'])['state']['selection']

    def get_waybill_value(self, name):
        if name == 'waybill_state':
            return self.waybill.state
        return getattr(self.waybill, name)

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'create', 'write', 'delete'}:
            for line in lines:
                if line.settlement.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_settlement_modify_draft',
                            settlement=line.settlement.rec_name))


class SettlementReport(XlsxReport):
    "The settlement statement as XLSX: a row per waybill and the totals"
    __name__ = 'gd.settlement.report'

    @classmethod
    def get_content(cls, records, data):
        settlement, = records
        labels = _strings('gd.settlement', [
                'carrier', 'station', 'date_from', 'date_to', 'state',
                'confirmed_by', 'confirmed_at'])
        waybill = _strings('gd.waybill', [
                'number', 'date', 'schedule_number', 'route_name', 'plate',
                'headcount', 'fares', 'fee_rate', 'fees', 'amount_due'])
        states = dict(settlement.fields_get(['state'])['state']['selection'])
        rows = []
        for i, line in enumerate(settlement.lines, 1):
            w = line.waybill
            rows.append([i, w.number, w.date, w.schedule_number,
                    w.route_name or '', w.plate or '', w.headcount,
                    float(w.fares), float(w.fee_rate) / 100, float(w.fees),
                    float(w.amount_due)])
        return style.Content(
            title=gettext('gd_ticketing.msg_settlement_title'),
            number=settlement.number or '',
            sheet=gettext('gd_ticketing.msg_settlement_sheet'),
            subtitle=gettext('gd_ticketing.msg_settlement_subtitle',
                carrier=settlement.carrier.name,
                station=settlement.station.name,
                date_from=settlement.date_from.isoformat(),
                date_to=settlement.date_to.isoformat()),
            blocks=[
                style.KeyValues([
                        (labels['carrier'], settlement.carrier.name),
                        (labels['station'], settlement.station.name),
                        (labels['date_from'],
                            settlement.date_from.isoformat()),
                        (labels['date_to'], settlement.date_to.isoformat()),
                        (labels['state'], states[settlement.state]),
                        (labels['confirmed_by'],
                            settlement.confirmed_by.name
                            if settlement.confirmed_by else ''),
                        ]),
                style.Table(
                    columns=[
                        style.Column(gettext('gd_documents.msg_report_row'),
                            6, 'integer'),
                        style.Column(waybill['number'], 24),
                        style.Column(waybill['date'], 12, 'date'),
                        style.Column(waybill['schedule_number'], 10),
                        style.Column(waybill['route_name'], 18),
                        style.Column(waybill['plate'], 12),
                        style.Column(waybill['headcount'], 8, 'integer'),
                        style.Column(waybill['fares'], 12, 'number'),
                        style.Column(waybill['fee_rate'], 10, 'percent'),
                        style.Column(waybill['fees'], 12, 'number'),
                        style.Column(waybill['amount_due'], 14, 'number'),
                        ],
                    rows=rows,
                    totals=[None, gettext('gd_ticketing.msg_waybill_total'),
                        None, None, None, None, settlement.headcount,
                        float(settlement.fares), None,
                        float(settlement.fees),
                        float(settlement.amount_due)]),
                ])
