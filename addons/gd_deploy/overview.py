# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The department's overview of the province, city by city"
from sql import Literal, Null
from sql.aggregate import Count, Min
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from .station import GRADED, STAGES

STAGE_INDEX = {s: i for i, (s, _) in enumerate(STAGES)}


def _reached(station, stage):
    "Count the stations at stage or beyond"
    reached = [s for s, i in STAGE_INDEX.items()
        if i >= STAGE_INDEX[stage]]
    return Count(Case((station.stage.in_(reached), station.id)))


class CityOverview(ModelSQL, ModelView):
    "The deployment of each city's graded stations"
    __name__ = 'gd.deploy.overview'
    __string__ = "Deployment Overview"

    city = fields.Many2One('gd.city', "City")
    graded_stations = fields.Integer("Graded Stations")
    surveyed = fields.Integer("Surveyed")
    planned = fields.Integer("Planned")
    switched = fields.Integer("Switched")
    accepted = fields.Integer("Accepted")
    switched_share = fields.Function(
        fields.Float("Switched Share", digits=(3, 4)), 'get_share')
    late_reports = fields.Function(
        fields.Integer("Late Reports"), 'get_counts')
    open_supervisions = fields.Function(
        fields.Integer("Open Supervisions"), 'get_counts')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('city.code', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        City = pool.get('gd.city')
        Station = pool.get('gd.station')
        city = City.__table__()
        station = Station.__table__()
        graded = station.grade.in_(sorted(GRADED)) & (
            station.active == Literal(True))
        join = city.join(station, 'LEFT',
            condition=(station.city == city.id) & graded)
        return join.select(
            city.id.as_('id'),
            city.id.as_('city'),
            Count(station.id).as_('graded_stations'),
            *(_reached(station, s).as_(s)
                for s in ['surveyed', 'planned', 'switched', 'accepted']),
            Min(city.create_uid).as_('create_uid'),
            Min(city.create_date).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            where=city.active == Literal(True),
            group_by=[city.id])

    def get_share(self, name):
        return round((self.switched or 0) / self.graded_stations, 4) if (
            self.graded_stations) else 0.0

    @classmethod
    def get_counts(cls, rows, names):
        pool = Pool()
        Report = pool.get('gd.progress.report')
        Supervision = pool.get('gd.supervision')
        ids = [r.id for r in rows]
        result = {n: dict.fromkeys(ids, 0) for n in names}
        # The counts ignore the rules of the models counted: the overview's
        # own rule scopes the rows
        with without_check_access():
            if 'late_reports' in names:
                for report in Report.search([
                            ('city', 'in', ids), ('late', '=', True)]):
                    result['late_reports'][report.city.id] += 1
            if 'open_supervisions' in names:
                for supervision in Supervision.search([
                            ('city', 'in', ids),
                            ('state', 'in', ['proposed', 'open'])]):
                    result['open_supervisions'][supervision.city.id] += 1
        return result


class ReportPunctuality(ModelSQL, ModelView):
    "How many reports of each month came on time, late or not at all"
    __name__ = 'gd.progress.report.punctuality'
    __string__ = "Report Punctuality"

    month = fields.Date("Month")
    on_time = fields.Integer("On Time")
    late = fields.Integer("Late")
    missing = fields.Function(fields.Integer("Missing"), 'get_missing')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('month', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Report = Pool().get('gd.progress.report')
        report = Report.__table__()
        submitted = report.state == 'submitted'
        return report.select(
            Min(report.id).as_('id'),
            report.month.as_('month'),
            Count(Case((submitted & (report.submitted_late != Literal(True)),
                        report.id))).as_('on_time'),
            Count(Case((submitted & (report.submitted_late == Literal(True)),
                        report.id))).as_('late'),
            Min(report.create_uid).as_('create_uid'),
            Min(report.create_date).as_('create_date'),
            Literal(Null).as_('write_uid'),
            Literal(Null).as_('write_date'),
            group_by=[report.month])

    def get_missing(self, name):
        City = Pool().get('gd.city')
        return max(0, City.search_count([]) - self.on_time - self.late)
