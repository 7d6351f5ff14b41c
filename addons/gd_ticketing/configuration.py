# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'gd.ticketing.configuration'
    __string__ = "Ticketing Configuration"

    days_ahead = fields.Integer(
        "Days Ahead", required=True,
        domain=[('days_ahead', '>', 0)],
        help="For how many days, from today, runs are generated from "
        "the schedules.")
    transfer_minutes = fields.Integer(
        "Minimum Transfer Minutes", required=True,
        domain=[('transfer_minutes', '>=', 0)],
        help="The shortest time between two legs of a connecting journey "
        "at the transfer station.")
    retention_days = fields.Integer(
        "Retention Days", required=True,
        domain=[('retention_days', '>=', 365)],
        help="For how many days after a passenger's last trip the identity "
        "is kept before it is anonymized; at least 365 days (one year, "
        "DOMAIN.md §4).")

    @classmethod
    def default_days_ahead(cls):
        return 7

    @classmethod
    def default_transfer_minutes(cls):
        return 30

    @classmethod
    def default_retention_days(cls):
        return 365
