# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The programme's generated documents, written by the document engine of
gd_documents"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.modules.gd_documents import style
from trytond.modules.gd_documents.report import (
    DocxReport, PdfReport, XlsxReport)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.wizard import Button, StateReport, StateView, Wizard

from .exceptions import AcceptanceError, ProgrammeError
from .programme import previous_month
from .progress import INDICATORS, stage_counts


def _strings(model_name, names):
    "The labels of the fields of model_name in the reader's language"
    Model = Pool().get(model_name)
    return {n: d['string'] for n, d in Model.fields_get(names).items()}


class ConsolidatedSurveyReport(XlsxReport):
    """The consolidated station-system survey (annex 2): one row per station
    with the columns of the annex, as XLSX"""
    __name__ = 'gd.station.survey.consolidated'

    COLUMNS = [
        # survey field, width, kind
        ('system_name', 18, 'text'),
        ('system_vendor', 18, 'text'),
        ('channels', 20, 'text'),
        ('ticket_windows', 8, 'integer'),
        ('check_gates', 8, 'integer'),
        ('peripherals', 34, 'text'),
        ('network_kind', 10, 'text'),
        ('bandwidth', 8, 'integer'),
        ('server_count', 8, 'integer'),
        ('daily_departures', 10, 'integer'),
        ('yearly_passengers', 12, 'integer'),
        ('real_name_method', 12, 'text'),
        ('provincial_interface', 24, 'text'),
        ('contacts', 26, 'text'),
        ('state', 10, 'text'),
        ]
    CHANNELS = [
        'channel_window', 'channel_self_service', 'channel_online',
        'channel_wechat', 'channel_agency']

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Survey = pool.get('gd.station.survey')
        Programme = pool.get('gd.programme')
        Date = pool.get('ir.date')
        programme_id = Transaction().context.get('programme')
        programme = (Programme(programme_id) if programme_id
            else Programme.get_running())
        stations = sorted(records, key=lambda s: (s.city.code, s.code))
        surveys = {}
        if programme:
            surveys = {s.station.id: s for s in Survey.search([
                        ('programme', '=', programme.id),
                        ('station', 'in', [s.id for s in stations]),
                        ])}
        labels = _strings('gd.station.survey', [
                c for c, _, _ in cls.COLUMNS if c != 'channels']
            + cls.CHANNELS)
        station_labels = _strings('gd.station', ['city', 'name', 'grade'])
        columns = [
            style.Column(
                gettext('gd_documents.msg_report_row'), 6, 'integer'),
            style.Column(station_labels['city'], 10),
            style.Column(station_labels['name'], 22),
            style.Column(station_labels['grade'], 8),
            ]
        for name, width, kind in cls.COLUMNS:
            label = (gettext('gd_deploy.msg_report_channels')
                if name == 'channels' else labels[name])
            columns.append(style.Column(label, width, kind))

        rows, answered = [], 0
        for i, station in enumerate(stations, 1):
            survey = surveys.get(station.id)
            row = [i, station.city.rec_name, station.name,
                station.grade_string or '']
            if survey:
                answered += 1
                row.extend(cls._survey_cells(survey, labels))
            else:
                row.extend([''] * (len(cls.COLUMNS) - 1))
                row.append(gettext('gd_deploy.msg_report_no_survey'))
            rows.append(row)
        totals = [''] * len(columns)
        totals[1] = gettext('gd_documents.msg_report_total')
        totals[2] = len(stations)
        for index, (_, _, kind) in enumerate(cls.COLUMNS, 4):
            if kind == 'integer':
                totals[index] = sum(r[index] or 0 for r in rows)

        title = gettext('gd_deploy.msg_report_consolidated_survey')
        return style.Content(
            title=title,
            sheet=gettext('gd_deploy.msg_report_consolidated_survey_sheet'),
            subtitle=gettext(
                'gd_deploy.msg_report_consolidated_survey_subtitle',
                programme=programme.rec_name if programme else '',
                stations=len(stations), answered=answered,
                date=Date.today().isoformat()),
            blocks=[style.Table(columns=columns, rows=rows, totals=totals)])

    @classmethod
    def _survey_cells(cls, survey, labels):
        channels = [labels[c] for c in cls.CHANNELS if getattr(survey, c)]
        if survey.channel_other:
            channels.append(survey.channel_other)
        peripherals = '；'.join(
            f'{p.kind_string}×{p.count}'
            + (f'（{p.model}）' if p.model else '')
            for p in survey.peripherals)
        contacts = '；'.join(
            ' '.join(filter(None, [c.name, c.post, c.phone]))
            for c in survey.contacts)
        values = {
            'channels': '、'.join(channels),
            'peripherals': peripherals,
            'contacts': contacts,
            'network_kind': survey.network_kind_string or '',
            'real_name_method': survey.real_name_method_string or '',
            'state': survey.state_string,
            }
        return [
            values[name] if name in values else getattr(survey, name)
            for name, _, _ in cls.COLUMNS]


