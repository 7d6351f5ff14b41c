# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import StationError, StepAccessError, WorkflowError

# Grades by scheme: JT/T 200-2004 grades 1-5 by average daily departures,
# simple stations and roadside stops; JT/T 200-2020 grades 1-3 and
# convenience stations (DOMAIN.md §1)
GRADES = {
    'jtt200_2004': ['1', '2', '3', '4', '5', 'simple', 'stop'],
    'jtt200_2020': ['1', '2', '3', 'convenience'],
    }
GRADED = {'1', '2', '3', '4', '5'}

STAGES = [
    ('not_started', "Not Started"),
    ('surveyed', "Surveyed"),
    ('planned', "Planned"),
    ('switched', "Switched"),
    ('accepted', "Accepted"),
    ]


class Station(metaclass=PoolMeta):
    __name__ = 'gd.station'

    grade_scheme = fields.Selection([
            ('jtt200_2004', "JT/T 200-2004"),
            ('jtt200_2020', "JT/T 200-2020"),
            ], "Grade Scheme", required=True,
        help="The standard the grade belongs to.")
    grade = fields.Selection([
            (None, ""),
            ('1', "Grade 1"),
            ('2', "Grade 2"),
            ('3', "Grade 3"),
            ('4', "Grade 4"),
            ('5', "Grade 5"),
            ('simple', "Simple Station"),
            ('stop', "Roadside Stop"),
            ('convenience', "Convenience Station"),
            ], "Grade", sort=False)
    grade_string = grade.translated('grade')
    graded = fields.Function(
        fields.Boolean("Graded"), 'get_graded', searcher='search_graded')
    operator = fields.Char("Operator", help="The company that runs it.")
    address = fields.Char("Address")
    daily_departures = fields.Integer(
        "Daily Departures",
        domain=['OR',
            ('daily_departures', '=', None),
            ('daily_departures', '>=', 0)],
        help="The average number of departures a day.")
    stage = fields.Selection(
        STAGES, "Deployment Stage", readonly=True, required=True,
        sort=False,
        help="Derived from the station's survey, cut-over plan and "
        "acceptance.")
    stage_string = stage.translated('stage')

    @classmethod
    def default_grade_scheme(cls):
        return 'jtt200_2004'

    @classmethod
    def default_stage(cls):
        return 'not_started'

    def get_graded(self, name):
        return self.grade in GRADED

    @classmethod
    def search_graded(cls, name, clause):
        _, operator, value = clause
        if (operator == '=') == bool(value):
            return [('grade', 'in', sorted(GRADED))]
        return ['OR', ('grade', 'not in', sorted(GRADED)),
            ('grade', '=', None)]

    @classmethod
    def validate_fields(cls, stations, field_names):
        super().validate_fields(stations, field_names)
        if not field_names or field_names & {'grade', 'grade_scheme'}:
            for station in stations:
                station.check_grade()

    def check_grade(self):
        if self.grade and self.grade not in GRADES[self.grade_scheme]:
            pool = Pool()
            Station = pool.get('gd.station')
            grade = dict(Station.fields_get(['grade'])['grade']['selection'])
            scheme = dict(Station.fields_get(
                    ['grade_scheme'])['grade_scheme']['selection'])
            raise StationError(gettext(
                    'gd_deploy.msg_station_grade_scheme',
                    station=self.rec_name, grade=grade[self.grade],
                    scheme=scheme[self.grade_scheme]))

    def compute_stage(self):
        """Return the deployment stage from the station's records.

        accepted: an acceptance passed; switched: a plan switched;
        planned: a plan confirmed by the tech company, or reopened by a
        failed acceptance; surveyed: a survey submitted or accepted."""
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        Plan = pool.get('gd.cutover.plan')
        Acceptance = pool.get('gd.acceptance')
        if Acceptance.search([
                    ('station', '=', self.id),
                    ('state', '=', 'passed'),
                    ], limit=1):
            return 'accepted'
        plans = Plan.search([
                ('station', '=', self.id),
                ('state', 'in', ['confirmed', 'reopened', 'switched']),
                ])
        if any(p.state == 'switched' for p in plans):
            return 'switched'
        elif plans:
            return 'planned'
        elif Survey.search([
                    ('station', '=', self.id),
                    ('state', 'in', ['submitted', 'accepted']),
                    ], limit=1):
            return 'surveyed'
        return 'not_started'

    @classmethod
    def update_stages(cls, stations):
        "Store the stage of the stations from their records"
        # The stage derives from records the user may not all read, and it
        # needs no write access to the station to change it
        with without_check_access():
            to_save = []
            for station in cls.browse({s.id for s in stations}):
                stage = station.compute_stage()
                if station.stage != stage:
                    station.stage = stage
                    to_save.append(station)
            cls.save(to_save)


def selection_string(record, name):
    "The string of the value of selection field name of record"
    value = getattr(record, name)
    return dict(record.fields_get([name])[name]['selection']).get(
        value, value or '')


def format_date(date):
    "The date in the reader's language"
    return Pool().get('ir.lang').get().strftime(date)


def check_role(records, group, message, **kwargs):
    """Raise message unless the user is in group (a role of gd_documents);
    the message gets the first record's name as record"""
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    if not records or not Transaction().user:
        return
    if ModelData.get_id('gd_documents', group) not in User.get_groups():
        raise StepAccessError(gettext(
                message, record=records[0].rec_name, **kwargs))


def check_own_station(records, message):
    "Raise message unless the user belongs to the records' stations"
    User = Pool().get('res.user')
    if not records or not Transaction().user:
        return
    stations = set(User.get_gd_stations())
    for record in records:
        if record.station.id not in stations:
            raise StepAccessError(gettext(message, record=record.rec_name))


def check_state(records, states, message, name):
    """Raise message for the first record not in states: Workflow.transition
    skips them silently. The message gets the record's name as name."""
    for record in records:
        if record.state not in states:
            raise WorkflowError(gettext(
                    message, **{name: record.rec_name},
                    state=selection_string(record, 'state')))


class StationStageMixin:
    "Keep the deployment stage of the records' stations up to date"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode in {'create', 'write'}:
            Station = Pool().get('gd.station')
            Station.update_stages([r.station for r in records])

    @classmethod
    def on_delete(cls, records):
        callback = super().on_delete(records)
        Station = Pool().get('gd.station')
        stations = [r.station for r in records]
        callback.append(lambda: Station.update_stages(stations))
        return callback


class StationRecordMixin(StationStageMixin):
    """A record of one station (survey, cut-over plan, acceptance): named
    after its station, searched by its city"""
    __slots__ = ()

    @fields.depends('station', '_parent_station.city')
    def on_change_with_city(self, name=None):
        return self.station.city if self.station else None

    @classmethod
    def search_city(cls, name, clause):
        nested = clause[0][len(name):]
        return [('station.city' + nested, *clause[1:])]

    def get_rec_name(self, name):
        return self.station.rec_name if self.station else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('station.rec_name', *clause[1:])]


class StationFilingMixin(StationRecordMixin):
    """A record a station files in the running programme (survey, cut-over
    plan): a station user's own station and the running programme by
    default"""
    __slots__ = ()

    @classmethod
    def default_programme(cls):
        Programme = Pool().get('gd.programme')
        programme = Programme.get_running()
        return programme.id if programme else None

    @classmethod
    def default_station(cls):
        User = Pool().get('res.user')
        stations = User.get_gd_stations()
        return stations[0] if len(stations) == 1 else None
