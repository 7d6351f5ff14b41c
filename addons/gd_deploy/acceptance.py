# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSQL, ModelView, Workflow, fields

from .station import StationStageMixin


class Acceptance(StationStageMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.acceptance'
    __string__ = "Acceptance"

    plan = fields.Many2One(
        'gd.cutover.plan', "Cut-over Plan", required=True,
        ondelete='RESTRICT')
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE')
    state = fields.Selection([
            ('draft', "Draft"),
            ('passed', "Passed"),
            ('failed', "Failed"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def default_state(cls):
        return 'draft'