class RosterReport(XlsxReport):
    """The working groups' roster in the layout of annex 1 (各地市工作组人员
    信息表): one block of rows per city, the leading official first"""
    __name__ = 'gd.working_group.roster'

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Date = pool.get('ir.date')
        groups = sorted(records, key=lambda g: g.city.code)
        member = _strings('gd.working_group.member', [
                'name', 'unit', 'post', 'phone', 'email', 'contact'])
        group = _strings('gd.working_group', ['city', 'leader_name'])
        columns = [
            style.Column(
                gettext('gd_documents.msg_report_row'), 6, 'integer'),
            style.Column(group['city'], 10),
            style.Column(gettext('gd_deploy.msg_report_roster_role'), 12),
            style.Column(member['name'], 10),
            style.Column(member['unit'], 22),
            style.Column(member['post'], 14),
            style.Column(member['phone'], 16),
            style.Column(member['email'], 24),
            style.Column(member['contact'], 8),
            ]
        rows = []
        leader = gettext('gd_deploy.msg_report_roster_leader')
        role = gettext('gd_deploy.msg_report_roster_member')
        yes = gettext('gd_deploy.msg_report_roster_yes')
        for wg in groups:
            rows.append([len(rows) + 1, wg.city.rec_name, leader,
                    wg.leader_name, '', wg.leader_post or '', '', '', ''])
            for m in wg.members:
                rows.append([len(rows) + 1, wg.city.rec_name, role, m.name,
                        m.unit, m.post or '', m.phone or '', m.email or '',
                        yes if m.contact else ''])
        title = gettext('gd_deploy.msg_report_roster')
        return style.Content(
            title=title,
            sheet=gettext('gd_deploy.msg_report_roster_sheet'),
            subtitle=gettext('gd_deploy.msg_report_roster_subtitle',
                cities=len(groups), date=Date.today().isoformat()),
            blocks=[style.Table(columns=columns, rows=rows)])


def _month(data):
    """The month a report is about: data['month'] ('YYYY-MM' or a date),
    else the previous month, whose reports are due now"""
    pool = Pool()
    Date = pool.get('ir.date')
    month = (data or {}).get('month')
    if not month:
        return previous_month(Date.today())
    if isinstance(month, str):
        try:
            month = dt.datetime.strptime(month[:7], '%Y-%m').date()
        except ValueError as exception:
            raise ProgrammeError(gettext(
                    'gd_deploy.msg_report_month_format', month=month)
                ) from exception
    return month.replace(day=1)


def _month_text(month):
    return gettext('gd_deploy.msg_report_month_text',
        year=month.year, month=month.month)


def _share(part, total):
    return round(part / total, 4) if total else 0.0


