# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The programme's generated documents, written by the document engine of
gd_documents"""
from trytond.i18n import gettext
from trytond.modules.gd_documents import style
from trytond.modules.gd_documents.report import XlsxReport
from trytond.pool import Pool
from trytond.transaction import Transaction


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
