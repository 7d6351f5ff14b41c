# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The models whose record rules name the user ("user_id"): documents
# addressed to a user or awaiting a user's approval
USER_RULE_MODELS = {
    'gd.document',
    'gd.document.recipient',
    'gd.document.approval',
    'gd.document.version',
    'gd.document.receipt',
    }


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "gd_cities" as list of ids of the user\'s city'
            '\n- "gd_stations" as list of ids of the user\'s station')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        key = (*key, User.get_gd_cities(), User.get_gd_stations())
        if model_names & USER_RULE_MODELS:
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['gd_cities'] = User.get_gd_cities()
        context['gd_stations'] = User.get_gd_stations()
        if model_name in USER_RULE_MODELS:
            context['user_id'] = Transaction().user
        return context


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gd.document.request|send_reminders',
                "Send Reminders of Document Requests"))