class CityReportContent:
    "The city monthly progress report, for DOCX and PDF"
    __slots__ = ()

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Station = pool.get('gd.station')
        Date = pool.get('ir.date')
        report, = records
        city = report.city
        labels = _strings('gd.progress.report', INDICATORS[:5] + [
                'city', 'month', 'state', 'due_date', 'submitted_date',
                'late', 'progress', 'problems', 'next_plan'])
        station_labels = _strings('gd.station', ['name', 'grade', 'stage'])
        yes, no = (gettext('gd_deploy.msg_report_roster_yes'),
            gettext('gd_deploy.msg_report_no'))
        month = _month_text(report.month)
        graded = report.graded_stations
        indicator_rows = [
            [labels[n], getattr(report, n), _share(getattr(report, n), graded)]
            for n in INDICATORS[:5]]
        stations = Station.search([
                ('city', '=', city.id),
                ('graded', '=', True),
                ], order=[('code', 'ASC')])
        blocks = [
            style.KeyValues([
                    (labels['city'], city.rec_name),
                    (labels['month'], month),
                    (labels['state'], report.state_string),
                    (labels['due_date'],
                        cls.format_value(report.due_date, 'date')),
                    (labels['submitted_date'],
                        cls.format_value(report.submitted_date, 'date')),
                    (labels['late'], yes if report.late else no),
                    ]),
            style.Heading(gettext('gd_deploy.msg_report_city_indicators')),
            style.Table(
                columns=[
                    style.Column(
                        gettext('gd_deploy.msg_report_indicator'), 20),
                    style.Column(
                        gettext('gd_deploy.msg_report_stations'), 10,
                        'integer'),
                    style.Column(
                        gettext('gd_deploy.msg_report_share'), 10,
                        'percent'),
                    ],
                rows=indicator_rows),
            style.Paragraph(gettext('gd_deploy.msg_report_city_shares',
                    city=city.rec_name,
                    share=cls.format_value(report.switched_share, 'percent'),
                    province=cls.format_value(
                        report.province_share, 'percent'))),
            style.Chart(
                title=gettext('gd_deploy.msg_report_city_chart',
                    city=city.rec_name, month=month),
                categories=[labels[n] for n in INDICATORS[:5]],
                series=[(gettext('gd_deploy.msg_report_stations'),
                        [getattr(report, n) for n in INDICATORS[:5]])]),
            ]
        for heading, name in [
                ('msg_report_city_progress', 'progress'),
                ('msg_report_city_problems', 'problems'),
                ('msg_report_city_next_plan', 'next_plan'),
                ]:
            blocks.append(style.Heading(gettext(f'gd_deploy.{heading}')))
            blocks.extend(style.paragraphs(getattr(report, name)))
        blocks.append(style.Table(
                title=gettext('gd_deploy.msg_report_city_stations',
                    date=cls.format_value(Date.today(), 'date')),
                columns=[
                    style.Column(
                        gettext('gd_documents.msg_report_row'), 6,
                        'integer'),
                    style.Column(station_labels['name'], 24),
                    style.Column(station_labels['grade'], 10),
                    style.Column(station_labels['stage'], 12),
                    ],
                rows=[[i, s.name, s.grade_string, s.stage_string]
                    for i, s in enumerate(stations, 1)]))
        blocks.append(style.Paragraph(gettext(
                    'gd_deploy.msg_report_city_signature',
                    city=city.rec_name,
                    date=cls.format_value(
                        report.submitted_date or Date.today(), 'date')),
                align='right'))
        title = gettext('gd_deploy.msg_report_city_title',
            city=city.rec_name)
        return style.Content(
            title=title, subtitle=month,
            number=gettext('gd_deploy.msg_report_city_number',
                code=city.code, month=report.month.strftime('%Y%m')),
            blocks=blocks)


class CityReportDocx(CityReportContent, DocxReport):
    "The city monthly progress report as DOCX"
    __name__ = 'gd.progress.report.docx'


class CityReportPdf(CityReportContent, PdfReport):
    "The city monthly progress report as PDF"
    __name__ = 'gd.progress.report.pdf'


