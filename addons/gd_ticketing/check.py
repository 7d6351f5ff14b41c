# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Boarding checks (检票): at the gate, the e-ticket's QR code (its
signature verified offline) or the passenger's ID card is read, and the
ticket, the person and the ID must match (票、人、证一致)

Every attempt is recorded with the gate, the operator, the method, the time
and the result, refused ones included: a refusal is an answer, not an
error, so the record of it stays."""
from sql import For, Null
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import eticket, identity, order

RESULTS = [
    ('passed', "Passed"),
    ('late', "Passed Late"),
    ('refused', "Refused"),
    ]


class Check(ModelSQL, ModelView):
    __name__ = 'gd.ticket.check'
    __string__ = "Boarding Check"

    run = fields.Many2One(
        'gd.run', "Run", required=True, readonly=True, ondelete='RESTRICT')
    station = fields.Many2One(
        'gd.station', "Station", required=True, readonly=True,
        ondelete='RESTRICT', help="The station of the gate.")
    gate = fields.Char("Gate", readonly=True)
    operator = fields.Many2One(
        'res.user', "Operator", readonly=True, ondelete='RESTRICT')
    method = fields.Selection([
            ('qr', "E-Ticket QR Code"),
            ('id_card', "ID Card"),
            ], "Method", required=True, readonly=True)
    checked_at = fields.DateTime("Checked At", required=True, readonly=True)
    ticket = fields.Many2One(
        'gd.ticket', "Ticket", readonly=True, ondelete='RESTRICT',
        help="Empty when no ticket was found.")
    passenger = fields.Function(
        fields.Char("Passenger"), 'get_passenger')
    result = fields.Selection(
        RESULTS, "Result", required=True, readonly=True, sort=False)
    reason = fields.Char("Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # A ticket boards once
            ('ticket_boarded_once',
                Exclude(t, (t.ticket, Equal),
                    where=(t.result != 'refused') & (t.ticket != Null)),
                'gd_ticketing.msg_check_twice'),
            ]
        cls._order = [('checked_at', 'DESC'), ('id', 'DESC')]
        cls.__rpc__.update({
                'check_ticket': RPC(readonly=False, result=int),
                })

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('result') == 'refused', 'danger', '')),
            ]

    def get_passenger(self, name):
        if self.ticket:
            return self.ticket.passenger.rec_name

    def get_rec_name(self, name):
        return f'{self.run.rec_name} {self.gate or ""} {self.id}'

    @classmethod
    def check_modification(cls, mode, checks, values=None, external=False):
        from .exceptions import RunAccessError
        super().check_modification(
            mode, checks, values=values, external=external)
        # Written by check_ticket only, and never changed
        if external:
            raise RunAccessError(gettext('gd_ticketing.msg_check_direct'))

    @classmethod
    def check_ticket(cls, run, gate=None, token=None, id_type='resident',
            id_number=None, at=None):
        """Check a passenger boarding run at gate, by the QR token of the
        e-ticket or by the ID number read from the card (or both: the ID
        must then be the ticket's); return the check recorded"""
        pool = Pool()
        Run = pool.get('gd.run')
        Ticket = pool.get('gd.ticket')
        User = pool.get('res.user')
        at = at or order.now()
        run = Run(int(run))
        # The gate checks the runs it may see, with write access
        Ticket.check_seller([])
        Run.read([run.id], ['id'])
        method = 'qr' if token else 'id_card'
        ticket, reason = cls._find_ticket(run, token, id_type, id_number, at)
        if ticket and not reason:
            cls._lock(ticket)
            ticket = Ticket(ticket.id)
            reason = cls._ticket_refusal(ticket, run)
        result = 'refused' if reason else (
            'late' if at > ticket.departs_at else 'passed')
        user = User(Transaction().user) if Transaction().user else None
        # The system records the check, and the boarding on the ticket
        with without_check_access():
            check, = cls.create([{
                        'run': run.id,
                        'station': (ticket.departure.station.id if ticket
                            else run.origin_station.id),
                        'gate': gate or run.gate,
                        'operator': user.id if user else None,
                        'method': method,
                        'checked_at': at,
                        'ticket': ticket.id if ticket else None,
                        'result': result,
                        'reason': reason,
                        }])
            if result != 'refused':
                Ticket.write([ticket], {'state': 'used'})
                pool.get('gd.passenger.flow').record(
                    run.date, ticket.departure.station, run.route,
                    run.carrier, checked=1)
        return check

    @classmethod
    def _find_ticket(cls, run, token, id_type, id_number, at):
        """The ticket read at the gate, by its QR token or else by the ID
        number, and why it is refused: (ticket or None, reason or None)"""
        Ticket = Pool().get('gd.ticket')
        id_hash = None
        if id_number:
            try:
                number = identity.normalize(id_type, id_number, at.date())
            except identity.IdentityError as error:
                return None, gettext(
                    'gd_ticketing.' + error.args[0], **error.values)
            id_hash = identity.lookup_hash(number)
        if not token and not id_hash:
            return None, gettext('gd_ticketing.msg_check_nothing_read')
        # Tickets are looked up among all: the gate may board passengers
        # whatever station sold them
        with without_check_access():
            if not token:
                tickets = Ticket.search([
                        ('run', '=', run.id),
                        ('id_hash', '=', id_hash),
                        ('state', 'in', ['sold', 'used']),
                        ], limit=1)
                if not tickets:
                    return None, gettext(
                        'gd_ticketing.msg_check_no_ticket_id',
                        run=run.rec_name, id_number=identity.mask(number))
                return tickets[0], None
            try:
                payload = eticket.verify(token)
            except eticket.TicketTokenError as error:
                return None, gettext('gd_ticketing.' + error.args[0])
            tickets = Ticket.search(
                [('number', '=', payload.get('n'))], limit=1)
        if not tickets:
            return None, gettext('gd_ticketing.msg_check_no_ticket')
        ticket, = tickets
        if (payload.get('r') != ticket.run.id
                or payload.get('s') != ticket.seat):
            return ticket, gettext(
                'gd_ticketing.msg_check_token_stale', ticket=ticket.number)
        if id_hash and id_hash != ticket.id_hash:
            return ticket, gettext(
                'gd_ticketing.msg_check_person_mismatch',
                ticket=ticket.number, passenger=ticket.passenger.rec_name)
        return ticket, None

    @classmethod
    def _lock(cls, ticket):
        "Lock the ticket's row: two gates cannot board it at once"
        transaction = Transaction()
        if not transaction.database.has_select_for():
            return
        Ticket = Pool().get('gd.ticket')
        table = Ticket.__table__()
        query = table.select(table.id, where=table.id == ticket.id)
        query.for_ = For('UPDATE')
        transaction.connection.cursor().execute(*query)

    @classmethod
    def _ticket_refusal(cls, ticket, run):
        "Why ticket may not board run, or None"
        if ticket.run != run:
            return gettext(
                'gd_ticketing.msg_check_other_run', ticket=ticket.number,
                run=ticket.run.rec_name, date=ticket.run.date.isoformat())
        if ticket.state == 'used':
            return gettext(
                'gd_ticketing.msg_check_twice', ticket=ticket.number)
        if ticket.state != 'sold':
            return gettext(
                'gd_ticketing.msg_check_ticket_state', ticket=ticket.number,
                state=dict(ticket.fields_get(['state'])['state'][
                        'selection'])[ticket.state])


class GateStart(ModelView):
    __name__ = 'gd.ticket.check.gate.start'
    __string__ = "Boarding Check"

    run = fields.Many2One(
        'gd.run', "Run", required=True,
        domain=[('state', 'in', ['open', 'departed'])])
    gate = fields.Char("Gate")
    token = fields.Char(
        "E-Ticket QR Code", help="Scan the QR code of the e-ticket.")
    id_type = fields.Selection(identity.ID_TYPES, "ID Type", required=True)
    id_number = fields.Char(
        "ID Number", help="Read from the ID card, or typed.")


class GateResult(ModelView):
    __name__ = 'gd.ticket.check.gate.result'
    __string__ = "Boarding Check"

    check = fields.Many2One('gd.ticket.check', "Check", readonly=True)
    result = fields.Selection(RESULTS, "Result", readonly=True)
    passenger = fields.Char("Passenger", readonly=True)
    seat = fields.Integer("Seat", readonly=True)
    reason = fields.Char("Reason", readonly=True)


class Gate(Wizard):
    "The gate: check one passenger after the other"
    __name__ = 'gd.ticket.check.gate'
    __string__ = "Boarding Check"

    start = StateView(
        'gd.ticket.check.gate.start',
        'gd_ticketing.ticket_check_gate_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Check", 'check', 'tryton-ok', default=True),
            ])
    check = StateTransition()
    result = StateView(
        'gd.ticket.check.gate.result',
        'gd_ticketing.ticket_check_gate_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Next Passenger", 'start', 'tryton-forward',
                default=True),
            ])

    def default_start(self, fields):
        values = {'id_type': 'resident'}
        if getattr(self.start, 'run', None):
            values['run'] = self.start.run.id
            values['gate'] = self.start.gate
        elif self.model and self.model.__name__ == 'gd.run' and self.record:
            values['run'] = self.record.id
            values['gate'] = self.record.gate
        return values

    def transition_check(self):
        Check = Pool().get('gd.ticket.check')
        check = Check.check_ticket(
            self.start.run, gate=self.start.gate, token=self.start.token,
            id_type=self.start.id_type, id_number=self.start.id_number)
        self.result.check = check
        self.start.token = self.start.id_number = None
        return 'result'

    def default_result(self, fields):
        check = self.result.check
        return {
            'check': check.id,
            'result': check.result,
            'passenger': check.passenger,
            'seat': check.ticket.seat if check.ticket else None,
            'reason': check.reason,
            }
