# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The departure inspection (出站稽查) of a run: the station's inspector
checks the bus at the exit against a list of items kept as data; a run
departs only after an inspection passed, and an inspection with a failed
item cannot pass"""
import datetime as dt

from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Exclude, ModelSQL, ModelView, Workflow, fields,
    sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import InspectionError, RunAccessError


class InspectionItemTemplate(
        DeactivableMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.run.inspection.item.template'
    __string__ = "Departure Inspection Item Template"

    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text(
        "Description", translate=True,
        help="What the inspector checks for this item.")

    def item_values(self):
        return {
            'template': self.id,
            'sequence': self.sequence,
            'name': self.name,
            }


class Inspection(Workflow, ModelSQL, ModelView):
    __name__ = 'gd.run.inspection'
    __string__ = "Departure Inspection"

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    run = fields.Many2One(
        'gd.run', "Run", required=True, ondelete='CASCADE',
        domain=[('state', '=', 'open')], states=_states)
    origin_station = fields.Function(
        fields.Many2One('gd.station', "Origin Station"),
        'on_change_with_origin_station', searcher='search_origin_station')
    vehicle = fields.Function(
        fields.Many2One('gd.vehicle', "Vehicle"),
        'on_change_with_vehicle')
    items = fields.One2Many(
        'gd.run.inspection.item', 'inspection', "Items", states=_states)
    inspector = fields.Many2One(
        'res.user', "Inspector", readonly=True, ondelete='RESTRICT',
        help="Who decided the inspection.")
    inspected_at = fields.DateTime("Inspected at", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "State", required=True, readonly=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # A failed inspection stays on record; the next one is new
            ('run_unique',
                Exclude(t, (t.run, Equal), where=t.state != 'failed'),
                'gd_ticketing.msg_inspection_unique'),
            ]
        cls._order = [('id', 'DESC')]
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
    def default_items(cls):
        "The items of the checklist, from the templates kept as data"
        Template = Pool().get('gd.run.inspection.item.template')
        return [t.item_values() for t in Template.search([])]

    @fields.depends('run', '_parent_run.origin_station')
    def on_change_with_origin_station(self, name=None):
        return self.run.origin_station if self.run else None

    @classmethod
    def search_origin_station(cls, name, clause):
        nested = clause[0][len(name):]
        return [('run.origin_station' + nested, *clause[1:])]

    @fields.depends('run', '_parent_run.vehicle')
    def on_change_with_vehicle(self, name=None):
        return self.run.vehicle if self.run else None

    def get_rec_name(self, name):
        return self.run.rec_name if self.run else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('run.rec_name', *clause[1:])]

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('state') == 'failed', 'danger',
                    If(Eval('state') == 'passed', 'success', ''))),
            ]

    @classmethod
    def check_modification(
            cls, mode, inspections, values=None, external=False):
        super().check_modification(
            mode, inspections, values=values, external=external)
        if not external:
            return
        if mode == 'create':
            for inspection in inspections:
                if (inspection.state != 'draft' or inspection.inspector
                        or inspection.inspected_at):
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_inspection_by_button'))
        elif mode == 'write' and (
                values.keys() & {'state', 'inspector', 'inspected_at'}):
            raise RunAccessError(gettext(
                    'gd_ticketing.msg_inspection_by_button'))
        if mode in {'write', 'delete'}:
            for inspection in inspections:
                if inspection.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_inspection_decided',
                            inspection=inspection.rec_name))

    @classmethod
    def copy(cls, inspections, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('inspector', None)
        default.setdefault('inspected_at', None)
        return super().copy(inspections, default=default)

    @classmethod
    def _check_decidable(cls, inspections):
        for inspection in inspections:
            if inspection.state != 'draft':
                raise InspectionError(gettext(
                        'gd_ticketing.msg_inspection_decided',
                        inspection=inspection.rec_name))
            unchecked = [i.name for i in inspection.items if not i.result]
            if not inspection.items or unchecked:
                raise InspectionError(gettext(
                        'gd_ticketing.msg_inspection_unchecked',
                        inspection=inspection.rec_name,
                        items='、'.join(unchecked)))

    @classmethod
    def _decided(cls, inspections):
        cls.write(inspections, {
                'inspector': Transaction().user or None,
                'inspected_at': dt.datetime.now(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('passed')
    def pass_(cls, inspections):
        "Every item passed: the bus may leave"
        cls._check_decidable(inspections)
        for inspection in inspections:
            failed = inspection.failed_items
            if failed:
                raise InspectionError(gettext(
                        'gd_ticketing.msg_inspection_pass_failed_items',
                        inspection=inspection.rec_name,
                        items='、'.join(i.name for i in failed)))
        cls._decided(inspections)

    @classmethod
    @ModelView.button
    @Workflow.transition('failed')
    def fail(cls, inspections):
        "An item failed: the bus may not leave until a new inspection passes"
        cls._check_decidable(inspections)
        for inspection in inspections:
            failed = inspection.failed_items
            if not failed:
                raise InspectionError(gettext(
                        'gd_ticketing.msg_inspection_fail_without_item',
                        inspection=inspection.rec_name))
            for item in failed:
                if not (item.remark or '').strip():
                    raise InspectionError(gettext(
                            'gd_ticketing.msg_inspection_remark',
                            inspection=inspection.rec_name,
                            item=item.name))
        cls._decided(inspections)

    @property
    def failed_items(self):
        return [i for i in self.items if i.result == 'fail']


class InspectionItem(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.run.inspection.item'
    __string__ = "Departure Inspection Item"
    __access__ = {'inspection'}

    _states = {
        'readonly': Eval('inspection_state') != 'draft',
        }

    inspection = fields.Many2One(
        'gd.run.inspection', "Inspection", required=True,
        ondelete='CASCADE', states=_states)
    inspection_state = fields.Function(
        fields.Selection('get_inspection_states', "Inspection State"),
        'on_change_with_inspection_state')
    template = fields.Many2One(
        'gd.run.inspection.item.template', "Template", readonly=True,
        ondelete='RESTRICT')
    name = fields.Char("Name", required=True, states=_states)
    result = fields.Selection([
            (None, ""),
            ('pass', "Pass"),
            ('fail', "Fail"),
            ], "Result", states=_states, sort=False)
    remark = fields.Char(
        "Remark", states=_states,
        help="What was found; required when the item fails.")

    del _states

    @classmethod
    def get_inspection_states(cls):
        Inspection = Pool().get('gd.run.inspection')
        return Inspection.fields_get(['state'])['state']['selection']

    @fields.depends('inspection', '_parent_inspection.state')
    def on_change_with_inspection_state(self, name=None):
        return self.inspection.state if self.inspection else None

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('result') == 'fail', 'danger', '')),
            ]

    @classmethod
    def check_modification(cls, mode, items, values=None, external=False):
        super().check_modification(
            mode, items, values=values, external=external)
        if mode in {'write', 'delete'}:
            for item in items:
                if item.inspection.state != 'draft':
                    raise RunAccessError(gettext(
                            'gd_ticketing.msg_inspection_decided',
                            inspection=item.inspection.rec_name))


class Run(metaclass=PoolMeta):
    __name__ = 'gd.run'

    inspections = fields.One2Many(
        'gd.run.inspection', 'run', "Departure Inspections", readonly=True)

    @classmethod
    def depart(cls, runs):
        "A run departs only after its departure inspection passed"
        for run in runs:
            if not any(i.state == 'passed' for i in run.inspections):
                failed = [i for i in run.inspections if i.state == 'failed']
                items = '、'.join(
                    it.name for i in failed for it in i.failed_items)
                raise InspectionError(gettext(
                        'gd_ticketing.msg_run_depart_inspection',
                        run=run.rec_name,
                        items=items or gettext(
                            'gd_ticketing.msg_inspection_none')))
        super().depart(runs)