class ProvinceSummaryContent:
    """The province monthly summary: one row per city with its indicators
    for the month and the state of its report, the province total and a
    chart, for XLSX and PDF"""
    __slots__ = ()

    @classmethod
    def city_rows(cls, programme, month):
        """Yield (city, indicators, report or None) for each city: a
        submitted report's indicators as frozen at submission, the live
        counts otherwise"""
        pool = Pool()
        City = pool.get('gd.city')
        Report = pool.get('gd.progress.report')
        reports = {r.city.id: r for r in Report.search([
                    ('programme', '=', programme.id),
                    ('month', '=', month),
                    ])}
        live = stage_counts()
        for city in City.search([], order=[('code', 'ASC')]):
            report = reports.get(city.id)
            if report and report.state == 'submitted':
                values = {n: getattr(report, n) for n in INDICATORS[:5]}
            else:
                values = {n: live.get(city.id, {}).get(n, 0)
                    for n in INDICATORS[:5]}
            yield city, values, report

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        Date = pool.get('ir.date')
        programme, = records
        month = _month(data)
        labels = _strings('gd.progress.report', INDICATORS[:5] + ['city'])
        columns = [
            style.Column(gettext('gd_documents.msg_report_row'), 6,
                'integer'),
            style.Column(labels['city'], 14),
            ] + [style.Column(labels[n], 10, 'integer')
                for n in INDICATORS[:5]] + [
            style.Column(gettext('gd_deploy.msg_report_switched_share'), 10,
                'percent'),
            style.Column(gettext('gd_deploy.msg_report_report_state'), 12),
            ]
        states = {
            'on_time': gettext('gd_deploy.msg_report_on_time'),
            'late': gettext('gd_deploy.msg_report_late'),
            'draft': gettext('gd_deploy.msg_report_draft'),
            'missing': gettext('gd_deploy.msg_report_missing_state'),
            }
        rows, counts = [], dict.fromkeys(states, 0)
        totals = dict.fromkeys(INDICATORS[:5], 0)
        for i, (city, values, report) in enumerate(
                cls.city_rows(programme, month), 1):
            if not report:
                state = 'missing'
            elif report.state != 'submitted':
                state = 'draft'
            else:
                state = 'late' if report.submitted_late else 'on_time'
            counts[state] += 1
            for name in totals:
                totals[name] += values[name]
            rows.append([i, city.rec_name]
                + [values[n] for n in INDICATORS[:5]]
                + [_share(values['switched'], values['graded_stations']),
                    states[state]])
        share = _share(totals['switched'], totals['graded_stations'])
        total_row = (['', gettext('gd_deploy.msg_report_province_total')]
            + [totals[n] for n in INDICATORS[:5]] + [share, ''])
        month_text = _month_text(month)
        blocks = [
            style.Paragraph(gettext('gd_deploy.msg_report_province_summary',
                    graded=totals['graded_stations'],
                    switched=totals['switched'],
                    accepted=totals['accepted'],
                    share=cls.format_value(share, 'percent'),
                    on_time=counts['on_time'], late=counts['late'],
                    missing=counts['missing'] + counts['draft'])),
            style.Table(columns=columns, rows=rows, totals=total_row),
            style.Chart(
                title=gettext('gd_deploy.msg_report_province_chart',
                    month=month_text),
                categories=[r[1] for r in rows],
                series=[
                    (labels['graded_stations'], [r[2] for r in rows]),
                    (labels['switched'], [r[5] for r in rows]),
                    ],
                x_title=labels['city'],
                y_title=gettext('gd_deploy.msg_report_stations')),
            ]
        return style.Content(
            title=gettext('gd_deploy.msg_report_province_title'),
            sheet=gettext('gd_deploy.msg_report_province_sheet'),
            subtitle=gettext('gd_deploy.msg_report_province_subtitle',
                programme=programme.rec_name, month=month_text,
                date=Date.today().isoformat()),
            number=programme.notice or '',
            blocks=blocks)


