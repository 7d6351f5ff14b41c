# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The monthly progress report of each city"
from sql import Literal
from sql.aggregate import Count
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ModificationError, ProgrammeError, WorkflowError
from .station import GRADED, STAGES
from .programme import previous_month
from .working_group import default_city, default_programme

# A station counts for a stage when it is at it or beyond
STAGE_INDEX = {s: i for i, (s, _) in enumerate(STAGES)}
INDICATORS = [
    'graded_stations', 'surveyed', 'planned', 'switched', 'accepted',
    'province_graded', 'province_switched']


def stage_counts(city_ids=None):
    """Count the graded stations at or beyond each stage, by city:
    {city id: {'graded_stations': n, 'surveyed': n, ...}}"""
    pool = Pool()
    Station = pool.get('gd.station')
    station = Station.__table__()
    cursor = Transaction().connection.cursor()
    columns = [station.city, Count(station.id)]
    for stage in ['surveyed', 'planned', 'switched', 'accepted']:
        reached = [s for s, i in STAGE_INDEX.items()
            if i >= STAGE_INDEX[stage]]
        # Count the ids of the stations that reached it (NULL otherwise)
        columns.append(Count(Case((station.stage.in_(reached), station.id))))
    where = station.grade.in_(sorted(GRADED)) & (
        station.active == Literal(True))
    if city_ids is not None:
        where &= station.city.in_(list(city_ids) or [-1])
    cursor.execute(*station.select(
            *columns, where=where, group_by=[station.city]))
    counts = {}
    for city, graded, *stages in cursor:
        counts[city] = dict(zip(
                ['graded_stations', 'surveyed', 'planned', 'switched',
                    'accepted'],
                [graded] + [int(s or 0) for s in stages]))
    return counts


def province_counts():
    total = {'graded_stations': 0, 'switched': 0}
    for values in stage_counts().values():
        total['graded_stations'] += values['graded_stations']
        total['switched'] += values['switched']
    return total


