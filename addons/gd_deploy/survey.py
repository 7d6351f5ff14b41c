# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSQL, ModelView, Workflow, fields

from .station import StationStageMixin


class Survey(StationStageMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'gd.station.survey'
    __string__ = "Station Survey"

    programme = fields.Many2One(
        'gd.programme', "Programme", required=True, ondelete='RESTRICT')
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='CASCADE')
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('returned', "Returned"),
            ('accepted', "Accepted"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def default_state(cls):
        return 'draft'