class ProvinceSummaryXlsx(ProvinceSummaryContent, XlsxReport):
    "The province monthly summary as XLSX, with a native chart"
    __name__ = 'gd.programme.summary.xlsx'


class ProvinceSummaryPdf(ProvinceSummaryContent, PdfReport):
    "The province monthly summary as PDF"
    __name__ = 'gd.programme.summary.pdf'


class AcceptanceCertificate(PdfReport):
    "The certificate of a passed acceptance, as PDF"
    __name__ = 'gd.acceptance.certificate'

    @classmethod
    def get_content(cls, records, data):
        acceptance, = records
        if acceptance.state != 'passed':
            raise AcceptanceError(gettext(
                    'gd_deploy.msg_certificate_not_passed',
                    acceptance=acceptance.rec_name,
                    state=acceptance.state_string))
        station = acceptance.station
        labels = _strings('gd.acceptance', [
                'station', 'city', 'switch_date', 'acceptance_date',
                'inspectors', 'conclusion', 'decided_by'])
        item_labels = _strings('gd.acceptance.item',
            ['name', 'result', 'remarks'])
        date = cls.format_value(acceptance.acceptance_date, 'date')
        issuer = gettext('gd_deploy.msg_certificate_issuer')
        return style.Content(
            title=gettext('gd_deploy.msg_certificate_title'),
            issuer=issuer,
            number=gettext('gd_deploy.msg_certificate_number',
                year=acceptance.acceptance_date.year,
                number=f'{acceptance.id:04d}'),
            blocks=[
                style.Paragraph(gettext('gd_deploy.msg_certificate_text',
                        station=station.name, city=station.city.rec_name,
                        grade=station.grade_string or '',
                        switch_date=cls.format_value(
                            acceptance.switch_date, 'date'),
                        date=date, items=len(acceptance.items))),
                style.KeyValues([
                        (labels['station'], station.name),
                        (labels['city'], station.city.rec_name),
                        (_strings('gd.station', ['grade'])['grade'],
                            station.grade_string or ''),
                        (labels['switch_date'], cls.format_value(
                                acceptance.switch_date, 'date')),
                        (labels['acceptance_date'], date),
                        (labels['inspectors'], acceptance.inspectors or ''),
                        (labels['decided_by'], acceptance.decided_by.rec_name
                            if acceptance.decided_by else ''),
                        (labels['conclusion'], acceptance.conclusion or ''),
                        ]),
                style.Table(
                    title=gettext('gd_deploy.msg_certificate_items'),
                    columns=[
                        style.Column(gettext('gd_documents.msg_report_row'),
                            6, 'integer'),
                        style.Column(item_labels['name'], 40),
                        style.Column(item_labels['result'], 6),
                        style.Column(item_labels['remarks'], 14),
                        ],
                    rows=[[i, item.name, item.result_string,
                            item.remarks or '']
                        for i, item in enumerate(acceptance.items, 1)]),
                style.Paragraph(f'{issuer}　{date}', align='right'),
                ])


