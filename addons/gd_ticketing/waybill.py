# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The electronic waybill (电子路单) of a run: produced when the gate closes
the boarding check (停止检票), from the tickets checked on the run, with the
headcount by destination and fare type, the fares, the station fees and the
amount due to the carrier (DOMAIN.md §3)

A waybill is a document: what it says is copied at its generation, sealed
by a SHA-256 hash of its content, completed with the departure inspection
when the run departs, and locked once a settlement (承运结算) settles it."""
import datetime as dt
import hashlib
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sql import For
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.gd_documents import style
from trytond.modules.gd_documents.report import PdfReport
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import RunAccessError, WaybillError
from .schedule import format_local

CENT = Decimal('0.01')
INSPECTION_RESULTS = [
    (None, ""),
    ('passed', "Passed"),
    ]


def quantize(amount):
    return Decimal(amount or 0).quantize(CENT, rounding=ROUND_HALF_UP)


class Waybill(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.waybill'
    __string__ = "Waybill"
    _rec_name = 'number'

    number = fields.Char(
        "Number", required=True, readonly=True,
        help="The station's code, the gate and the station's serial.")
    station = fields.Many2One(
        'gd.station', "Station", required=True, readonly=True,
        ondelete='RESTRICT', help="The station whose gate checked the run.")
    gate = fields.Char("Check Gate", readonly=True)
    date = fields.Date("Date", required=True, readonly=True)
    run = fields.Many2One(
        'gd.run', "Run", required=True, readonly=True, ondelete='RESTRICT')
    schedule_number = fields.Char(
        "Schedule Number", required=True, readonly=True)
    departure = fields.DateTime("Departure", readonly=True)
    route = fields.Many2One(
        'gd.route', "Route", required=True, readonly=True,
        ondelete='RESTRICT')
    route_name = fields.Char("Route Name", readonly=True)
    plate = fields.Char("Plate", readonly=True)
    approved_seats = fields.Integer(
        "Approved Seats", readonly=True,
        help="The approved passenger seats of the vehicle (核定载客).")
    driver_name = fields.Char("Driver", readonly=True)
    driver_certificate = fields.Char(
        "Qualification Certificate", readonly=True,
        help="The number of the driver's qualification certificate.")
    carrier = fields.Many2One(
        'gd.carrier', "Carrier", required=True, readonly=True,
        ondelete='RESTRICT')
    carrier_name = fields.Char("Carrier Name", readonly=True)
    lines = fields.One2Many(
        'gd.waybill.line', 'waybill', "Lines", readonly=True)
    headcount = fields.Integer("Headcount", required=True, readonly=True)
    fares = fields.Numeric(
        "Fares", digits=(16, 2), required=True, readonly=True)
    fee_rate = fields.Numeric(
        "Station Fee Rate (%)", digits=(5, 2), required=True, readonly=True)
    fees = fields.Numeric(
        "Station Fees", digits=(16, 2), required=True, readonly=True)
    amount_due = fields.Numeric(
        "Amount Due to Carrier", digits=(16, 2), required=True,
        readonly=True, help="The fares less the station fees.")
    checker = fields.Many2One(
        'res.user', "Checker", readonly=True, ondelete='RESTRICT',
        help="Who closed the boarding check.")
    checker_name = fields.Char("Checker Name", readonly=True)
    closed_at = fields.DateTime("Check Closed At", readonly=True)
    inspection = fields.Many2One(
        'gd.run.inspection', "Departure Inspection", readonly=True,
        ondelete='RESTRICT')
    inspection_result = fields.Selection(
        INSPECTION_RESULTS, "Inspection Result", readonly=True, sort=False,
        help="The result of the departure inspection (出站稽查), recorded "
        "when the run departs.")
    inspector_name = fields.Char("Inspector", readonly=True)
    inspected_at = fields.DateTime("Inspected At", readonly=True)
    departed_at = fields.DateTime("Departed At", readonly=True)
    content_hash = fields.Char(
        "Content Hash", readonly=True,
        help="SHA-256 of the waybill's content, sealed at its generation "
        "and at the departure.")
    hash_verified = fields.Function(
        fields.Boolean(
            "Hash Verified",
            help="The content still has the hash it was sealed with."),
        'get_hash_verified')
    void_reason = fields.Char(
        "Void Reason",
        states={
            'readonly': ~Eval('state').in_(['generated', 'departed']),
            'required': Eval('state') == 'void',
            })
    settlement = fields.Many2One(
        'gd.settlement', "Settlement", readonly=True, ondelete='RESTRICT',
        help="The carrier settlement that settled the waybill.")
    state = fields.Selection([
            ('generated', "Generated"),
            ('departed', "Departed"),
            ('settled', "Settled"),
            ('void', "Void"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'gd_ticketing.msg_waybill_number_unique'),
            # One waybill of a run, a void one aside
            ('run_unique',
                Exclude(t, (t.run, Equal), where=t.state != 'void'),
                'gd_ticketing.msg_waybill_run_unique'),
            ]
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('generated', 'departed'),
            ('departed', 'settled'),
            ('generated', 'void'),
            ('departed', 'void'),
            }
        cls._buttons.update({
                'void': {
                    'invisible': ~Eval('state').in_(
                        ['generated', 'departed']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'generated'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'void', 'muted',
                    If(Eval('state') == 'settled', 'success', ''))),
            ]

    # The content and its hash

    def content(self):
        "The content of the waybill, as plain values, for its hash"
        def iso(value):
            return value.isoformat() if value else None
        return {
            'number': self.number,
            'station': self.station.code,
            'gate': self.gate,
            'date': iso(self.date),
            'run': self.run.id,
            'schedule': self.schedule_number,
            'departure': iso(self.departure),
            'route': self.route.code,
            'route_name': self.route_name,
            'plate': self.plate,
            'approved_seats': self.approved_seats,
            'driver': self.driver_name,
            'certificate': self.driver_certificate,
            'carrier': self.carrier.code,
            'carrier_name': self.carrier_name,
            'lines': [[
                    line.destination.code, line.fare_type.code,
                    line.headcount, str(quantize(line.fares))]
                for line in sorted(
                    self.lines, key=lambda line: (
                        line.destination.code, line.fare_type.code))],
            'headcount': self.headcount,
            'fares': str(quantize(self.fares)),
            'fee_rate': str(quantize(self.fee_rate)),
            'fees': str(quantize(self.fees)),
            'amount_due': str(quantize(self.amount_due)),
            'checker': self.checker_name,
            'closed_at': iso(self.closed_at),
            'inspection_result': self.inspection_result,
            'inspector': self.inspector_name,
            'inspected_at': iso(self.inspected_at),
            'departed_at': iso(self.departed_at),
            }

    def compute_hash(self):
        "SHA-256 of the canonical JSON of the content"
        text = json.dumps(
            self.content(), sort_keys=True, ensure_ascii=False,
            separators=(',', ':'))
        return hashlib.sha256(text.encode('utf-8')).hexdigest()

    def get_hash_verified(self, name):
        return bool(self.content_hash) and (
            self.content_hash == self.compute_hash())

    @classmethod
    def seal(cls, waybills):
        "Write the hash of the content of the waybills"
        for waybill in cls.browse(waybills):
            with without_check_access():
                cls.write([waybill], {'content_hash': waybill.compute_hash()})

    # Generation

    @classmethod
    def generate(cls, runs):
        """Close the boarding check of the runs: create their waybills from
        the tickets checked on them; return the waybills"""
        pool = Pool()
        Run = pool.get('gd.run')
        Section = pool.get('gd.run.seat.section')
        Configuration = pool.get('gd.ticketing.configuration')
        User = pool.get('res.user')
        transaction = Transaction()
        user = User(transaction.user) if transaction.user else None
        rate = Configuration(1).station_fee_rate
        if rate is None:
            rate = Configuration.default_station_fee_rate()
        at = dt.datetime.now()
        waybills = []
        for run in runs:
            # Serialized with the checks of the run (Check.check_ticket)
            Section._lock_run(run)
            run = Run(run.id)
            if run.state not in {'open', 'departed'}:
                state = dict(run.fields_get(['state'])['state']['selection'])
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_run_state',
                        run=run.rec_name, state=state[run.state]))
            existing = run.get_active_waybill()
            if existing:
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_run_twice',
                        run=run.rec_name, waybill=existing.number))
            values = cls.get_values(run, rate)
            values.update({
                    'checker': user.id if user else None,
                    'checker_name': user.name if user else None,
                    'closed_at': at,
                    'state': 'generated',
                    })
            # The system writes the waybill of the run the user may close
            with without_check_access():
                waybill, = cls.create([values])
            cls.seal([waybill])
            waybills.append(waybill)
        departed = [w for w in waybills if w.run.state == 'departed']
        if departed:
            # The run departed before its check closed: the system records
            # the departure on the waybill
            with without_check_access():
                cls.depart(departed)
        return cls.browse(waybills)

    @classmethod
    def checked_tickets(cls, run):
        "The tickets that boarded run: passed or late checks"
        Check = Pool().get('gd.ticket.check')
        with without_check_access():
            checks = Check.search([
                    ('run', '=', run.id),
                    ('result', 'in', ['passed', 'late']),
                    ('ticket', '!=', None),
                    ])
            tickets = {c.ticket.id: c.ticket for c in checks}
        return sorted(tickets.values(), key=lambda t: t.id)

    @classmethod
    def get_values(cls, run, rate):
        "The values of the waybill of run, at the station fee rate (%)"
        groups = defaultdict(lambda: [0, Decimal(0)])
        tickets = cls.checked_tickets(run)
        for ticket in tickets:
            group = groups[
                (ticket.arrival.station.id, ticket.fare_type.id)]
            group[0] += 1
            group[1] += ticket.price or Decimal(0)
        fares = quantize(sum((g[1] for g in groups.values()), Decimal(0)))
        fees = quantize(fares * Decimal(rate) / 100)
        vehicle, driver = run.vehicle, run.driver
        return {
            'number': cls.get_number(run),
            'station': run.origin_station.id,
            'gate': run.gate,
            'date': run.date,
            'run': run.id,
            'schedule_number': run.schedule.number,
            'departure': run.departure,
            'route': run.route.id,
            'route_name': run.route.name,
            'plate': vehicle.plate if vehicle else None,
            'approved_seats': vehicle.seats if vehicle else run.seats,
            'driver_name': driver.name if driver else None,
            'driver_certificate': driver.certificate if driver else None,
            'carrier': run.carrier.id,
            'carrier_name': run.carrier.name,
            'lines': [('create', [{
                            'destination': destination,
                            'fare_type': fare_type,
                            'headcount': count,
                            'fares': quantize(amount),
                            } for (destination, fare_type), (count, amount)
                        in sorted(groups.items())])],
            'headcount': len(tickets),
            'fares': fares,
            'fee_rate': quantize(rate),
            'fees': fees,
            'amount_due': fares - fees,
            }

    @classmethod
    def get_number(cls, run):
        """A new number: the code of the station, the gate and the station's
        serial of waybills"""
        Sequence = Pool().get('ir.sequence')
        station = run.origin_station
        sequence = station.get_waybill_sequence()
        with without_check_access():
            serial = Sequence(sequence.id).get()
        return f'{station.code}-{run.gate or "0"}-{serial}'

    # Workflow

    @classmethod
    def check_modification(
            cls, mode, waybills, values=None, external=False):
        super().check_modification(
            mode, waybills, values=values, external=external)
        if mode == 'delete':
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_waybill_delete'))
        if mode == 'create' and external:
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_waybill_by_close'))
        if mode == 'write':
            for waybill in waybills:
                if waybill.state in {'settled', 'void'}:
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_waybill_locked',
                            waybill=waybill.rec_name,
                            state=waybill.state_string))
            if external and set(values) - {'void_reason'}:
                raise RunAccessError(gettext(
                        'gd_ticketing.msg_waybill_by_close'))

    @property
    def state_string(self):
        states = dict(self.fields_get(['state'])['state']['selection'])
        return states[self.state]

    @classmethod
    @Workflow.transition('departed')
    def depart(cls, waybills):
        """The run departed: record its passed departure inspection and
        seal the content again"""
        at = dt.datetime.now()
        for waybill in waybills:
            passed = [
                i for i in waybill.run.inspections if i.state == 'passed']
            inspection = passed[0] if passed else None
            with without_check_access():
                cls.write([waybill], {
                        'inspection': inspection.id if inspection else None,
                        'inspection_result': (
                            'passed' if inspection else None),
                        'inspector_name': (
                            inspection.inspector.name
                            if inspection and inspection.inspector else None),
                        'inspected_at': (
                            inspection.inspected_at if inspection else None),
                        'departed_at': at,
                        })
        cls.seal(waybills)

    @classmethod
    @ModelView.button
    @Workflow.transition('void')
    def void(cls, waybills):
        "Void the waybills, with the reason given on them"
        for waybill in waybills:
            if not (waybill.void_reason or '').strip():
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_void_reason',
                        waybill=waybill.rec_name))

    @classmethod
    def check_settle(cls, waybills, settlement):
        """Raise unless each waybill may be settled by settlement: departed,
        of its carrier, not settled by another settlement"""
        for waybill in waybills:
            if waybill.state == 'settled' or waybill.settlement:
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_settled_twice',
                        waybill=waybill.rec_name,
                        settlement=waybill.settlement.rec_name
                        if waybill.settlement else '',
                        current=settlement.rec_name))
            if waybill.state != 'departed':
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_settle_state',
                        waybill=waybill.rec_name,
                        state=waybill.state_string,
                        current=settlement.rec_name))
            if waybill.carrier != settlement.carrier:
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_settle_carrier',
                        waybill=waybill.rec_name,
                        carrier=waybill.carrier.rec_name,
                        current=settlement.rec_name))

    @classmethod
    def lock(cls, waybills):
        "Lock the rows of the waybills until the end of the transaction"
        transaction = Transaction()
        if not transaction.database.has_select_for():
            return
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        for waybill_id in sorted(w.id for w in waybills):
            query = table.select(table.id, where=table.id == waybill_id)
            query.for_ = For('UPDATE')
            cursor.execute(*query)

    @classmethod
    def settle(cls, waybills, settlement):
        """Settle the departed waybills by settlement, all or none; only
        a settlement calls it"""
        cls.lock(waybills)
        waybills = cls.browse(waybills)
        # Checked here: the transition would skip the others silently
        cls.check_settle(waybills, settlement)
        with without_check_access():
            cls._settle(waybills, settlement)

    @classmethod
    @Workflow.transition('settled')
    def _settle(cls, waybills, settlement):
        cls.write(waybills, {'settlement': settlement.id})


class WaybillLine(ModelSQL, ModelView):
    "The headcount and fares of a waybill for a destination and fare type"
    __name__ = 'gd.waybill.line'
    __string__ = "Waybill Line"
    __access__ = {'waybill'}

    waybill = fields.Many2One(
        'gd.waybill', "Waybill", required=True, ondelete='CASCADE',
        readonly=True)
    destination = fields.Many2One(
        'gd.station', "Destination", required=True, readonly=True,
        ondelete='RESTRICT')
    fare_type = fields.Many2One(
        'gd.ticketing.code', "Fare Type", required=True, readonly=True,
        ondelete='RESTRICT')
    headcount = fields.Integer("Headcount", required=True, readonly=True)
    fares = fields.Numeric(
        "Fares", digits=(16, 2), required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('waybill', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            raise RunAccessError(gettext('gd_ticketing.msg_waybill_by_close'))
        if mode in {'write', 'delete'}:
            for line in lines:
                if line.waybill.state in {'settled', 'void'}:
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_waybill_locked',
                            waybill=line.waybill.rec_name,
                            state=line.waybill.state_string))


class Run(metaclass=PoolMeta):
    __name__ = 'gd.run'

    waybills = fields.One2Many(
        'gd.waybill', 'run', "Waybills", readonly=True)
    waybill = fields.Function(
        fields.Many2One(
            'gd.waybill', "Waybill",
            help="The waybill of the run, once its check is closed."),
        'get_waybill')
    check_closed = fields.Function(
        fields.Boolean("Check Closed"), 'get_waybill')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'close_check': {
                    'invisible': ~Eval('state').in_(['open', 'departed']),
                    'depends': ['state'],
                    },
                'reopen_check': {
                    'invisible': (Eval('state') != 'open')
                    | ~Eval('check_closed'),
                    'depends': ['state', 'check_closed'],
                    },
                })

    def get_active_waybill(self):
        Waybill = Pool().get('gd.waybill')
        with without_check_access():
            waybills = Waybill.search([
                    ('run', '=', self.id),
                    ('state', '!=', 'void'),
                    ], limit=1)
        return waybills[0] if waybills else None

    def get_waybill(self, name):
        waybill = self.get_active_waybill()
        if name == 'check_closed':
            return bool(waybill)
        return waybill.id if waybill else None

    @classmethod
    @ModelView.button
    def close_check(cls, runs):
        "Stop the boarding check (停止检票) and generate the waybills"
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        Waybill.generate(runs)

    @classmethod
    @ModelView.button
    def reopen_check(cls, runs):
        "Reopen the boarding check of open runs: their waybills are void"
        Waybill = Pool().get('gd.waybill')
        waybills = []
        for run in runs:
            waybill = run.get_active_waybill()
            if run.state != 'open' or not waybill:
                raise WaybillError(gettext(
                        'gd_ticketing.msg_waybill_reopen',
                        run=run.rec_name))
            waybills.append(waybill)
        with without_check_access():
            Waybill.write(waybills, {
                    'void_reason': gettext(
                        'gd_ticketing.msg_waybill_reopened'),
                    })
        Waybill.void(waybills)

    @classmethod
    def depart(cls, runs):
        """A run that departs closes its check: the waybill records the
        passed departure inspection"""
        pool = Pool()
        Waybill = pool.get('gd.waybill')
        super().depart(runs)
        to_close, to_depart = [], []
        for run in cls.browse(runs):
            waybill = run.get_active_waybill()
            if not waybill:
                to_close.append(run)
            elif waybill.state == 'generated':
                to_depart.append(waybill)
        # The user may depart the runs (the button's groups and rules were
        # checked): the system writes their waybills
        with without_check_access():
            if to_depart:
                Waybill.depart(to_depart)
            if to_close:
                Waybill.generate(to_close)


class Check(metaclass=PoolMeta):
    __name__ = 'gd.ticket.check'

    @classmethod
    def check_ticket(cls, run, gate=None, token=None, id_type='resident',
            id_number=None, at=None):
        pool = Pool()
        Run = pool.get('gd.run')
        Section = pool.get('gd.run.seat.section')
        # Serialized with the closing of the check (Waybill.generate): a
        # check is recorded before the waybill is made or refused after it
        Section._lock_run(Run(int(run)))
        return super().check_ticket(
            run, gate=gate, token=token, id_type=id_type,
            id_number=id_number, at=at)

    @classmethod
    def _ticket_refusal(cls, ticket, run):
        waybill = run.get_active_waybill()
        if waybill:
            return gettext(
                'gd_ticketing.msg_check_closed', run=run.rec_name,
                waybill=waybill.number)
        return super()._ticket_refusal(ticket, run)


class Station(metaclass=PoolMeta):
    __name__ = 'gd.station'

    waybill_sequence = fields.Many2One(
        'ir.sequence', "Waybill Sequence", readonly=True,
        ondelete='RESTRICT',
        help="The serial of the station's waybills, created with its "
        "first waybill.")

    def get_waybill_sequence(self):
        "The station's sequence of waybills, created when missing"
        return self.get_sequence(
            'waybill_sequence', 'sequence_type_waybill', 6)


class Configuration(metaclass=PoolMeta):
    __name__ = 'gd.ticketing.configuration'

    station_fee_rate = fields.Numeric(
        "Station Fee Rate (%)", digits=(5, 2), required=True,
        domain=[
            ('station_fee_rate', '>=', 0),
            ('station_fee_rate', '<=', 100),
            ],
        help="The station fees (站务费) kept by the station, as a percentage "
        "of the fares of a waybill; stored on each waybill when it is "
        "generated.")

    @classmethod
    def default_station_fee_rate(cls):
        return Decimal(10)


def _strings(model_name, names):
    "The labels of the fields of model_name in the reader's language"
    Model = Pool().get(model_name)
    return {n: d['string'] for n, d in Model.fields_get(names).items()}


class WaybillReport(PdfReport):
    "The waybill as PDF, in the house style"
    __name__ = 'gd.waybill.report'

    @classmethod
    def get_content(cls, records, data):
        waybill, = records
        labels = _strings('gd.waybill', [
                'number', 'station', 'gate', 'date', 'schedule_number',
                'departure', 'route', 'plate', 'approved_seats',
                'driver_name', 'driver_certificate', 'carrier', 'headcount',
                'fares', 'fee_rate', 'fees', 'amount_due', 'checker',
                'closed_at', 'inspection_result', 'inspector_name',
                'inspected_at', 'state', 'content_hash', 'void_reason'])
        line_labels = _strings('gd.waybill.line', [
                'destination', 'fare_type', 'headcount', 'fares'])
        value = cls.format_value
        results = dict(waybill.fields_get(
                ['inspection_result'])['inspection_result']['selection'])
        items = [
            (labels['station'], waybill.station.name),
            (labels['gate'], waybill.gate or ''),
            (labels['date'], value(waybill.date, 'date')),
            (labels['schedule_number'], waybill.schedule_number),
            (labels['departure'], format_local(waybill.departure)
                if waybill.departure else ''),
            (labels['route'], waybill.route_name or ''),
            (labels['carrier'], waybill.carrier_name or ''),
            (labels['plate'], waybill.plate or ''),
            (labels['approved_seats'], waybill.approved_seats),
            (labels['driver_name'], waybill.driver_name or ''),
            (labels['driver_certificate'], waybill.driver_certificate or ''),
            (labels['headcount'], waybill.headcount),
            (labels['fares'], value(float(waybill.fares), 'number')),
            (labels['fee_rate'], f'{waybill.fee_rate:.2f}%'),
            (labels['fees'], value(float(waybill.fees), 'number')),
            (labels['amount_due'], value(float(waybill.amount_due), 'number')),
            (labels['checker'], waybill.checker_name or ''),
            (labels['closed_at'], format_local(waybill.closed_at)
                if waybill.closed_at else ''),
            (labels['inspection_result'],
                results.get(waybill.inspection_result) or gettext(
                    'gd_ticketing.msg_inspection_none')),
            (labels['inspector_name'], waybill.inspector_name or ''),
            (labels['inspected_at'], format_local(waybill.inspected_at)
                if waybill.inspected_at else ''),
            (labels['state'], waybill.state_string),
            ]
        if waybill.state == 'void':
            items.append((labels['void_reason'], waybill.void_reason or ''))
        return style.Content(
            title=gettext('gd_ticketing.msg_waybill_title'),
            number=waybill.number,
            issuer=waybill.station.name,
            blocks=[
                style.KeyValues(items),
                style.Table(
                    title=gettext('gd_ticketing.msg_waybill_lines'),
                    columns=[
                        style.Column(gettext('gd_documents.msg_report_row'),
                            6, 'integer'),
                        style.Column(line_labels['destination'], 20),
                        style.Column(line_labels['fare_type'], 10),
                        style.Column(line_labels['headcount'], 8, 'integer'),
                        style.Column(line_labels['fares'], 12, 'number'),
                        ],
                    rows=[[i, line.destination.name, line.fare_type.name,
                            line.headcount, float(line.fares)]
                        for i, line in enumerate(waybill.lines, 1)],
                    totals=[None, gettext('gd_ticketing.msg_waybill_total'),
                        None, waybill.headcount, float(waybill.fares)]),
                style.Paragraph(
                    f"{labels['content_hash']}（SHA-256）："
                    f"{waybill.content_hash or ''}"),
                ])
