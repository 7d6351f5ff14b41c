# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Due dates of the programme, their calendar and the reminders sent for
them before they fall due and when they are missed"""
import datetime as dt
from email.message import EmailMessage

from trytond.config import config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

from .programme import ROLE_GROUPS, ROLES


class Deadline(ModelSQL, ModelView):
    __name__ = 'gd.deadline'
    __string__ = "Deadline"

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='CASCADE')
    key = fields.Char(
        "Key", required=True, readonly=True,
        help="Identifies what falls due, to refresh it.")
    name = fields.Function(
        fields.Char("Name"), 'get_name', searcher='search_name')
    kind = fields.Selection([
            ('milestone', "Milestone"),
            ('survey', "Station Survey"),
            ('roster', "Working Group"),
            ('report', "Progress Report"),
            ('acceptance', "Acceptance"),
            ], "Kind", required=True, readonly=True)
    role = fields.Selection(
        ROLES, "Responsible Role", required=True, readonly=True)
    due_date = fields.Date("Due Date", required=True, readonly=True)
    city = fields.Many2One(
        'gd.city', "City", readonly=True, ondelete='CASCADE')
    station = fields.Many2One(
        'gd.station', "Station", readonly=True, ondelete='CASCADE')
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ('missed', "Missed"),
            ], "State", required=True, readonly=True, sort=False)
    reminded = fields.Boolean("Reminded", readonly=True)
    missed_notified = fields.Boolean("Missed Notified", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.programme, t.key),
                'gd_deploy.msg_deadline_key_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality()),
                (t.due_date, Index.Range())))
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_state(cls):
        return 'open'

    def get_name(self, name):
        "What falls due, in the reader's language"
        if self.kind == 'milestone' and self.origin:
            return self.origin.rec_name
        return gettext(
            f'gd_deploy.msg_deadline_{self.kind}_name',
            station=self.station.rec_name if self.station else '',
            city=self.city.rec_name if self.city else '',
            origin=self.origin.rec_name if self.origin else '',
            month=self.key.rsplit(':', 1)[-1])

    @classmethod
    def default_reminded(cls):
        return False

    @classmethod
    def default_missed_notified(cls):
        return False

    @classmethod
    def search_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('station.rec_name', operator, operand, *extra),
            ('city.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def _get_origin_models(cls):
        "The models whose records fall due"
        return [
            'gd.programme.milestone', 'gd.station', 'gd.station.survey',
            'gd.working_group', 'gd.progress.report', 'gd.cutover.plan']

    @classmethod
    def get_origins(cls):
        IrModel = Pool().get('ir.model')
        names = cls._get_origin_models()
        return [(None, '')] + [
            (m, n) for m, n in IrModel.get_names().items() if m in names]

    @classmethod
    def _providers(cls):
        """The models that know what falls due: each has a classmethod
        get_deadlines(programme) returning a list of dictionaries with the
        keys key, kind, role, due_date, done and optionally city, station,
        origin"""
        return [
            'gd.programme.milestone', 'gd.station', 'gd.working_group',
            'gd.progress.report', 'gd.cutover.plan']

    @classmethod
    def refresh(cls, programmes, date=None):
        "Bring the deadlines of the programmes up to date on date"
        pool = Pool()
        if date is None:
            date = pool.get('ir.date').today()
        for programme in programmes:
            existing = {d.key: d for d in cls.search([
                        ('programme', '=', programme.id),
                        ])}
            to_save, seen = [], set()
            for model_name in cls._providers():
                Model = pool.get(model_name)
                for values in Model.get_deadlines(programme):
                    values = values.copy()
                    done = values.pop('done')
                    key = values['key']
                    seen.add(key)
                    deadline = existing.get(key) or cls(programme=programme)
                    changed = not deadline.id
                    if done:
                        state = 'done'
                    elif values['due_date'] < date:
                        state = 'missed'
                    else:
                        state = 'open'
                    values['state'] = state
                    for name, value in values.items():
                        if getattr(deadline, name, None) != value:
                            setattr(deadline, name, value)
                            changed = True
                    if changed:
                        to_save.append(deadline)
            cls.save(to_save)
            cls.delete([d for k, d in existing.items() if k not in seen])

    @classmethod
    def send_notifications(cls, date=None):
        """Refresh the deadlines of the running programmes, then remind the
        responsible users of what falls due soon and tell them what was
        missed, once each"""
        pool = Pool()
        Programme = pool.get('gd.programme')
        if date is None:
            date = pool.get('ir.date').today()
        programmes = Programme.search([('state', '=', 'running')])
        cls.refresh(programmes, date)
        for programme in programmes:
            soon = date + dt.timedelta(days=programme.reminder_days)
            to_remind = cls.search([
                    ('programme', '=', programme.id),
                    ('state', '=', 'open'),
                    ('reminded', '=', False),
                    ('due_date', '<=', soon),
                    ])
            missed = cls.search([
                    ('programme', '=', programme.id),
                    ('state', '=', 'missed'),
                    ('missed_notified', '=', False),
                    ])
            for deadline in to_remind:
                deadline.notify('reminder')
            for deadline in missed:
                deadline.notify('missed')
            cls.write(to_remind, {'reminded': True})
            cls.write(missed, {'missed_notified': True})

    # Milestones whose records have deadlines of their own: their users are
    # reminded of those, not of the milestone
    _milestones_per_record = {'survey', 'roster'}

    def get_responsible_users(self):
        "The active users of the role, of the city or station if any"
        pool = Pool()
        if (self.kind == 'milestone'
                and self.origin.kind in self._milestones_per_record):
            return []
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        group_id = ModelData.get_id('gd_documents', ROLE_GROUPS[self.role])
        domain = [('groups', '=', group_id)]
        if self.role == 'station' and self.station:
            domain.append(('station', '=', self.station.id))
        elif self.role == 'city_bureau' and self.city:
            domain.append(('city', '=', self.city.id))
        return User.search(domain, order=[('id', 'ASC')])

    def notify(self, kind):
        """Send the responsible users a notice in the client and an e-mail,
        each in the user's language"""
        pool = Pool()
        Notification = pool.get('res.notification')
        notifications = []
        for user in self.get_responsible_users():
            language = user.language.code if user.language else None
            with Transaction().set_context(language=language):
                deadline = self.__class__(self.id)
                subject, body = deadline._notification_text(kind)
            notification = Notification(
                user=user, label=subject, description=body,
                icon='tryton-warning' if kind == 'missed' else 'tryton-info')
            if self.origin:
                notification.model = str(self.origin.__name__)
                notification.records = str([self.origin.id])
            notifications.append(notification)
            if user.email:
                self._send_email(user, subject, body)
        Notification.save(notifications)

    def _notification_text(self, kind):
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        values = {
            'name': self.name,
            'due_date': lang.strftime(self.due_date),
            'organisation': (
                self.station.rec_name if self.station
                else self.city.rec_name if self.city else ''),
            }
        subject = gettext(f'gd_deploy.msg_deadline_{kind}_subject', **values)
        body = gettext(f'gd_deploy.msg_deadline_{kind}_body', **values)
        return subject, body

    def _send_email(self, user, subject, body):
        message = EmailMessage()
        message['From'] = config.get('email', 'from')
        message['To'] = user.email
        message['Subject'] = subject
        message.set_content(body)
        send_message_transactional(message)