class EvaluationSummary(DocxReport):
    """The programme's evaluation summary (评估总结): where each city
    stands, how it reported and what was supervised, as DOCX"""
    __name__ = 'gd.programme.evaluation'

    @classmethod
    def get_content(cls, records, data):
        pool = Pool()
        City = pool.get('gd.city')
        Report = pool.get('gd.progress.report')
        Acceptance = pool.get('gd.acceptance')
        Supervision = pool.get('gd.supervision')
        Date = pool.get('ir.date')
        programme, = records
        today = Date.today()
        labels = _strings('gd.progress.report', INDICATORS[:5] + ['city'])
        counts = stage_counts()
        months = programme.report_months(today)
        reports = Report.search([('programme', '=', programme.id)])
        supervisions = Supervision.search([
                ('programme', '=', programme.id),
                ('state', 'in', ['open', 'closed']),
                ])
        punctuality = {}
        for report in reports:
            if report.state != 'submitted' or report.month not in months:
                continue
            key = 'late' if report.submitted_late else 'on_time'
            by_city = punctuality.setdefault(report.city.id, {})
            by_city[key] = by_city.get(key, 0) + 1
            by_month = punctuality.setdefault(report.month, {})
            by_month[key] = by_month.get(key, 0) + 1
        supervised = {}
        for supervision in supervisions:
            supervised[supervision.city.id] = supervised.get(
                supervision.city.id, 0) + 1

        cities = City.search([], order=[('code', 'ASC')])
        rows = []
        totals = dict.fromkeys(INDICATORS[:5], 0)
        for i, city in enumerate(cities, 1):
            values = counts.get(city.id, {})
            for name in totals:
                totals[name] += values.get(name, 0)
            reported = punctuality.get(city.id, {})
            on_time, late = reported.get('on_time', 0), reported.get(
                'late', 0)
            rows.append([i, city.rec_name,
                    values.get('graded_stations', 0),
                    values.get('switched', 0), values.get('accepted', 0),
                    _share(values.get('switched', 0),
                        values.get('graded_stations', 0)),
                    on_time, late, len(months) - on_time - late,
                    supervised.get(city.id, 0)])
        column_totals = ['', gettext('gd_deploy.msg_report_province_total')]
        column_totals += [sum(r[c] for r in rows) for c in range(2, 5)]
        column_totals.append(
            _share(totals['switched'], totals['graded_stations']))
        column_totals += [sum(r[c] for r in rows) for c in range(6, 10)]

        acceptances = Acceptance.search([
                ('plan.programme', '=', programme.id),
                ('state', 'in', ['passed', 'failed']),
                ])
        passed = [a for a in acceptances if a.state == 'passed']
        failed = [a for a in acceptances if a.state == 'failed']
        late = [a for a in passed if a.late]
        month_rows = []
        for month in months:
            reported = punctuality.get(month, {})
            on_time, late_count = reported.get('on_time', 0), reported.get(
                'late', 0)
            month_rows.append([_month_text(month), on_time, late_count,
                    len(cities) - on_time - late_count])

        integer = 'integer'
        count_label = gettext('gd_deploy.msg_report_stations')
        blocks = [
            style.Heading(gettext('gd_deploy.msg_evaluation_overall')),
            style.Paragraph(gettext('gd_deploy.msg_evaluation_overall_text',
                    start=cls.format_value(programme.start_date, 'date'),
                    end=cls.format_value(programme.end_date, 'date'),
                    graded=totals['graded_stations'],
                    surveyed=totals['surveyed'], planned=totals['planned'],
                    switched=totals['switched'],
                    accepted=totals['accepted'],
                    share=cls.format_value(_share(
                            totals['switched'], totals['graded_stations']),
                        'percent'),
                    accepted_share=cls.format_value(_share(
                            totals['accepted'], totals['graded_stations']),
                        'percent'))),
            style.Heading(gettext('gd_deploy.msg_evaluation_cities')),
            style.Table(
                columns=[
                    style.Column(gettext('gd_documents.msg_report_row'), 5,
                        integer),
                    style.Column(labels['city'], 8),
                    style.Column(labels['graded_stations'], 7, integer),
                    style.Column(labels['switched'], 7, integer),
                    style.Column(labels['accepted'], 7, integer),
                    style.Column(
                        gettext('gd_deploy.msg_report_switched_share'), 8,
                        'percent'),
                    style.Column(gettext('gd_deploy.msg_report_on_time'), 6,
                        integer),
                    style.Column(gettext('gd_deploy.msg_report_late'), 6,
                        integer),
                    style.Column(
                        gettext('gd_deploy.msg_report_missing_state'), 6,
                        integer),
                    style.Column(
                        gettext('gd_deploy.msg_evaluation_supervisions'), 6,
                        integer),
                    ],
                rows=rows, totals=column_totals),
            style.Chart(
                title=gettext('gd_deploy.msg_evaluation_chart'),
                categories=[r[1] for r in rows],
                series=[(labels['switched'], [r[3] for r in rows]),
                    (labels['accepted'], [r[4] for r in rows])],
                y_title=count_label),
            style.Heading(gettext('gd_deploy.msg_evaluation_acceptance')),
            style.Paragraph(gettext(
                    'gd_deploy.msg_evaluation_acceptance_text',
                    passed=len(passed), failed=len(failed),
                    late=len(late))),
            style.Heading(gettext('gd_deploy.msg_evaluation_reports')),
            style.Table(
                columns=[
                    style.Column(
                        gettext('gd_deploy.msg_evaluation_month'), 12),
                    style.Column(gettext('gd_deploy.msg_report_on_time'), 8,
                        integer),
                    style.Column(gettext('gd_deploy.msg_report_late'), 8,
                        integer),
                    style.Column(
                        gettext('gd_deploy.msg_report_missing_state'), 8,
                        integer),
                    ],
                rows=month_rows),
            style.Heading(gettext('gd_deploy.msg_evaluation_supervision')),
            style.Paragraph(gettext(
                    'gd_deploy.msg_evaluation_supervision_text',
                    count=len(supervisions),
                    cities=len(supervised),
                    closed=len([s for s in supervisions
                            if s.state == 'closed']))),
            style.Paragraph(gettext('gd_documents.msg_report_printed',
                    organisation=gettext('gd_deploy.msg_certificate_issuer'),
                    date=today.isoformat()), align='right'),
            ]
        return style.Content(
            title=gettext('gd_deploy.msg_evaluation_title',
                programme=programme.rec_name),
            number=programme.notice or '',
            subtitle=gettext('gd_deploy.msg_evaluation_subtitle',
                start=programme.start_date.isoformat(),
                end=programme.end_date.isoformat()),
            blocks=blocks)


