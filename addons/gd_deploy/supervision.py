# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"The department's supervision of slow cities (督导、约谈、通报)"
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import WorkflowError
from .progress import province_counts, stage_counts


class Supervision(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.supervision'
    __string__ = "Supervision"

    _states = {'readonly': ~Eval('state').in_(['proposed', 'open'])}

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT',
        states=_states)
    city = fields.Many2One(
        'gd.city', "City", required=True, ondelete='RESTRICT',
        states=_states)
    kind = fields.Selection([
            ('visit', "Supervision Visit"),
            ('interview', "Interview"),
            ('notice', "Public Notice"),
            ], "Kind", required=True, states=_states)
    cause = fields.Selection([
            ('late_report', "Report Late or Missing"),
            ('roster', "Working Group Missing"),
            ('lagging', "Progress Below the Province"),
            ('other', "Other"),
            ], "Cause", required=True, states=_states)
    key = fields.Char(
        "Key", readonly=True,
        help="Identifies what a proposal is about, so it is made once.")
    reason = fields.Text("Reason", required=True, states=_states)
    date = fields.Date("Date", states=_states)
    outcome = fields.Text(
        "Outcome", states={
            'readonly': Eval('state').in_(['closed', 'dismissed']),
            'required': Eval('state') == 'closed',
            })
    state = fields.Selection([
            ('proposed', "Proposed"),
            ('open', "Open"),
            ('closed', "Closed"),
            ('dismissed', "Dismissed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC NULLS FIRST'), ('id', 'DESC')]
        cls._transitions |= {
            ('proposed', 'open'),
            ('proposed', 'dismissed'),
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': ~Eval('state').in_(['proposed', 'closed']),
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'dismiss': {
                    'invisible': Eval('state') != 'proposed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'proposed'

    @classmethod
    def default_kind(cls):
        return 'visit'

    @classmethod
    def default_cause(cls):
        return 'other'

    def get_rec_name(self, name):
        return f'{self.city.rec_name} {self.kind_string}'

    kind_string = kind.translated('kind')

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, supervisions):
        Date = Pool().get('ir.date')
        for supervision in supervisions:
            if not supervision.date:
                supervision.date = Date.today()
        cls.save(supervisions)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, supervisions):
        for supervision in supervisions:
            if not (supervision.outcome or '').strip():
                raise WorkflowError(gettext(
                        'gd_deploy.msg_supervision_outcome',
                        supervision=supervision.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('dismissed')
    def dismiss(cls, supervisions):
        pass

    @classmethod
    def propose(cls, programme, date):
        """Propose the supervisions the programme's state calls for on date:
        reports past their due date, rosters missing after theirs, cities
        whose progress is well below the province's; each once"""
        pool = Pool()
        City = pool.get('gd.city')
        Report = pool.get('gd.progress.report')
        Group = pool.get('gd.working_group')
        cities = {c.id: c for c in City.search([])}
        proposals = []

        months = programme.report_months(date)
        reports = {(r.city.id, r.month): r for r in Report.search([
                    ('programme', '=', programme.id),
                    ('month', 'in', months),
                    ])}
        for month in months:
            due = programme.report_due_date(month)
            for city in cities.values():
                report = reports.get((city.id, month))
                if report and report.state == 'submitted' and (
                        not report.submitted_late):
                    continue
                proposals.append((city, 'late_report',
                        f'late_report:{city.id}:{month:%Y-%m}',
                        gettext('gd_deploy.msg_supervision_late_report',
                            city=city.rec_name, month=f'{month:%Y-%m}',
                            due_date=due.isoformat())))

        roster = programme.milestone('roster')
        if roster and roster.due_date < date:
            submitted = {g.city.id for g in Group.search([
                        ('programme', '=', programme.id),
                        ('state', '=', 'submitted'),
                        ])}
            for city in cities.values():
                if city.id not in submitted:
                    proposals.append((city, 'roster', f'roster:{city.id}',
                            gettext('gd_deploy.msg_supervision_roster',
                                city=city.rec_name,
                                due_date=roster.due_date.isoformat())))

        province = province_counts()
        if province['graded_stations']:
            share = province['switched'] / province['graded_stations']
            threshold = share * programme.lag_threshold / 100
            for city_id, counts in stage_counts().items():
                city_share = (counts['switched'] / counts['graded_stations']
                    if counts['graded_stations'] else 0)
                if city_share < threshold:
                    city = cities[city_id]
                    proposals.append((city, 'lagging',
                            f'lagging:{city.id}:{date:%Y-%m}',
                            gettext('gd_deploy.msg_supervision_lagging',
                                city=city.rec_name,
                                city_share=f'{city_share:.0%}',
                                share=f'{share:.0%}')))

        existing = {s.key for s in cls.search([
                    ('programme', '=', programme.id),
                    ('key', 'in', [p[2] for p in proposals]),
                    ])}
        to_create = [cls(
                programme=programme, city=city, cause=cause, key=key,
                reason=reason, kind='visit', state='proposed')
            for city, cause, key, reason in proposals if key not in existing]
        cls.save(to_create)
        return to_create

    @classmethod
    def propose_all(cls):
        "Propose the supervisions of every running programme (cron)"
        pool = Pool()
        Programme = pool.get('gd.programme')
        Date = pool.get('ir.date')
        for programme in Programme.search([('state', '=', 'running')]):
            cls.propose(programme, Date.today())


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gd.supervision|propose_all', "Propose Supervisions"))


class Programme(metaclass=PoolMeta):
    __name__ = 'gd.programme'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'propose_supervisions': {
                    'invisible': Eval('state') != 'running',
                    'depends': ['state'],
                    },
                })

    @classmethod
    @ModelView.button_action('gd_deploy.act_supervision_form')
    def propose_supervisions(cls, programmes):
        "The department asks which cities call for supervision today"
        pool = Pool()
        Supervision = pool.get('gd.supervision')
        Date = pool.get('ir.date')
        for programme in programmes:
            Supervision.propose(programme, Date.today())
