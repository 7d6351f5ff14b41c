# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Requests for documents: ask a set of cities or stations for a document
by a due date, collect the answers, remind who is missing"""
import datetime as dt
from email.message import EmailMessage

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .exceptions import RequestClosedError, RequestError


class Request(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.document.request'
    __string__ = "Document Request"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    name = fields.Char(
        "Name", required=True, states=_states,
        help="What is asked, such as 附件1 工作专班名单.")
    document = fields.Many2One(
        'gd.document', "Document", ondelete='RESTRICT', states=_states,
        help="The official document that asks for it.")
    description = fields.Text("Description", states=_states)
    requester = fields.Many2One(
        'res.user', "Requester", readonly=True, ondelete='RESTRICT')
    target = fields.Selection([
            ('all_cities', "All Cities"),
            ('all_stations', "All Stations"),
            ('cities', "Chosen Cities"),
            ('stations', "Chosen Stations"),
            ], "Asked", required=True, states=_states)
    cities = fields.Many2Many(
        'gd.document.request-gd.city', 'request', 'city', "Cities",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('target') != 'cities',
            })
    stations = fields.Many2Many(
        'gd.document.request-gd.station', 'request', 'station', "Stations",
        states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('target') != 'stations',
            })
    due_date = fields.Date("Due Date", required=True, states=_states)
    reminder_days = fields.Integer(
        "Reminder Days", required=True, states=_states,
        domain=[('reminder_days', '>=', 0)],
        help="How many days before the due date the missing are reminded.")
    lines = fields.One2Many(
        'gd.document.request.line', 'request', "Organisations",
        readonly=True)
    missing = fields.Function(fields.Many2Many(
            'gd.document.request.line', None, None, "Missing"),
        'get_missing')
    line_count = fields.Function(
        fields.Integer("Asked"), 'get_counts')
    answered_count = fields.Function(
        fields.Integer("Answered"), 'get_counts')
    missing_count = fields.Function(
        fields.Integer("Missing"), 'get_counts')
    late_count = fields.Function(
        fields.Integer("Late"), 'get_counts')
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", required=True, readonly=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('due_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'create_lines': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'open': {
                    'invisible': Eval('state') != 'draft',
                    'icon': 'tryton-forward',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'icon': 'tryton-close',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_target(cls):
        return 'all_cities'

    @classmethod
    def default_reminder_days(cls):
        return 3

    @classmethod
    def default_requester(cls):
        return Transaction().user or None

    def get_missing(self, name):
        return [line.id for line in self.lines if line.state == 'pending']

    @classmethod
    def get_counts(cls, requests, names):
        result = {n: {} for n in names}
        for request in requests:
            lines = request.lines
            values = {
                'line_count': len(lines),
                'answered_count': len(
                    [x for x in lines if x.state == 'answered']),
                'missing_count': len(
                    [x for x in lines if x.state == 'pending']),
                'late_count': len([x for x in lines if x.late]),
                }
            for name in names:
                result[name][request.id] = values[name]
        return result

    def get_organisations(self):
        "The cities and stations asked, as (city, station) pairs"
        pool = Pool()
        City = pool.get('gd.city')
        Station = pool.get('gd.station')
        if self.target == 'all_cities':
            return [(c, None) for c in City.search([])]
        if self.target == 'cities':
            return [(c, None) for c in self.cities]
        if self.target == 'all_stations':
            stations = Station.search([])
        else:
            stations = self.stations
        return [(None, s) for s in stations]

    @classmethod
    @ModelView.button
    def create_lines(cls, requests):
        "Add a line for each organisation asked that has none"
        pool = Pool()
        Line = pool.get('gd.document.request.line')
        lines = []
        for request in requests:
            if request.state != 'draft':
                raise RequestError(gettext(
                        'gd_documents.msg_request_lines_not_draft',
                        request=request.rec_name))
            existing = {(line.city, line.station) for line in request.lines}
            for city, station in request.get_organisations():
                if (city, station) not in existing:
                    lines.append(Line(
                            request=request, city=city, station=station))
        Line.save(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, requests):
        cls.create_lines([r for r in requests if not r.lines])
        for request in cls.browse(requests):
            if not request.lines:
                raise RequestError(gettext(
                        'gd_documents.msg_request_no_line',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, requests):
        pass

    @classmethod
    def copy(cls, requests, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines', None)
        default.setdefault('requester', cls.default_requester())
        return super().copy(requests, default=default)

    @classmethod
    def send_reminders(cls, date=None):
        """Remind the users of each organisation that has not answered an
        open request: once before the due date, once when it is missed"""
        pool = Pool()
        Line = pool.get('gd.document.request.line')
        if date is None:
            date = pool.get('ir.date').today()
        to_remind, missed = [], []
        for request in cls.search([('state', '=', 'open')]):
            soon = request.due_date - dt.timedelta(days=request.reminder_days)
            for line in request.lines:
                if line.state != 'pending':
                    continue
                if date > request.due_date:
                    if not line.missed_notified:
                        missed.append(line)
                elif date >= soon and not line.reminded:
                    to_remind.append(line)
        for line in to_remind:
            line.notify('reminder')
        for line in missed:
            line.notify('missed')
        Line.write(to_remind, {'reminded': True})
        Line.write(missed, {'missed_notified': True})


class RequestCity(ModelSQL):
    __name__ = 'gd.document.request-gd.city'
    __string__ = "Document Request - City"
    request = fields.Many2One(
        'gd.document.request', "Request", required=True, ondelete='CASCADE')
    city = fields.Many2One(
        'gd.city', "City", required=True, ondelete='CASCADE')


class RequestStation(ModelSQL):
    __name__ = 'gd.document.request-gd.station'
    __string__ = "Document Request - Station"
    request = fields.Many2One(
        'gd.document.request', "Request", required=True, ondelete='CASCADE')
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE')


class RequestLine(ModelSQL, ModelView):
    __name__ = 'gd.document.request.line'
    __string__ = "Document Request Line"

    _answer_states = {
        'readonly': ((Eval('state') != 'pending')
            | (Eval('request_state') != 'open')),
        }

    request = fields.Many2One(
        'gd.document.request', "Request", required=True, ondelete='CASCADE',
        readonly=True)
    city = fields.Many2One(
        'gd.city', "City", readonly=True, ondelete='RESTRICT')
    station = fields.Many2One(
        'gd.station', "Station", readonly=True, ondelete='RESTRICT')
    organisation = fields.Function(
        fields.Char("Organisation"), 'get_organisation')
    due_date = fields.Function(
        fields.Date("Due Date"), 'get_request_field')
    request_state = fields.Function(
        fields.Selection('get_request_states', "Request State"),
        'get_request_field')
    record = fields.Reference(
        "Record", selection='get_record_models', states=_answer_states,
        help="The record that answers the request, such as a survey.")
    file = fields.Binary(
        "File", file_id='file_id', filename='file_name',
        states=_answer_states)
    file_id = fields.Char("File ID", readonly=True)
    file_name = fields.Char("File Name", states=_answer_states)
    answered_date = fields.DateTime("Answered on", readonly=True)
    answered_by = fields.Many2One(
        'res.user', "Answered by", readonly=True, ondelete='RESTRICT')
    late = fields.Boolean(
        "Late", readonly=True, help="Answered after the due date.")
    state = fields.Selection([
            ('pending', "Pending"),
            ('answered', "Answered"),
            ], "State", required=True, readonly=True, sort=False)
    reminded = fields.Boolean("Reminded", readonly=True)
    missed_notified = fields.Boolean("Missed Notified", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('organisation_unique', Unique(t, t.request, t.city, t.station),
                'gd_documents.msg_request_line_unique'),
            ]
        cls._order = [('request', 'DESC'), ('city', 'ASC'),
            ('station', 'ASC'), ('id', 'ASC')]
        cls._buttons.update({
                'answer': {
                    'invisible': ((Eval('state') != 'pending')
                        | (Eval('request_state') == 'draft')),
                    'icon': 'tryton-ok',
                    'depends': ['state', 'request_state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    @classmethod
    def default_late(cls):
        return False

    @classmethod
    def default_reminded(cls):
        return False

    @classmethod
    def default_missed_notified(cls):
        return False

    def get_organisation(self, name):
        organisation = self.station or self.city
        return organisation.rec_name if organisation else ''

    def get_rec_name(self, name):
        return f'{self.request.rec_name} - {self.organisation}'

    @classmethod
    def get_request_states(cls):
        Request = Pool().get('gd.document.request')
        return Request.fields_get(['state'])['state']['selection']

    def get_request_field(self, name):
        return getattr(self.request, {
                'request_state': 'state'}.get(name, name))

    @classmethod
    def get_record_models(cls):
        IrModel = Pool().get('ir.model')
        return [(None, '')] + sorted(
            IrModel.get_names().items(), key=lambda m: m[0])

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        answer_fields = {'record', 'file', 'file_name'}
        if mode == 'write' and external:
            for line in lines:
                if set(values) - answer_fields:
                    raise RequestError(gettext(
                            'gd_documents.msg_request_line_by_button',
                            line=line.rec_name))
                line.check_answerable()
        elif mode == 'delete' and external:
            for line in lines:
                if line.request.state != 'draft':
                    raise RequestError(gettext(
                            'gd_documents.msg_request_lines_not_draft',
                            request=line.request.rec_name))

    def check_answerable(self):
        if self.request.state == 'closed':
            raise RequestClosedError(gettext(
                    'gd_documents.msg_request_closed',
                    request=self.request.rec_name,
                    organisation=self.organisation))
        if self.request.state != 'open':
            raise RequestError(gettext(
                    'gd_documents.msg_request_not_open',
                    request=self.request.rec_name))
        if self.state != 'pending':
            raise RequestError(gettext(
                    'gd_documents.msg_request_already_answered',
                    request=self.request.rec_name,
                    organisation=self.organisation))

    @classmethod
    @ModelView.button
    def answer(cls, lines):
        """Record the answer of the organisation: the record or the file
        set on the line; late when after the due date"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        user = Transaction().user
        for line in lines:
            line.check_answerable()
            if not line.record and not line.file_id:
                raise RequestError(gettext(
                        'gd_documents.msg_request_answer_empty',
                        request=line.request.rec_name,
                        organisation=line.organisation))
        cls.write(lines, {
                'state': 'answered',
                'answered_date': dt.datetime.now(),
                'answered_by': user,
                })
        late = [line for line in lines if today > line.request.due_date]
        if late:
            cls.write(late, {'late': True})

    def get_users(self):
        "The active users of the organisation asked"
        User = Pool().get('res.user')
        if self.station:
            domain = [('station', '=', self.station.id)]
        else:
            domain = [('city', '=', self.city.id)]
        return User.search(domain, order=[('id', 'ASC')])

    def notify(self, kind):
        """Send the organisation's users a notice in the client and an
        e-mail, each in the user's language"""
        pool = Pool()
        Notification = pool.get('res.notification')
        Lang = pool.get('ir.lang')
        notifications = []
        for user in self.get_users():
            language = user.language.code if user.language else None
            with Transaction().set_context(language=language):
                line = self.__class__(self.id)
                lang = Lang.get()
                values = {
                    'request': line.request.rec_name,
                    'organisation': line.organisation,
                    'due_date': lang.strftime(line.request.due_date),
                    }
                subject = gettext(
                    f'gd_documents.msg_request_{kind}_subject', **values)
                body = gettext(
                    f'gd_documents.msg_request_{kind}_body', **values)
            notifications.append(Notification(
                    user=user, label=subject, description=body,
                    icon='tryton-warning' if kind == 'missed'
                    else 'tryton-info',
                    model=self.__name__, records=str([self.id])))
            if user.email:
                message = EmailMessage()
                message['From'] = config.get('email', 'from')
                message['To'] = user.email
                message['Subject'] = subject
                message.set_content(body)
                send_message_transactional(message)
        Notification.save(notifications)
