# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If

from .exceptions import ProgrammeError

ROLES = [
    ('department', "Provincial Department of Transport"),
    ('city_bureau', "City Transport Bureau"),
    ('association', "Road Transport Association"),
    ('tech_company', "Technical Support Company"),
    ('station', "Passenger Station"),
    ]
# The res.group of each role, defined in gd_documents
ROLE_GROUPS = {
    'department': 'group_department',
    'city_bureau': 'group_city_bureau',
    'association': 'group_association',
    'tech_company': 'group_tech_company',
    'station': 'group_station',
    }


class Programme(DeactivableMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.programme'
    __string__ = "Programme"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    name = fields.Char("Name", required=True, translate=True,
        states=_states)
    code = fields.Char("Code", required=True, states=_states)
    notice = fields.Char(
        "Notice", states=_states,
        help="The number of the official document that ordered it, "
        "such as 粤交运〔2020〕213号.")
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date', None))],
        help="The date by which every graded station is deployed.")
    first_report_month = fields.Date(
        "First Report Month", required=True, states=_states,
        help="The first month the city bureaus report on; each month's "
        "report is due in the following month.")
    report_due_day = fields.Integer(
        "Report Due Day", required=True, states=_states,
        domain=[('report_due_day', '>=', 1), ('report_due_day', '<=', 28)],
        help="The day of the month by which the previous month's progress "
        "report is due.")
    acceptance_months = fields.Integer(
        "Acceptance Within (Months)", required=True, states=_states,
        domain=[('acceptance_months', '>=', 0)],
        help="How many months after its switch a station must be accepted.")
    lag_threshold = fields.Integer(
        "Lag Threshold (%)", required=True,
        domain=[
            ('lag_threshold', '>=', 0), ('lag_threshold', '<=', 100)],
        help="A city lags when its share of switched stations is below "
        "this percentage of the province's share.")
    reminder_days = fields.Integer(
        "Reminder Days", required=True,
        domain=[('reminder_days', '>=', 0)],
        help="How many days before a due date the responsible users are "
        "reminded.")
    resubmit_days = fields.Integer(
        "Resubmit Within (Days)", required=True,
        domain=[('resubmit_days', '>=', 0)],
        help="How many days a station has to resubmit a returned survey.")
    milestones = fields.One2Many(
        'gd.programme.milestone', 'programme', "Milestones")
    state = fields.Selection([
            ('draft', "Draft"),
            ('running', "Running"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gd_deploy.msg_programme_code_unique'),
            ]
        cls._order = [('start_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'running'),
            ('running', 'closed'),
            ('closed', 'running'),
            ('running', 'draft'),
            }
        cls._buttons.update({
                'draft': {
                    'invisible': Eval('state') != 'running',
                    'depends': ['state'],
                    },
                'run': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'running',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_report_due_day(cls):
        return 10

    @classmethod
    def default_acceptance_months(cls):
        return 1

    @classmethod
    def default_lag_threshold(cls):
        return 80

    @classmethod
    def default_reminder_days(cls):
        return 3

    @classmethod
    def default_resubmit_days(cls):
        return 7

    @classmethod
    def validate_fields(cls, programmes, field_names):
        super().validate_fields(programmes, field_names)
        for programme in programmes:
            programme.check_first_report_month()

    def check_first_report_month(self):
        if self.first_report_month and self.first_report_month.day != 1:
            raise ProgrammeError(gettext(
                    'gd_deploy.msg_programme_first_report_month',
                    programme=self.rec_name))

    @classmethod
    def get_running(cls, date=None):
        "Return the running programme on date (today by default) or None"
        if date is None:
            date = Pool().get('ir.date').today()
        programmes = cls.search([
                ('state', '=', 'running'),
                ('start_date', '<=', date),
                ], order=[('start_date', 'DESC')], limit=1)
        return programmes[0] if programmes else None

    def report_due_date(self, month):
        "The date by which the report of month (its first day) is due"
        return (month + relativedelta(months=1)).replace(
            day=self.report_due_day)

    def report_months(self, until):
        "The months whose report is due on or before until"
        months = []
        month = self.first_report_month
        last = min(self.end_date, until)
        while month <= last and self.report_due_date(month) <= until:
            months.append(month)
            month += relativedelta(months=1)
        return months

    def acceptance_deadline(self, switch_date):
        return switch_date + relativedelta(months=self.acceptance_months)

    def milestone(self, kind):
        "Return the milestone of kind or None"
        for milestone in self.milestones:
            if milestone.kind == kind:
                return milestone

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, programmes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def run(cls, programmes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, programmes):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('running')
    def reopen(cls, programmes):
        pass


class Milestone(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.programme.milestone'
    __string__ = "Milestone"

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('roster', "Working Group Roster"),
            ('survey', "Station Survey"),
            ('consolidation', "Survey Consolidation"),
            ('data_standard', "Data Standard"),
            ('cloud', "Cloud Resources and Accounts"),
            ('service_standard', "Service Standard"),
            ('deployment', "Deployment of All Stations"),
            ('evaluation', "Evaluation Summary"),
            ('other', "Other"),
            ], "Kind", required=True,
        help="What the milestone is about; the programme's records take "
        "their due dates from it.")
    role = fields.Selection(ROLES, "Responsible Role", required=True)
    due_date = fields.Date("Due Date", required=True)
    done_date = fields.Date(
        "Done Date",
        domain=[If(Eval('done_date'),
                ('done_date', '>=', Eval('programme_start', None)),
                ())])
    programme_start = fields.Function(
        fields.Date("Programme Start"), 'on_change_with_programme_start')
    status = fields.Function(fields.Selection([
                ('open', "Open"),
                ('done', "Done"),
                ('overdue', "Overdue"),
                ], "Status"), 'get_status', searcher='search_status')
    description = fields.Text("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('due_date', 'ASC'))

    @fields.depends('programme', '_parent_programme.start_date')
    def on_change_with_programme_start(self, name=None):
        if self.programme:
            return self.programme.start_date

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    def get_status(self, name):
        if self.done_date:
            return 'done'
        elif self.due_date < self._today():
            return 'overdue'
        return 'open'

    @classmethod
    def search_status(cls, name, clause):
        _, operator, value = clause
        today = cls._today()
        domains = {
            'done': [('done_date', '!=', None)],
            'overdue': [
                ('done_date', '=', None), ('due_date', '<', today)],
            'open': [
                ('done_date', '=', None), ('due_date', '>=', today)],
            }
        values = value if operator in {'in', 'not in'} else [value]
        domain = ['OR'] + [domains[v] for v in values if v in domains]
        if operator in {'!=', 'not in'}:
            domain = ['NOT', domain]
        return domain

    @property
    def overdue(self):
        return self.status == 'overdue'


def first_of_month(date):
    return date.replace(day=1)


def previous_month(date):
    return first_of_month(date) - relativedelta(months=1)

