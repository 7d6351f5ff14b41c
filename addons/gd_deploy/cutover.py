# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSQL, ModelView, Workflow, fields

from .station import StationStageMixin


class Plan(StationStageMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.cutover.plan'
    __string__ = "Cut-over Plan"

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT')
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE')
    switch_date = fields.Date("Switch Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('ready', "Ready"),
            ('confirmed', "Confirmed"),
            ('switched', "Switched"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def default_state(cls):
        return 'draft'
