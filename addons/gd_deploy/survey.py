# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The station-system survey of each station (annex 2 of
粤交运〔2020〕213号): the station fills and submits it, the association
returns or accepts it and consolidates them"""
from trytond.i18n import gettext
from trytond.model import (
    Check, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ModificationError, StepAccessError, WorkflowError
from .station import StationFilingMixin, check_role, check_state

# The states in which the station fills the survey in
EDITABLE = {'draft', 'returned'}


def _non_negative(name):
    return ['OR', (name, '=', None), (name, '>=', 0)]


class Survey(StationFilingMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.station.survey'
    __string__ = "Station Survey"

    _states = {
        'readonly': ~Eval('state').in_(sorted(EDITABLE)),
        }

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT',
        states=_states)
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE',
        states=_states)
    city = fields.Function(
        fields.Many2One('gd.city', "City"),
        'on_change_with_city', searcher='search_city')

    # Current system
    system_name = fields.Char(
        "Station System", states=_states,
        help="The name of the station-affairs system in use.")
    system_vendor = fields.Char(
        "Vendor", states=_states,
        help="The company that supplies and maintains the system.")
    system_version = fields.Char("Version", states=_states)

    # Sales and gates
    channel_window = fields.Boolean("Ticket Windows", states=_states)
    channel_self_service = fields.Boolean(
        "Self-Service Machines", states=_states)
    channel_online = fields.Boolean(
        "Website or App", states=_states)
    channel_wechat = fields.Boolean(
        "WeChat Mini Program", states=_states)
    channel_agency = fields.Boolean(
        "Agencies", states=_states,
        help="Ticket offices outside the station.")
    channel_other = fields.Char("Other Channels", states=_states)
    ticket_windows = fields.Integer(
        "Number of Ticket Windows", states=_states,
        domain=_non_negative('ticket_windows'))
    check_gates = fields.Integer(
        "Number of Check Gates", states=_states,
        domain=_non_negative('check_gates'))

    peripherals = fields.One2Many(
        'gd.station.survey.peripheral', 'survey', "Peripherals",
        states=_states)

    # Network and servers
    network_kind = fields.Selection([
            (None, ""),
            ('dedicated', "Dedicated Line"),
            ('broadband', "Broadband"),
            ('mobile', "Mobile Network (4G/5G)"),
            ('other', "Other"),
            ], "Network Line", states=_states)
    network_kind_string = network_kind.translated('network_kind')
    bandwidth = fields.Integer(
        "Bandwidth (Mbps)", states=_states,
        domain=['OR', ('bandwidth', '=', None), ('bandwidth', '>', 0)])
    server_count = fields.Integer(
        "Number of Servers", states=_states,
        domain=_non_negative('server_count'))
    server_description = fields.Text(
        "Servers", states=_states,
        help="Where the servers stand, what they run, their age.")

    # Volume and real-name checks
    daily_departures = fields.Integer(
        "Daily Departures", states=_states,
        domain=_non_negative('daily_departures'))
    yearly_passengers = fields.Integer(
        "Yearly Passengers", states=_states,
        domain=_non_negative('yearly_passengers'))
    real_name_method = fields.Selection([
            (None, ""),
            ('manual', "Manual Check"),
            ('id_reader', "ID-Card Reader"),
            ('face', "Face Recognition"),
            ('gate', "Real-Name Gate"),
            ], "Real-Name Check", states=_states,
        help="How the station checks that ticket, person and ID match.")
    real_name_method_string = real_name_method.translated('real_name_method')
    real_name_remarks = fields.Text("Real-Name Remarks", states=_states)

    # Interfaces and contacts
    provincial_interface = fields.Text(
        "Provincial Platform Interfaces", states=_states,
        help="The interfaces the system has with the provincial networked "
        "ticketing platform.")
    contacts = fields.One2Many(
        'gd.station.survey.contact', 'survey', "Contacts", states=_states)

    # Dates and workflow
    due_date = fields.Function(
        fields.Date("Due Date"), 'on_change_with_due_date')
    extended_due_date = fields.Date(
        "Extended Due Date", readonly=True,
        help="Set by the association to let the station submit late.")
    extension_reason = fields.Text("Extension Reason", readonly=True)
    late = fields.Function(
        fields.Boolean("Late"), 'get_late', searcher='search_late')
    submitted_date = fields.Date("Submitted Date", readonly=True)
    returned_reason = fields.Text("Returned Reason", readonly=True)
    returned_date = fields.Date("Returned Date", readonly=True)
    accepted_by = fields.Many2One(
        'res.user', "Accepted By", readonly=True, ondelete='RESTRICT')
    accepted_date = fields.Date("Accepted Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('returned', "Returned"),
            ('accepted', "Accepted"),
            ], "State", readonly=True, required=True, sort=False)

    # Fields only the workflow writes
    state_string = state.translated('state')
    _workflow_fields = {
        'state', 'extended_due_date', 'extension_reason', 'submitted_date',
        'returned_reason', 'returned_date', 'accepted_by', 'accepted_date'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('programme_station_unique', Unique(t, t.programme, t.station),
                'gd_deploy.msg_survey_unique'),
            ]
        cls._order = [('programme', 'DESC'), ('id', 'ASC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'returned'),
            ('submitted', 'accepted'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(sorted(EDITABLE)),
                    'depends': ['state'],
                    },
                'return_': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'extend': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @fields.depends('station', 'daily_departures')
    def on_change_station(self):
        if self.station and self.daily_departures is None:
            self.daily_departures = self.station.daily_departures

    @fields.depends('programme', 'extended_due_date')
    def on_change_with_due_date(self, name=None):
        "The extended due date or the programme's survey due date"
        if self.extended_due_date:
            return self.extended_due_date
        milestone = (
            self.programme.milestone('survey') if self.programme else None)
        if milestone:
            return milestone.due_date

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    def get_late(self, name):
        return bool(
            self.state == 'draft' and self.due_date
            and self.due_date < self._today())

    @classmethod
    def search_late(cls, name, clause):
        _, operator, value = clause
        today = cls._today()
        domain = ['AND',
            ('state', '=', 'draft'),
            ['OR',
                [('extended_due_date', '!=', None),
                    ('extended_due_date', '<', today)],
                [('extended_due_date', '=', None),
                    ('programme.milestones', 'where', [
                            ('kind', '=', 'survey'),
                            ('due_date', '<', today),
                            ])],
                ]]
        if (operator == '=') != bool(value):
            domain = [('id', 'not where', domain)]
        return domain

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('late', False), 'danger',
                    If(Eval('state') == 'returned', 'warning',
                        If(Eval('state') == 'accepted', 'success', '')))),
            ]

    def _state_string(self):
        return dict(self.fields_get(['state'])['state']['selection'])[
            self.state]

    @classmethod
    def check_modification(cls, mode, surveys, values=None, external=False):
        super().check_modification(
            mode, surveys, values=values, external=external)
        if not external:
            return
        fields_string = None
        if mode == 'write' and values.keys() & cls._workflow_fields:
            field = sorted(values.keys() & cls._workflow_fields)[0]
            fields_string = cls.fields_get([field])[field]['string']
        for survey in surveys:
            if fields_string:
                raise ModificationError(gettext(
                        'gd_deploy.msg_survey_workflow_field',
                        survey=survey.rec_name, field=fields_string))
            if mode == 'create':
                if (survey.state != 'draft'
                        or any(getattr(survey, f, None)
                            for f in cls._workflow_fields - {'state'})):
                    raise ModificationError(gettext(
                            'gd_deploy.msg_survey_create_draft',
                            survey=survey.rec_name))
            elif mode == 'delete':
                if survey.state != 'draft' or survey.submitted_date:
                    raise ModificationError(gettext(
                            'gd_deploy.msg_survey_delete',
                            survey=survey.rec_name,
                            state=survey._state_string()))
            elif survey.state not in EDITABLE:
                raise ModificationError(gettext(
                        'gd_deploy.msg_survey_modify',
                        survey=survey.rec_name,
                        state=survey._state_string()))

    @classmethod
    def copy(cls, surveys, default=None):
        default = default.copy() if default is not None else {}
        for name in cls._workflow_fields - {'state'}:
            default.setdefault(name, None)
        return super().copy(surveys, default=default)

    def _missing_items(self):
        "The strings of the required items the survey lacks"
        names = [
            'system_name', 'system_vendor', 'ticket_windows', 'check_gates',
            'network_kind', 'daily_departures', 'yearly_passengers',
            'real_name_method']
        strings = self.fields_get(names)
        missing = [
            strings[n]['string'] for n in names
            if getattr(self, n) in {None, ''}]
        if not self.peripherals:
            missing.append(gettext('gd_deploy.msg_survey_item_peripheral'))
        if not any(c.phone for c in self.contacts):
            missing.append(gettext('gd_deploy.msg_survey_item_contact'))
        return missing

    def check_complete(self):
        missing = self._missing_items()
        if missing:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_survey_incomplete',
                    survey=self.rec_name,
                    items=', '.join(missing)))

    def check_due_date(self, date):
        """A first submission must come by the due date; a returned survey
        was reopened by the association and may be resubmitted"""
        if self.state == 'draft' and self.due_date and date > self.due_date:
            Lang = Pool().get('ir.lang')
            raise WorkflowError(gettext(
                    'gd_deploy.msg_survey_late',
                    survey=self.rec_name,
                    due_date=Lang.get().strftime(self.due_date)))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, surveys):
        "The station submits its survey, complete and in time"
        pool = Pool()
        User = pool.get('res.user')
        check_state(
            surveys, EDITABLE, 'gd_deploy.msg_survey_submit_state', 'survey')
        check_role(
            surveys, 'group_station', 'gd_deploy.msg_survey_submit_role',
            survey=surveys[0].rec_name if surveys else '')
        if Transaction().user:
            stations = set(User.get_gd_stations())
            for survey in surveys:
                if survey.station.id not in stations:
                    raise StepAccessError(gettext(
                            'gd_deploy.msg_survey_submit_role',
                            survey=survey.rec_name))
        today = cls._today()
        for survey in surveys:
            survey.check_complete()
            survey.check_due_date(today)
        cls.write(surveys, {'submitted_date': today})

    @classmethod
    @ModelView.button_action('gd_deploy.wizard_survey_return')
    def return_(cls, surveys):
        "The association returns the survey with a reason (a wizard asks it)"
        check_state(
            surveys, {'submitted'},
            'gd_deploy.msg_survey_return_state', 'survey')

    @classmethod
    def do_return(cls, surveys, reason):
        "Return the submitted surveys to their stations for the reason"
        check_state(
            surveys, {'submitted'},
            'gd_deploy.msg_survey_return_state', 'survey')
        if not surveys:
            return
        check_role(
            surveys, 'group_association', 'gd_deploy.msg_survey_return_role',
            survey=surveys[0].rec_name if surveys else '')
        if not (reason or '').strip():
            raise WorkflowError(gettext(
                    'gd_deploy.msg_survey_return_reason',
                    survey=surveys[0].rec_name))
        # The association has no write access to the surveys: it changes
        # them only through this step, checked above
        with without_check_access():
            cls._return(surveys, reason.strip())

    @classmethod
    @Workflow.transition('returned')
    def _return(cls, surveys, reason):
        cls.write(surveys, {
                'returned_reason': reason,
                'returned_date': cls._today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('accepted')
    def accept(cls, surveys):
        "The association accepts the survey"
        check_state(
            surveys, {'submitted'},
            'gd_deploy.msg_survey_accept_state', 'survey')
        check_role(
            surveys, 'group_association', 'gd_deploy.msg_survey_accept_role',
            survey=surveys[0].rec_name if surveys else '')
        user = Transaction().user or None
        cls.write(surveys, {
                'accepted_by': user,
                'accepted_date': cls._today(),
                })

    @classmethod
    @ModelView.button_action('gd_deploy.wizard_survey_extend')
    def extend(cls, surveys):
        "The association extends the due date (a wizard asks the date)"
        check_state(
            surveys, {'draft'},
            'gd_deploy.msg_survey_extend_state', 'survey')

    @classmethod
    def extend_due_date(cls, surveys, date, reason):
        "Let the stations submit their draft surveys until date"
        check_state(
            surveys, {'draft'},
            'gd_deploy.msg_survey_extend_state', 'survey')
        if not surveys:
            return
        check_role(
            surveys, 'group_association', 'gd_deploy.msg_survey_extend_role',
            survey=surveys[0].rec_name if surveys else '')
        if date < cls._today():
            Lang = Pool().get('ir.lang')
            raise WorkflowError(gettext(
                    'gd_deploy.msg_survey_extend_past',
                    survey=surveys[0].rec_name,
                    due_date=Lang.get().strftime(date)))
        if not (reason or '').strip():
            raise WorkflowError(gettext(
                    'gd_deploy.msg_survey_extend_reason',
                    survey=surveys[0].rec_name))
        # The association has no write access to the surveys: it changes
        # them only through this step, checked above
        with without_check_access():
            cls.write(surveys, {
                    'extended_due_date': date,
                    'extension_reason': reason.strip(),
                    })


class SurveyLineMixin:
    "A line of a survey, changed only while the station fills it in"
    __slots__ = ()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The lines take the access and the rules of their survey
        cls.__access__.add('survey')

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        for line in lines:
            survey = line.survey
            if survey.state not in EDITABLE:
                raise ModificationError(gettext(
                        'gd_deploy.msg_survey_modify',
                        survey=survey.rec_name,
                        state=survey._state_string()))
        if mode == 'write' and 'survey' in values:
            Survey = Pool().get('gd.station.survey')
            survey = Survey(values['survey'])
            if survey.state not in EDITABLE:
                raise ModificationError(gettext(
                        'gd_deploy.msg_survey_modify',
                        survey=survey.rec_name,
                        state=survey._state_string()))


class Peripheral(SurveyLineMixin, ModelSQL, ModelView):
    __name__ = 'gd.station.survey.peripheral'
    __string__ = "Station Survey Peripheral"

    survey = fields.Many2One(
        'gd.station.survey', "Survey", required=True, ondelete='CASCADE')
    kind = fields.Selection([
            ('id_card_reader', "ID-Card Reader"),
            ('ticket_printer', "Ticket Printer"),
            ('self_service', "Self-Service Machine"),
            ('gate', "Check Gate"),
            ('face_recognition', "Face Recognition"),
            ('security_scanner', "Security Scanner"),
            ('other', "Other"),
            ], "Kind", required=True)
    kind_string = kind.translated('kind')
    model = fields.Char("Model")
    manufacturer = fields.Char("Manufacturer")
    count = fields.Integer(
        "Count", required=True, domain=[('count', '>', 0)])
    remarks = fields.Char("Remarks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('count_positive', Check(t, t.count > 0),
                'gd_deploy.msg_survey_peripheral_count'),
            ]

    @classmethod
    def default_count(cls):
        return 1

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])[
            self.kind]
        return f'{kind} {self.model}' if self.model else kind


class Contact(SurveyLineMixin, ModelSQL, ModelView):
    __name__ = 'gd.station.survey.contact'
    __string__ = "Station Survey Contact"
    _rec_name = 'name'

    survey = fields.Many2One(
        'gd.station.survey', "Survey", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    post = fields.Char("Post", help="The contact's position at the station.")
    phone = fields.Char("Phone")
    email = fields.Char("E-Mail")


class ReturnStart(ModelView):
    __name__ = 'gd.station.survey.return.start'
    __string__ = "Return Station Survey"

    reason = fields.Text(
        "Reason", required=True,
        help="What the station must fix before it submits again.")


class Return(Wizard):
    __name__ = 'gd.station.survey.return'
    __string__ = "Return Station Survey"

    start = StateView(
        'gd.station.survey.return.start',
        'gd_deploy.survey_return_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Return", 'return_', 'tryton-back', default=True),
            ])
    return_ = StateTransition()

    def transition_return_(self):
        self.model.do_return(self.records, self.start.reason)
        return 'end'


class ExtendStart(ModelView):
    __name__ = 'gd.station.survey.extend.start'
    __string__ = "Extend Survey Due Date"

    due_date = fields.Date("New Due Date", required=True)
    reason = fields.Text("Reason", required=True)


class Extend(Wizard):
    __name__ = 'gd.station.survey.extend'
    __string__ = "Extend Survey Due Date"

    start = StateView(
        'gd.station.survey.extend.start',
        'gd_deploy.survey_extend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Extend", 'extend', 'tryton-ok', default=True),
            ])
    extend = StateTransition()

    def transition_extend(self):
        self.model.extend_due_date(
            self.records, self.start.due_date, self.start.reason)
        return 'end'


class Station(metaclass=PoolMeta):
    __name__ = 'gd.station'

    survey_state = fields.Function(fields.Selection([
                ('none', "No Survey"),
                ('draft', "Draft"),
                ('submitted', "Submitted"),
                ('returned', "Returned"),
                ('accepted', "Accepted"),
                ], "Survey State",
            help="The state of the station's survey in the running "
            "programme (or the programme in the context)."),
        'get_survey_state', searcher='search_survey_state')

    @classmethod
    def _survey_programme(cls):
        Programme = Pool().get('gd.programme')
        programme_id = Transaction().context.get('programme')
        if programme_id is not None:
            return programme_id
        programme = Programme.get_running()
        return programme.id if programme else -1

    @classmethod
    def get_survey_state(cls, stations, name):
        # The state alone is read without the rules on surveys, as the
        # station's deployment stage is
        Survey = Pool().get('gd.station.survey')
        survey = Survey.__table__()
        cursor = Transaction().connection.cursor()
        states = dict.fromkeys((s.id for s in stations), 'none')
        cursor.execute(*survey.select(
                survey.station, survey.state,
                where=(survey.programme == cls._survey_programme())))
        for station_id, state in cursor:
            if station_id in states:
                states[station_id] = state
        return states

    @classmethod
    def search_survey_state(cls, name, clause):
        Survey = Pool().get('gd.station.survey')
        survey = Survey.__table__()
        _, operator, value = clause
        values = set(value if operator in {'in', 'not in'} else [value])
        if operator in {'!=', 'not in'}:
            selection = {s for s, _ in cls.survey_state.selection}
            values = selection - values
        programme = survey.programme == cls._survey_programme()
        states = sorted(values - {'none'})
        domain = ['OR']
        if states:
            domain.append(('id', 'in', survey.select(
                        survey.station,
                        where=programme & survey.state.in_(states))))
        if 'none' in values:
            domain.append(('id', 'not in', survey.select(
                        survey.station, where=programme)))
        if len(domain) == 1:
            return [('id', '=', None)]
        return domain