class SummaryPrintStart(ModelView):
    __name__ = 'gd.programme.summary.print.start'
    __string__ = "Print Province Monthly Summary"

    programme = fields.Many2One('gd.programme', "Programme", required=True)
    month = fields.Date(
        "Month", required=True,
        help="Any day of the month the summary is about.")


class SummaryPrint(Wizard):
    "Print the province monthly summary of a month, as XLSX or PDF"
    __name__ = 'gd.programme.summary.print'
    __string__ = "Print Province Monthly Summary"

    start = StateView(
        'gd.programme.summary.print.start',
        'gd_deploy.programme_summary_print_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Excel", 'xlsx', 'tryton-print'),
            Button("PDF", 'pdf', 'tryton-print', default=True),
            ])
    xlsx = StateReport('gd.programme.summary.xlsx')
    pdf = StateReport('gd.programme.summary.pdf')

    def default_start(self, fields):
        Date = Pool().get('ir.date')
        return {
            'programme': self.record.id if self.record else None,
            'month': previous_month(Date.today()),
            }

    def _data(self):
        programme = self.start.programme
        return {
            'model': programme.__name__,
            'id': programme.id,
            'ids': [programme.id],
            'month': self.start.month.strftime('%Y-%m'),
            }

    def do_xlsx(self, action):
        return action, self._data()

    def do_pdf(self, action):
        return action, self._data()


def month_documents(programme, month):
    """The documents of a month, as [(report name, records, data)]: the
    province summary (XLSX and PDF), then the report of each city that
    has one for the month (DOCX and PDF), in the cities' code order"""
    Report = Pool().get('gd.progress.report')
    data = {'month': month.strftime('%Y-%m')}
    documents = [
        ('gd.programme.summary.xlsx', [programme], data),
        ('gd.programme.summary.pdf', [programme], data),
        ]
    reports = Report.search([
            ('programme', '=', programme.id),
            ('month', '=', month.replace(day=1)),
            ], order=[('city.code', 'ASC')])
    for report in reports:
        documents.append(('gd.progress.report.docx', [report], {}))
        documents.append(('gd.progress.report.pdf', [report], {}))
    return documents