class Milestone(metaclass=PoolMeta):
    __name__ = 'gd.programme.milestone'

    @classmethod
    def get_deadlines(cls, programme):
        return [{
                'key': f'milestone:{m.id}',
                'kind': 'milestone',
                'role': m.role,
                'due_date': m.due_date,
                'done': bool(m.done_date),
                'origin': m,
                } for m in programme.milestones]


class Station(metaclass=PoolMeta):
    __name__ = 'gd.station'

    @classmethod
    def get_deadlines(cls, programme):
        "Each graded station submits its survey by the survey milestone"
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        milestone = programme.milestone('survey')
        if not milestone:
            return []
        surveys = {s.station.id: s for s in Survey.search([
                    ('programme', '=', programme.id),
                    ])}
        deadlines = []
        for station in cls.search([('graded', '=', True)]):
            survey = surveys.get(station.id)
            due_date = survey.due_date if survey else milestone.due_date
            if survey and survey.state == 'returned':
                # A returned survey is due again some days after its return
                due_date = max(due_date, survey.returned_date
                    + dt.timedelta(days=programme.resubmit_days))
            deadlines.append({
                    'key': f'survey:{station.id}',
                    'kind': 'survey',
                    'role': 'station',
                    'due_date': due_date,
                    'done': bool(survey)
                    and survey.state in {'submitted', 'accepted'},
                    'city': station.city,
                    'station': station,
                    'origin': survey or station,
                    })
        return deadlines


class Plan(metaclass=PoolMeta):
    __name__ = 'gd.cutover.plan'

    @classmethod
    def get_deadlines(cls, programme):
        "The association accepts each switched station within its deadline"
        pool = Pool()
        Acceptance = pool.get('gd.acceptance')
        passed = {a.plan.id for a in Acceptance.search([
                    ('plan.programme', '=', programme.id),
                    ('state', '=', 'passed'),
                    ])}
        return [{
                'key': f'acceptance:{plan.id}',
                'kind': 'acceptance',
                'role': 'association',
                'due_date': programme.acceptance_deadline(plan.switch_date),
                'done': plan.id in passed,
                'city': plan.station.city,
                'station': plan.station,
                'origin': plan,
                } for plan in cls.search([
                    ('programme', '=', programme.id),
                    ('state', '=', 'switched'),
                    ])]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gd.deadline|send_notifications',
                "Send Reminders of Due Dates"))

