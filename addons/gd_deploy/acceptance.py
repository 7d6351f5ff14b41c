# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The acceptance of a switched station by the association, within the
programme's months after the switch; a failed acceptance reopens the
station's cut-over plan"""
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import AcceptanceError, ModificationError, WorkflowError
from .station import (
    StationRecordMixin, check_role, format_date, selection_string)


class ItemTemplate(DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.acceptance.item.template'
    __string__ = "Acceptance Item Template"

    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text(
        "Description", translate=True,
        help="What the inspectors check for this item.")

    def item_values(self):
        "The values of an acceptance's check item made from the template"
        return {
            'template': self.id,
            'sequence': self.sequence,
            'name': self.name,
            }


class Acceptance(StationRecordMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.acceptance'
    __string__ = "Acceptance"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    plan = fields.Many2One(
        'gd.cutover.plan', "Cut-over Plan", required=True,
        ondelete='RESTRICT', states=_states,
        help="The switched plan of the station to accept.")
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE',
        readonly=True)
    city = fields.Function(
        fields.Many2One('gd.city', "City"),
        'on_change_with_city', searcher='search_city')
    switch_date = fields.Date(
        "Switch Date", readonly=True,
        help="The plan's switch date when the acceptance was made.")
    acceptance_date = fields.Date(
        "Acceptance Date", required=True, states=_states)
    deadline = fields.Function(
        fields.Date(
            "Deadline",
            help="The programme's months after the switch."),
        'on_change_with_deadline')
    late = fields.Function(
        fields.Boolean("Late"), 'on_change_with_late')
    late_reason = fields.Text(
        "Late Reason", states=_states,
        help="Required when the acceptance is after its deadline.")
    inspectors = fields.Text(
        "Inspectors", states=_states,
        help="The names of the association's inspectors and of the other "
        "people present.")
    items = fields.One2Many(
        'gd.acceptance.item', 'acceptance', "Check Items", states=_states)
    conclusion = fields.Text(
        "Conclusion", states=_states,
        help="Required when the acceptance fails: what the station must "
        "fix before it switches again.")
    decided_by = fields.Many2One(
        'res.user', "Decided By", readonly=True, ondelete='RESTRICT')
    state = fields.Selection([
            ('draft', "Draft"),
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    # Fields only the workflow writes
    _workflow_fields = {'state', 'decided_by'}

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('plan_exclude',
                Exclude(t, (t.plan, Equal), where=t.state != 'failed'),
                'gd_deploy.msg_acceptance_unique'),
            ]
        cls._order = [('acceptance_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'passed'),
            ('draft', 'failed'),
            }
        cls._buttons.update({
                'pass_': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'fail': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_acceptance_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_items(cls):
        "The check items, from the templates kept as data"
        Template = Pool().get('gd.acceptance.item.template')
        return [t.item_values() for t in Template.search([])]

    @fields.depends('plan', '_parent_plan.station', '_parent_plan.switch_date')
    def on_change_plan(self):
        if self.plan:
            self.station = self.plan.station
            self.switch_date = self.plan.switch_date
        else:
            self.station = self.switch_date = None

    @fields.depends('plan', 'switch_date', '_parent_plan.programme')
    def on_change_with_deadline(self, name=None):
        "The programme's acceptance deadline after the switch"
        if self.plan and self.plan.programme and self.switch_date:
            return self.plan.programme.acceptance_deadline(self.switch_date)

    @fields.depends('acceptance_date', methods=['on_change_with_deadline'])
    def on_change_with_late(self, name=None):
        deadline = self.on_change_with_deadline()
        return bool(
            deadline and self.acceptance_date
            and self.acceptance_date > deadline)

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'failed', 'danger',
                    If(Eval('state') == 'passed', 'success', ''))),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        "The station and the switch date come from the plan"
        pool = Pool()
        Plan = pool.get('gd.cutover.plan')
        values = super().preprocess_values(mode, values)
        if values.get('plan'):
            plan = Plan(values['plan'])
            values['station'] = plan.station.id
            values['switch_date'] = plan.switch_date
        else:
            # They follow the plan only
            values.pop('station', None)
            values.pop('switch_date', None)
        return values

    @classmethod
    def validate_fields(cls, acceptances, field_names):
        super().validate_fields(acceptances, field_names)
        if not field_names or field_names & {
                'plan', 'acceptance_date', 'state'}:
            for acceptance in acceptances:
                acceptance.check_plan()
                acceptance.check_date()

    def check_plan(self):
        "A draft acceptance is of a switched plan"
        if self.state == 'draft' and self.plan.state != 'switched':
            raise AcceptanceError(gettext(
                    'gd_deploy.msg_acceptance_plan_switched',
                    acceptance=self.rec_name,
                    state=selection_string(self.plan, 'state')))

    def check_date(self):
        "An acceptance cannot come before the switch"
        if (self.switch_date and self.acceptance_date
                and self.acceptance_date < self.switch_date):
            raise AcceptanceError(gettext(
                    'gd_deploy.msg_acceptance_before_switch',
                    acceptance=self.rec_name,
                    date=format_date(self.acceptance_date),
                    switch_date=format_date(self.switch_date)))

    def check_late_reason(self):
        if self.late and not (self.late_reason or '').strip():
            raise WorkflowError(gettext(
                    'gd_deploy.msg_acceptance_late_reason',
                    acceptance=self.rec_name,
                    date=format_date(self.acceptance_date),
                    deadline=format_date(self.deadline)))

    @classmethod
    def check_modification(
            cls, mode, acceptances, values=None, external=False):
        super().check_modification(
            mode, acceptances, values=values, external=external)
        if not external:
            return
        if mode == 'write' and values.keys() & cls._workflow_fields:
            field = sorted(values.keys() & cls._workflow_fields)[0]
            for acceptance in acceptances:
                raise ModificationError(gettext(
                        'gd_deploy.msg_acceptance_workflow_field',
                        acceptance=acceptance.rec_name,
                        field=cls.fields_get([field])[field]['string']))
        for acceptance in acceptances:
            if mode == 'create':
                if acceptance.state != 'draft' or acceptance.decided_by:
                    raise ModificationError(gettext(
                            'gd_deploy.msg_acceptance_create_draft',
                            acceptance=acceptance.rec_name))
            elif acceptance.state != 'draft':
                raise ModificationError(gettext(
                        'gd_deploy.msg_acceptance_modify',
                        acceptance=acceptance.rec_name,
                        state=selection_string(acceptance, 'state')))

    @classmethod
    def copy(cls, acceptances, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('decided_by', None)
        return super().copy(acceptances, default=default)

    @classmethod
    def _check_decision(cls, acceptances):
        for acceptance in acceptances:
            if acceptance.state != 'draft':
                raise WorkflowError(gettext(
                        'gd_deploy.msg_acceptance_decide_state',
                        acceptance=acceptance.rec_name,
                        state=selection_string(acceptance, 'state')))
        check_role(
            acceptances, 'group_association',
            'gd_deploy.msg_acceptance_role')
        for acceptance in acceptances:
            acceptance.check_plan()
            acceptance.check_date()
            acceptance.check_late_reason()

    @classmethod
    @ModelView.button
    @Workflow.transition('passed')
    def pass_(cls, acceptances):
        "The association passes the acceptance: every item passed"
        cls._check_decision(acceptances)
        for acceptance in acceptances:
            if not acceptance.items:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_acceptance_no_items',
                        acceptance=acceptance.rec_name))
            not_passed = [
                i.name for i in acceptance.items if i.result != 'pass']
            if not_passed:
                raise WorkflowError(gettext(
                        'gd_deploy.msg_acceptance_items_not_passed',
                        acceptance=acceptance.rec_name,
                        items=', '.join(not_passed)))
        cls.write(acceptances, {'decided_by': Transaction().user or None})

    @classmethod
    @ModelView.button
    @Workflow.transition('failed')
    def fail(cls, acceptances):
        """The association fails the acceptance: an item failed; the
        station's plan is reopened"""
        Plan = Pool().get('gd.cutover.plan')
        cls._check_decision(acceptances)
        for acceptance in acceptances:
            if not any(i.result == 'fail' for i in acceptance.items):
                raise WorkflowError(gettext(
                        'gd_deploy.msg_acceptance_fail_item',
                        acceptance=acceptance.rec_name))
            if not (acceptance.conclusion or '').strip():
                raise WorkflowError(gettext(
                        'gd_deploy.msg_acceptance_fail_conclusion',
                        acceptance=acceptance.rec_name))
        cls.write(acceptances, {'decided_by': Transaction().user or None})
        for acceptance in acceptances:
            Plan.reopen([acceptance.plan], acceptance.acceptance_date)


class Item(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.acceptance.item'
    __string__ = "Acceptance Check Item"

    _states = {
        'readonly': Eval('acceptance_state') != 'draft',
        }

    acceptance = fields.Many2One(
        'gd.acceptance', "Acceptance", required=True, ondelete='CASCADE')
    acceptance_state = fields.Function(
        fields.Selection('get_acceptance_states', "Acceptance State"),
        'on_change_with_acceptance_state')
    template = fields.Many2One(
        'gd.acceptance.item.template', "Template", readonly=True,
        ondelete='SET NULL')
    name = fields.Char("Name", required=True, states=_states)
    result = fields.Selection([
            (None, ""),
            ('pass', "Pass"),
            ('fail', "Fail"),
            ], "Result", states=_states)
    result_string = result.translated('result')
    remarks = fields.Text("Remarks", states=_states)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('acceptance')

    @classmethod
    def get_acceptance_states(cls):
        Acceptance = Pool().get('gd.acceptance')
        return Acceptance.fields_get(['state'])['state']['selection']

    @fields.depends('acceptance', '_parent_acceptance.state')
    def on_change_with_acceptance_state(self, name=None):
        return self.acceptance.state if self.acceptance else None

    @classmethod
    def check_modification(cls, mode, items, values=None, external=False):
        super().check_modification(
            mode, items, values=values, external=external)
        if not external:
            return
        acceptances = {i.acceptance for i in items}
        if mode == 'write' and 'acceptance' in values:
            Acceptance = Pool().get('gd.acceptance')
            acceptances.add(Acceptance(values['acceptance']))
        for acceptance in acceptances:
            if acceptance.state != 'draft':
                raise ModificationError(gettext(
                        'gd_deploy.msg_acceptance_modify',
                        acceptance=acceptance.rec_name,
                        state=selection_string(acceptance, 'state')))
