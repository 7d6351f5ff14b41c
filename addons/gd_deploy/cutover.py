# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The cut-over plan of each station (annex 3 of 粤交运〔2020〕213号): the
station writes it and ticks its readiness items, the tech company confirms
its own items and the plan, the station rehearses and records the switch"""
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

from .exceptions import ModificationError, WorkflowError
from .station import (
    StationFilingMixin, check_own_station, check_role, check_state,
    format_date, selection_string)

ITEM_KINDS = [
    ('network', "Network Environment"),
    ('base_data', "Base Data"),
    ('schedule', "Schedule Data"),
    ('peripheral', "Peripheral Interface"),
    ('training', "Staff Training"),
    ('test_account', "Test Account"),
    ('production_account', "Production Account"),
    ('switch_plan', "Switch Plan"),
    ('rollback', "Rollback Plan"),
    ('other', "Other"),
    ]
CONFIRMERS = [
    ('station', "Station"),
    ('tech_company', "Technical Support Company"),
    ]

# The fields the station may change in each state of its plan
PLAN_FIELDS = {
    'draft': {
        'programme', 'station', 'planned_date', 'description',
        'rollback_plan', 'contacts', 'items', 'rehearsals'},
    'confirmed': {'switch_date', 'rehearsals'},
    'reopened': {'switch_date', 'rehearsals'},
    }
# The states in which the station ticks its readiness items
ITEM_STATES = {'draft'}
# The states in which the station records rehearsals
REHEARSAL_STATES = {'draft', 'confirmed', 'reopened'}


class ItemTemplate(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.cutover.item.template'
    __string__ = "Cut-over Readiness Item Template"

    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection(ITEM_KINDS, "Kind", required=True)
    confirmer = fields.Selection(
        CONFIRMERS, "Confirmed By", required=True,
        help="Who confirms the item: the station alone, or the tech "
        "company after the station has done it.")

    @classmethod
    def default_kind(cls):
        return 'other'

    @classmethod
    def default_confirmer(cls):
        return 'station'

    def item_values(self):
        "The values of a plan's readiness item made from the template"
        return {
            'template': self.id,
            'sequence': self.sequence,
            'name': self.name,
            'kind': self.kind,
            'confirmer': self.confirmer,
            }


class Plan(StationFilingMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.cutover.plan'
    __string__ = "Cut-over Plan"

    _states = {
        'readonly': Eval('state') != 'draft',
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
    planned_date = fields.Date(
        "Planned Switch Date", states=_states,
        help="The day the station plans to switch to the cloud system.")
    description = fields.Text(
        "Steps", states=_states,
        help="How the switch goes, step by step, and who does each step.")
    rollback_plan = fields.Text(
        "Rollback Plan", states=_states,
        help="How the station goes back to its old system if the switch "
        "fails.")
    contacts = fields.Text(
        "Contacts", states=_states,
        help="The names, posts and phones of the station's and the tech "
        "company's people for the switch.")
    items = fields.One2Many(
        'gd.cutover.plan.item', 'plan', "Readiness Items", states=_states)
    rehearsals = fields.One2Many(
        'gd.cutover.rehearsal', 'plan', "Rehearsals",
        states={
            'readonly': ~Eval('state').in_(sorted(REHEARSAL_STATES)),
            })
    switch_date = fields.Date(
        "Switch Date",
        states={
            'readonly': ~Eval('state').in_(['confirmed', 'reopened']),
            },
        help="The day the station switched; recorded by the station once "
        "it has switched.")
    submitted_date = fields.Date("Submitted Date", readonly=True)
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed By", readonly=True, ondelete='RESTRICT')
    confirmed_date = fields.Date("Confirmed Date", readonly=True)
    reopened_date = fields.Date(
        "Reopened Date", readonly=True,
        help="The date of the failed acceptance that sent the station back "
        "to its plan.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('ready', "Ready"),
            ('confirmed', "Confirmed"),
            ('switched', "Switched"),
            ('reopened', "Reopened"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False,
        help="Reopened: an acceptance failed; the station rehearses and "
        "switches again.")

    # Fields only the workflow writes
    _workflow_fields = {
        'state', 'submitted_date', 'confirmed_by', 'confirmed_date',
        'reopened_date'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('programme_station_active_exclude',
                Exclude(t, (t.programme, Equal), (t.station, Equal),
                    where=t.state != 'cancelled'),
                'gd_deploy.msg_plan_unique'),
            ]
        cls._order = [('programme', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'ready'),
            ('ready', 'confirmed'),
            ('ready', 'draft'),
            ('confirmed', 'draft'),
            ('confirmed', 'switched'),
            ('switched', 'reopened'),
            ('reopened', 'switched'),
            ('draft', 'cancelled'),
            ('ready', 'cancelled'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': ~Eval('state').in_(['ready', 'confirmed']),
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'ready',
                    'depends': ['state'],
                    },
                'switch': {
                    'invisible': ~Eval('state').in_(
                        ['confirmed', 'reopened']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'ready']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_items(cls):
        "The readiness items of annex 3, from the templates kept as data"
        Template = Pool().get('gd.cutover.item.template')
        return [t.item_values() for t in Template.search([])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'reopened', 'warning',
                    If(Eval('state') == 'switched', 'success', ''))),
            ]

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def check_modification(cls, mode, plans, values=None, external=False):
        super().check_modification(
            mode, plans, values=values, external=external)
        if not external:
            return
        if mode == 'write' and values.keys() & cls._workflow_fields:
            field = sorted(values.keys() & cls._workflow_fields)[0]
            for plan in plans:
                raise ModificationError(gettext(
                        'gd_deploy.msg_plan_workflow_field',
                        plan=plan.rec_name,
                        field=cls.fields_get([field])[field]['string']))
        for plan in plans:
            if mode == 'create':
                if (plan.state != 'draft' or plan.switch_date
                        or any(getattr(plan, f, None)
                            for f in cls._workflow_fields - {'state'})):
                    raise ModificationError(gettext(
                            'gd_deploy.msg_plan_create_draft',
                            plan=plan.rec_name))
            elif mode == 'delete':
                if plan.state != 'draft' or plan.submitted_date:
                    raise ModificationError(gettext(
                            'gd_deploy.msg_plan_delete',
                            plan=plan.rec_name,
                            state=selection_string(plan, 'state')))
            else:
                refused = values.keys() - PLAN_FIELDS.get(plan.state, set())
                if refused:
                    field = sorted(refused)[0]
                    raise ModificationError(gettext(
                            'gd_deploy.msg_plan_modify',
                            plan=plan.rec_name,
                            state=selection_string(plan, 'state'),
                            field=cls.fields_get([field])[field]['string']))

    @classmethod
    def copy(cls, plans, default=None):
        default = default.copy() if default is not None else {}
        for name in cls._workflow_fields - {'state'}:
            default.setdefault(name, None)
        default.setdefault('switch_date', None)
        default.setdefault('rehearsals', None)
        return super().copy(plans, default=default)

    def check_ready(self):
        "Raise unless the plan is written and every item is done"
        names = ['planned_date', 'description', 'rollback_plan', 'contacts']
        strings = self.fields_get(names)
        missing = [
            strings[n]['string'] for n in names
            if not getattr(self, n)
            or (isinstance(getattr(self, n), str)
                and not getattr(self, n).strip())]
        if missing:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_incomplete',
                    plan=self.rec_name, fields=', '.join(missing)))
        not_done = [i.name for i in self.items if not i.done]
        if not_done:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_items_not_done',
                    plan=self.rec_name, items=', '.join(not_done)))

    def check_confirmed_items(self):
        "Raise unless the tech company confirmed each of its items"
        unconfirmed = [
            i.name for i in self.items
            if i.confirmer == 'tech_company' and not i.confirmed_by]
        if unconfirmed:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_items_not_confirmed',
                    plan=self.rec_name, items=', '.join(unconfirmed)))

    def passed_rehearsals(self):
        "The passed rehearsals that count for the next switch"
        return [
            r for r in self.rehearsals
            if r.result == 'passed'
            and (not self.reopened_date or r.date >= self.reopened_date)]

    def check_switch(self, today):
        if not self.switch_date:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_switch_date', plan=self.rec_name))
        if self.switch_date > today:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_switch_future', plan=self.rec_name,
                    date=format_date(self.switch_date)))
        rehearsals = self.passed_rehearsals()
        if not rehearsals:
            if self.reopened_date:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_plan_switch_rehearsal_reopened',
                        plan=self.rec_name,
                        date=format_date(self.reopened_date)))
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_switch_rehearsal',
                    plan=self.rec_name))
        latest = max(r.date for r in rehearsals)
        if self.switch_date < latest:
            raise WorkflowError(gettext(
                    'gd_deploy.msg_plan_switch_before_rehearsal',
                    plan=self.rec_name,
                    date=format_date(self.switch_date),
                    rehearsal=format_date(latest)))

    @classmethod
    @ModelView.button
    @Workflow.transition('ready')
    def submit(cls, plans):
        "The station declares its plan ready for the tech company"
        check_state(
            plans, {'draft'},
            'gd_deploy.msg_plan_submit_state', 'plan')
        check_role(plans, 'group_station', 'gd_deploy.msg_plan_station_role')
        check_own_station(plans, 'gd_deploy.msg_plan_station_role')
        for plan in plans:
            plan.check_ready()
        cls.write(plans, {'submitted_date': cls._today()})

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, plans):
        "The tech company confirms the plan once it confirmed its items"
        check_state(
            plans, {'ready'},
            'gd_deploy.msg_plan_confirm_state', 'plan')
        check_role(
            plans, 'group_tech_company', 'gd_deploy.msg_plan_tech_role')
        for plan in plans:
            plan.check_confirmed_items()
        # The tech company has no write access to the plans: it changes
        # them only through this step, checked above
        with without_check_access():
            cls.write(plans, {
                    'confirmed_by': Transaction().user or None,
                    'confirmed_date': cls._today(),
                    })

    @classmethod
    @ModelView.button
    def draft(cls, plans):
        "The tech company sends a ready or confirmed plan back to the station"
        check_state(
            plans, {'ready', 'confirmed'},
            'gd_deploy.msg_plan_draft_state', 'plan')
        check_role(
            plans, 'group_tech_company', 'gd_deploy.msg_plan_tech_role')
        with without_check_access():
            cls._draft(plans)

    @classmethod
    @Workflow.transition('draft')
    def _draft(cls, plans):
        cls.write(plans, {
                'confirmed_by': None,
                'confirmed_date': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('switched')
    def switch(cls, plans):
        "The station records its switch, after a passed rehearsal"
        check_state(
            plans, {'confirmed', 'reopened'},
            'gd_deploy.msg_plan_switch_state', 'plan')
        check_role(plans, 'group_station', 'gd_deploy.msg_plan_station_role')
        check_own_station(plans, 'gd_deploy.msg_plan_station_role')
        today = cls._today()
        for plan in plans:
            plan.check_switch(today)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, plans):
        "The station gives up a plan not yet confirmed"
        check_state(
            plans, {'draft', 'ready'},
            'gd_deploy.msg_plan_cancel_state', 'plan')
        check_role(plans, 'group_station', 'gd_deploy.msg_plan_station_role')
        check_own_station(plans, 'gd_deploy.msg_plan_station_role')

    @classmethod
    def reopen(cls, plans, date):
        """Send the switched plans back to their stations after a failed
        acceptance on date: the switch date is cleared and only rehearsals
        from date on count for the next switch"""
        check_state(
            plans, {'switched'},
            'gd_deploy.msg_plan_reopen_state', 'plan')
        # Called by the acceptance step of the association, which has no
        # write access to the plans
        with without_check_access():
            cls._reopen(plans, date)

    @classmethod
    @Workflow.transition('reopened')
    def _reopen(cls, plans, date):
        cls.write(plans, {
                'switch_date': None,
                'reopened_date': date,
                })


class PlanLineMixin:
    "A line of a plan, changed by the station only in some states"
    __slots__ = ()
    _line_states = ITEM_STATES

    plan_state = fields.Function(
        fields.Selection('get_plan_states', "Plan State"),
        'on_change_with_plan_state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('plan')

    @classmethod
    def get_plan_states(cls):
        Plan = Pool().get('gd.cutover.plan')
        return Plan.fields_get(['state'])['state']['selection']

    @fields.depends('plan', '_parent_plan.state')
    def on_change_with_plan_state(self, name=None):
        return self.plan.state if self.plan else None

    @classmethod
    def _check_plan(cls, plan):
        if plan.state not in cls._line_states:
            raise ModificationError(gettext(
                    'gd_deploy.msg_plan_line_modify',
                    plan=plan.rec_name,
                    state=selection_string(plan, 'state'),
                    line=cls.__names__()['model']))

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if not external:
            return
        for line in lines:
            cls._check_plan(line.plan)
        if mode == 'write' and 'plan' in values:
            Plan = Pool().get('gd.cutover.plan')
            cls._check_plan(Plan(values['plan']))


class PlanItem(PlanLineMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.cutover.plan.item'
    __string__ = "Cut-over Readiness Item"
    _line_states = ITEM_STATES

    _states = {
        'readonly': (~Eval('plan_state').in_(sorted(ITEM_STATES))
            | Eval('confirmed_by')),
        }

    plan = fields.Many2One(
        'gd.cutover.plan', "Plan", required=True, ondelete='CASCADE')
    template = fields.Many2One(
        'gd.cutover.item.template', "Template", readonly=True,
        ondelete='SET NULL')
    name = fields.Char(
        "Name", required=True,
        states={
            'readonly': _states['readonly'] | Eval('template'),
            })
    kind = fields.Selection(
        ITEM_KINDS, "Kind", required=True,
        states={
            'readonly': _states['readonly'] | Eval('template'),
            })
    confirmer = fields.Selection(
        CONFIRMERS, "Confirmed By", required=True,
        states={
            'readonly': _states['readonly'] | Eval('template'),
            })
    done = fields.Boolean(
        "Done", states=_states, help="Ticked by the station once done.")
    done_date = fields.Date("Done Date", states=_states)
    remarks = fields.Text("Remarks", states=_states)
    confirmed_by = fields.Many2One(
        'res.user', "Confirmed By (Tech Company)", readonly=True,
        ondelete='RESTRICT')
    confirmed_date = fields.Date("Confirmed Date", readonly=True)

    _workflow_fields = {'confirmed_by', 'confirmed_date'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'confirm': {
                    'invisible': ((Eval('confirmer') != 'tech_company')
                        | Eval('confirmed_by')
                        | ~Eval('plan_state').in_(['draft', 'ready'])),
                    'depends': ['confirmer', 'confirmed_by', 'plan_state'],
                    },
                })

    @classmethod
    def default_kind(cls):
        return 'other'

    @classmethod
    def default_confirmer(cls):
        return 'station'

    @classmethod
    def default_done(cls):
        return False

    @fields.depends('done', 'done_date')
    def on_change_done(self):
        if self.done and not self.done_date:
            self.done_date = Pool().get('ir.date').today()
        elif not self.done:
            self.done_date = None

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('done') and not values.get('done_date'):
            values['done_date'] = Pool().get('ir.date').today()
        elif 'done' in values and not values['done']:
            values['done_date'] = None
        return values

    @classmethod
    def check_modification(cls, mode, items, values=None, external=False):
        super().check_modification(
            mode, items, values=values, external=external)
        if not external:
            return
        for item in items:
            if mode == 'write' and values.keys() & cls._workflow_fields:
                raise ModificationError(gettext(
                        'gd_deploy.msg_plan_item_confirm_field',
                        item=item.name, plan=item.plan.rec_name))
            if mode == 'create' and item.confirmed_by:
                raise ModificationError(gettext(
                        'gd_deploy.msg_plan_item_confirm_field',
                        item=item.name, plan=item.plan.rec_name))
            if mode in {'write', 'delete'} and item.confirmed_by:
                raise ModificationError(gettext(
                        'gd_deploy.msg_plan_item_confirmed',
                        item=item.name, plan=item.plan.rec_name))
            if mode == 'delete' and item.template:
                raise ModificationError(gettext(
                        'gd_deploy.msg_plan_item_delete',
                        item=item.name, plan=item.plan.rec_name))

    @classmethod
    def copy(cls, items, default=None):
        default = default.copy() if default is not None else {}
        for name in cls._workflow_fields | {'done', 'done_date'}:
            default.setdefault(name, None)
        return super().copy(items, default=default)

    @classmethod
    @ModelView.button
    def confirm(cls, items):
        """The tech company confirms, item by item, what the station did and
        it checked: environments and accounts, schedule data, peripherals"""
        check_role(
            items, 'group_tech_company', 'gd_deploy.msg_plan_item_role')
        today = Pool().get('ir.date').today()
        to_confirm = []
        for item in items:
            if item.plan.state not in {'draft', 'ready'}:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_plan_item_confirm_state',
                        item=item.name, plan=item.plan.rec_name,
                        state=selection_string(item.plan, 'state')))
            if item.confirmer != 'tech_company':
                raise WorkflowError(gettext(
                        'gd_deploy.msg_plan_item_confirm_station',
                        item=item.name, plan=item.plan.rec_name))
            if not item.done:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_plan_item_confirm_not_done',
                        item=item.name, plan=item.plan.rec_name))
            if not item.confirmed_by:
                to_confirm.append(item)
        # The tech company has no write access to the plans and their
        # items: it changes them only through this step, checked above
        with without_check_access():
            cls.write(to_confirm, {
                    'confirmed_by': Transaction().user or None,
                    'confirmed_date': today,
                    })


class Rehearsal(PlanLineMixin, ModelSQL, ModelView):
    __name__ = 'gd.cutover.rehearsal'
    __string__ = "Cut-over Rehearsal"
    _rec_name = 'scope'
    _line_states = REHEARSAL_STATES

    _states = {
        'readonly': ~Eval('plan_state').in_(sorted(REHEARSAL_STATES)),
        }

    plan = fields.Many2One(
        'gd.cutover.plan', "Plan", required=True, ondelete='CASCADE')
    date = fields.Date("Date", required=True, states=_states)
    scope = fields.Char(
        "Scope", required=True, states=_states,
        help="What was rehearsed: sales, real-name checks, boarding, "
        "data upload, rollback…")
    result = fields.Selection([
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "Result", required=True, states=_states)
    remarks = fields.Text("Remarks", states=_states)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'ASC'))

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()
