# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Trip tracing (行程追溯, 流调查询, DOMAIN.md §4)

A tracing officer enters a person's ID number, a period and a stated
reason; the query finds the person's trips (tickets sold or used on runs of
the period) and the co-travellers: the passengers of the same runs whose
sections overlap the person's.  Every query is logged with its user, time,
reason and what it found; the results keep masked ID numbers only.  Their
export as CSV needs the approval of a department user who is not the
requester."""
import csv
import datetime as dt
import io

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import identity
from .identity import audit
from .res import check_group
from .exceptions import TraceError

TICKET_STATES = [
    ('sold', "Sold"),
    ('used', "Used"),
    ]
CSV_HEADER = [
    'kind', 'run', 'schedule', 'date', 'departure', 'arrival', 'seat',
    'state', 'name', 'id_masked']


def now():
    "The time of a query or a decision: naive UTC (patched by tests)"
    return dt.datetime.now()


def overlap(ticket, other):
    "Whether the sections of two tickets of one run share a stretch"
    return (other.from_index < ticket.to_index
        and other.to_index > ticket.from_index)


class TraceLog(ModelSQL, ModelView):
    "A trace query: who asked, when, why, for whom and what it found"
    __name__ = 'gd.trace.log'
    __string__ = "Trace Log"

    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='RESTRICT')
    date = fields.DateTime("Date", required=True, readonly=True)
    reason = fields.Char("Reason", required=True, readonly=True)
    id_type = fields.Selection(
        identity.ID_TYPES, "ID Type", required=True, readonly=True,
        sort=False)
    id_masked = fields.Char(
        "Masked ID Number", required=True, readonly=True)
    from_date = fields.Date("From Date", required=True, readonly=True)
    to_date = fields.Date("To Date", required=True, readonly=True)
    trips = fields.Integer("Trips", readonly=True)
    co_travellers = fields.Integer("Co-Travellers", readonly=True)
    lines = fields.One2Many(
        'gd.trace.log.line', 'trace', "Results", readonly=True)
    exports = fields.One2Many(
        'gd.trace.export', 'trace', "Export Requests", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'request_export': {},
                'export': {},
                })

    def get_rec_name(self, name):
        return f'{self.id_masked} {self.from_date} - {self.to_date}'

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('gd_ticketing.msg_trace_log_locked'))

    @classmethod
    def check_tracer(cls):
        "Only tracing officers trace"
        check_group('group_trace', 'gd_ticketing.msg_trace_access')

    @classmethod
    def trace(cls, id_type, id_number, from_date, to_date, reason):
        """Find the trips and the co-travellers of the person of id_number
        between from_date and to_date (run dates); log the query and
        return its log"""
        pool = Pool()
        Passenger = pool.get('gd.passenger')
        Ticket = pool.get('gd.ticket')
        reason = (reason or '').strip()
        try:
            cls.check_tracer()
            if not reason:
                raise TraceError(gettext('gd_ticketing.msg_trace_reason'))
            if not from_date or not to_date or from_date > to_date:
                raise TraceError(gettext(
                        'gd_ticketing.msg_trace_period',
                        from_date=from_date or '', to_date=to_date or ''))
        except (AccessError, TraceError) as exception:
            audit.warning(
                "trace refused: user %s, reason %r, period %s to %s: %s",
                Transaction().user, reason, from_date, to_date,
                exception.message)
            raise
        protected = Passenger.protect(id_type, id_number)
        id_hash = protected['id_hash']
        states = [s for s, _ in TICKET_STATES]
        # The officer sees every station's tickets, through this log only
        with without_check_access():
            trips = Ticket.search([
                    ('id_hash', '=', id_hash),
                    ('state', 'in', states),
                    ('run.date', '>=', from_date),
                    ('run.date', '<=', to_date),
                    ])
            trips.sort(key=lambda t: (t.departs_at, t.id))
            lines, co_travellers = [], 0
            for trip in trips:
                lines.append(cls._line('trip', trip))
                others = Ticket.search([
                        ('run', '=', trip.run.id),
                        ('state', 'in', states),
                        ('id', '!=', trip.id),
                        ], order=[('seat', 'ASC'), ('id', 'ASC')])
                for other in others:
                    if other.id_hash != id_hash and overlap(trip, other):
                        lines.append(cls._line('co_traveller', other))
                        co_travellers += 1
            log, = cls.create([{
                        'user': Transaction().user,
                        'date': now(),
                        'reason': reason,
                        'id_type': id_type,
                        'id_masked': protected['id_masked'],
                        'from_date': from_date,
                        'to_date': to_date,
                        'trips': len(trips),
                        'co_travellers': co_travellers,
                        'lines': [('create', lines)],
                        }])
        return cls(log.id)

    @classmethod
    def _line(cls, kind, ticket):
        "The values of a result line of ticket, its ID number masked"
        run = ticket.run
        return {
            'kind': kind,
            'run': run.rec_name,
            'schedule': run.number,
            'date': run.date,
            'departure': ticket.departure.station.rec_name,
            'arrival': ticket.arrival.station.rec_name,
            'seat': ticket.seat,
            'state': ticket.state,
            'name': ticket.passenger.name,
            'id_masked': ticket.passenger.id_masked,
            }

    @classmethod
    @ModelView.button
    def request_export(cls, logs):
        "Ask a department user to approve the export of the results"
        pool = Pool()
        Export = pool.get('gd.trace.export')
        cls.check_tracer()
        vlist = []
        for log in logs:
            if any(e.state in {'requested', 'approved'}
                    for e in log.exports):
                continue
            vlist.append({
                    'trace': log.id,
                    'requested_by': Transaction().user,
                    'requested_at': now(),
                    })
        # The request is written by the system for the officer
        with without_check_access():
            Export.create(vlist)

    @classmethod
    @ModelView.button_action('gd_ticketing.report_trace_log_csv')
    def export(cls, logs):
        cls.check_export(logs)

    @classmethod
    def check_export(cls, logs):
        "Only the results of an approved export request are exported"
        try:
            cls.check_tracer()
            for log in logs:
                if not any(e.state == 'approved' for e in log.exports):
                    raise AccessError(gettext(
                            'gd_ticketing.msg_trace_export_approval',
                            log=log.rec_name))
        except AccessError as exception:
            audit.warning(
                "trace export refused: user %s, logs %s: %s",
                Transaction().user, [log.id for log in logs],
                exception.message)
            raise

    def to_csv(self):
        "The results as CSV (UTF-8 with BOM), ID numbers masked"
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(CSV_HEADER)
        for line in self.lines:
            writer.writerow([
                    line.kind, line.run, line.schedule, line.date,
                    line.departure, line.arrival,
                    '' if line.seat is None else line.seat,
                    line.state, line.name, line.id_masked])
        return output.getvalue().encode('utf-8-sig')


class TraceLogLine(ModelSQL, ModelView):
    "A trip of the traced person or a co-traveller, as found by a query"
    __name__ = 'gd.trace.log.line'
    __string__ = "Trace Result"

    trace = fields.Many2One(
        'gd.trace.log', "Trace", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection([
            ('trip', "Trip"),
            ('co_traveller', "Co-Traveller"),
            ], "Kind", required=True, readonly=True)
    run = fields.Char("Run", readonly=True)
    schedule = fields.Char("Schedule Number", readonly=True)
    date = fields.Date("Date", readonly=True)
    departure = fields.Char("From", readonly=True)
    arrival = fields.Char("To", readonly=True)
    seat = fields.Integer("Seat", readonly=True)
    state = fields.Selection(TICKET_STATES, "State", readonly=True)
    name = fields.Char("Name", readonly=True)
    id_masked = fields.Char("Masked ID Number", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('trace', 'DESC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('gd_ticketing.msg_trace_log_locked'))


class TraceExport(Workflow, ModelSQL, ModelView):
    "A request to export the results of a trace, decided by the department"
    __name__ = 'gd.trace.export'
    __string__ = "Trace Export Request"

    trace = fields.Many2One(
        'gd.trace.log', "Trace", required=True, readonly=True,
        ondelete='RESTRICT')
    requested_by = fields.Many2One(
        'res.user', "Requested By", required=True, readonly=True,
        ondelete='RESTRICT')
    requested_at = fields.DateTime("Requested At", readonly=True)
    approved_by = fields.Many2One(
        'res.user', "Approved By", readonly=True, ondelete='RESTRICT')
    rejected_by = fields.Many2One(
        'res.user', "Rejected By", readonly=True, ondelete='RESTRICT')
    decided_at = fields.DateTime("Decided At", readonly=True)
    state = fields.Selection([
            ('requested', "Requested"),
            ('approved', "Approved"),
            ('rejected', "Rejected"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('requested_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('requested', 'approved'),
            ('requested', 'rejected'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'reject': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        return self.trace.rec_name

    @classmethod
    def check_modification(cls, mode, exports, values=None, external=False):
        super().check_modification(
            mode, exports, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            raise AccessError(gettext('gd_ticketing.msg_trace_log_locked'))

    @classmethod
    def decide(cls, exports, state):
        "Approve or reject the requests by the current user, not theirs"
        user = Transaction().user
        for export in exports:
            if export.state != 'requested':
                raise TraceError(gettext(
                        'gd_ticketing.msg_trace_export_decided',
                        export=export.rec_name))
            if export.requested_by.id == user:
                raise AccessError(gettext(
                        'gd_ticketing.msg_trace_export_own',
                        export=export.rec_name))
        field = {'approved': 'approved_by', 'rejected': 'rejected_by'}[state]
        # The decision is written by the system, through these buttons only
        with without_check_access():
            cls.write(list(exports), {
                    'state': state,
                    field: user,
                    'decided_at': now(),
                    })
        cls.log(exports, 'transition', f'state:{state}')

    @classmethod
    @ModelView.button
    def approve(cls, exports):
        cls.decide(exports, 'approved')

    @classmethod
    @ModelView.button
    def reject(cls, exports):
        cls.decide(exports, 'rejected')


class TraceLogCsv(Report):
    "The results of approved trace queries as CSV"
    __name__ = 'gd.trace.log.csv'

    @classmethod
    def render(cls, report, report_context):
        TraceLog = Pool().get('gd.trace.log')
        logs = report_context['records']
        TraceLog.check_export(logs)
        return b''.join(log.to_csv() for log in logs)

    @classmethod
    def convert(cls, report, data, timeout=None, retry=None):
        return 'csv', data


class TraceStart(ModelView):
    __name__ = 'gd.trace.start'
    __string__ = "Trace a Person"

    id_type = fields.Selection(
        identity.ID_TYPES, "ID Type", required=True, sort=False)
    id_number = fields.Char("ID Number", required=True)
    from_date = fields.Date(
        "From Date", required=True,
        domain=[('from_date', '<=', Eval('to_date'))])
    to_date = fields.Date("To Date", required=True)
    reason = fields.Char(
        "Reason", required=True,
        help="Why the person's trips are traced (e.g. the request of the "
        "health authority); it is logged.")

    @classmethod
    def default_id_type(cls):
        return 'resident'

    @classmethod
    def default_from_date(cls):
        Date = Pool().get('ir.date')
        return Date.today() - dt.timedelta(days=14)

    @classmethod
    def default_to_date(cls):
        Date = Pool().get('ir.date')
        return Date.today()


class Trace(Wizard):
    "Trace a person's trips and co-travellers, with a reason, logged"
    __name__ = 'gd.trace'
    start = StateView(
        'gd.trace.start', 'gd_ticketing.trace_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Trace", 'trace', 'tryton-search', default=True),
            ])
    trace = StateAction('gd_ticketing.act_trace_log_form')

    def do_trace(self, action):
        TraceLog = Pool().get('gd.trace.log')
        log = TraceLog.trace(
            self.start.id_type, self.start.id_number, self.start.from_date,
            self.start.to_date, self.start.reason)
        action['views'].reverse()
        return action, {'res_id': [log.id]}