class ProgressReport(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.progress.report'
    __string__ = "Progress Report"

    _states = {'readonly': Eval('state') != 'draft'}

    # The month's due date is set at creation: what the report is about
    # does not change afterwards
    _created = {'readonly': Eval('id', -1) >= 0}
    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT',
        states=_created)
    city = fields.Many2One(
        'gd.city', "City", required=True, ondelete='RESTRICT',
        states=_created)
    month = fields.Date(
        "Month", required=True, states=_created,
        help="The first day of the month the report is about.")
    due_date = fields.Date("Due Date", readonly=True)
    progress = fields.Text("Progress", states=_states)
    problems = fields.Text("Problems", states=_states)
    next_plan = fields.Text("Next Month's Plan", states=_states)
    submitted_date = fields.Date("Submitted Date", readonly=True)
    submitted_late = fields.Boolean("Submitted Late", readonly=True)
    late = fields.Function(
        fields.Boolean("Late"), 'get_late', searcher='search_late')
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    # The indicators: live while draft, frozen from the submission
    graded_stations = fields.Function(
        fields.Integer("Graded Stations"), 'get_indicators')
    surveyed = fields.Function(fields.Integer("Surveyed"), 'get_indicators')
    planned = fields.Function(fields.Integer("Planned"), 'get_indicators')
    switched = fields.Function(fields.Integer("Switched"), 'get_indicators')
    accepted = fields.Function(fields.Integer("Accepted"), 'get_indicators')
    province_graded = fields.Function(
        fields.Integer("Province Graded Stations"), 'get_indicators')
    province_switched = fields.Function(
        fields.Integer("Province Switched"), 'get_indicators')
    switched_share = fields.Function(
        fields.Float("Switched Share", digits=(3, 4)), 'get_shares')
    province_share = fields.Function(
        fields.Float("Province Switched Share", digits=(3, 4)), 'get_shares')
    graded_stations_cache = fields.Integer("Graded Stations", readonly=True)
    surveyed_cache = fields.Integer("Surveyed", readonly=True)
    planned_cache = fields.Integer("Planned", readonly=True)
    switched_cache = fields.Integer("Switched", readonly=True)
    accepted_cache = fields.Integer("Accepted", readonly=True)
    province_graded_cache = fields.Integer(
        "Province Graded Stations", readonly=True)
    province_switched_cache = fields.Integer(
        "Province Switched", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('city_month_unique', Unique(t, t.programme, t.city, t.month),
                'gd_deploy.msg_report_unique'),
            ]
        cls._order = [('month', 'DESC'), ('city', 'ASC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'draft'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_city(cls):
        return default_city()

    @classmethod
    def default_programme(cls):
        return default_programme()

    @classmethod
    def default_month(cls):
        "The previous month, which the report is due for"
        Date = Pool().get('ir.date')
        today = Date.today()
        return previous_month(today)

    def get_rec_name(self, name):
        return gettext(
            'gd_deploy.msg_report_name', city=self.city.rec_name,
            month=self.month.strftime('%Y-%m'))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('late', False), 'danger', '')),
            ]

    @classmethod
    def get_indicators(cls, reports, names):
        values = {n: {} for n in names}
        drafts = [r for r in reports if r.state == 'draft']
        live = stage_counts({r.city.id for r in drafts}) if drafts else {}
        province = province_counts() if drafts else {}
        for report in reports:
            if report.state == 'draft':
                city = live.get(report.city.id, {})
                current = {
                    'province_graded': province['graded_stations'],
                    'province_switched': province['switched'],
                    }
                for name in INDICATORS[:5]:
                    current[name] = city.get(name, 0)
            else:
                current = {n: getattr(report, f'{n}_cache') or 0
                    for n in INDICATORS}
            for name in names:
                values[name][report.id] = current[name]
        return values

    def get_shares(self, name):
        if name == 'switched_share':
            total, part = self.graded_stations, self.switched
        else:
            total, part = self.province_graded, self.province_switched
        return round(part / total, 4) if total else 0.0

    def get_late(self, name):
        Date = Pool().get('ir.date')
        if self.state == 'submitted':
            return bool(self.submitted_late)
        return bool(self.due_date and self.due_date < Date.today())

    @classmethod
    def search_late(cls, name, clause):
        Date = Pool().get('ir.date')
        _, operator, value = clause
        today = Date.today()
        domain = ['OR',
            ('submitted_late', '=', True),
            [('state', '=', 'draft'), ('due_date', '<', today)],
            ]
        if (operator == '=') != bool(value):
            domain = ['NOT', domain]
        return domain

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        if not field_names or field_names & {'month', 'programme'}:
            for report in reports:
                report.check_month()

    def check_month(self):
        programme = self.programme
        if (self.month.day != 1
                or self.month < programme.first_report_month
                or self.month > programme.end_date):
            raise ProgrammeError(gettext(
                    'gd_deploy.msg_report_month',
                    report=self.rec_name,
                    first=programme.first_report_month.strftime('%Y-%m'),
                    last=programme.end_date.strftime('%Y-%m')))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('month') and values.get(
                'programme'):
            Programme = Pool().get('gd.programme')
            month = values['month'].replace(day=1)
            values['month'] = month
            values['due_date'] = Programme(
                values['programme']).report_due_date(month)
        return values

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            for report in reports:
                if report.state != 'draft':
                    raise ModificationError(gettext(
                            'gd_deploy.msg_report_submitted',
                            report=report.rec_name))
        if mode == 'write' and values.keys() & {'month', 'programme'}:
            for report in reports:
                if report.state != 'draft':
                    continue
                raise ModificationError(gettext(
                        'gd_deploy.msg_report_month_fixed',
                        report=report.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, reports):
        "Freeze the indicators and record the submission"
        Date = Pool().get('ir.date')
        today = Date.today()
        for report in reports:
            missing = [
                cls.fields_get([n])[n]['string']
                for n in ['progress', 'problems', 'next_plan']
                if not (getattr(report, n) or '').strip()]
            if missing:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_report_missing',
                        report=report.rec_name, items='、'.join(missing)))
        to_write = []
        indicators = cls.get_indicators(reports, INDICATORS)
        for report in reports:
            values = {f'{n}_cache': indicators[n][report.id]
                for n in INDICATORS}
            values['submitted_date'] = today
            values['submitted_late'] = today > report.due_date
            to_write.extend([[report], values])
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def reopen(cls, reports):
        cls.write(reports, {
                'submitted_date': None,
                'submitted_late': False,
                })

    @classmethod
    def get_deadlines(cls, programme):
        "Each city reports each month by the programme's due day"
        pool = Pool()
        City = pool.get('gd.city')
        reports = {(r.city.id, r.month): r for r in cls.search([
                    ('programme', '=', programme.id)])}
        months = programme.report_months(
            programme.report_due_date(programme.end_date.replace(day=1)))
        deadlines = []
        for city in City.search([]):
            for month in months:
                report = reports.get((city.id, month))
                deadlines.append({
                        'key': f'report:{city.id}:{month:%Y-%m}',
                        'kind': 'report',
                        'role': 'city_bureau',
                        'due_date': programme.report_due_date(month),
                        'done': bool(report)
                        and report.state == 'submitted',
                        'city': city,
                        'origin': report,
                        })
        return deadlines
