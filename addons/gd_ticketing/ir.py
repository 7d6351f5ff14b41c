# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The models whose rules see the user as "user_id": an officer reads the
# trace queries and export requests of their own
TRACE_MODELS = {'gd.trace.log', 'gd.trace.log.line', 'gd.trace.export'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "gd_carriers" as list of ids of the user\'s carrier'
            '\n- "user_id" as the id of the user (trace models)')

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        key = (*key, User.get_gd_carriers())
        if model_names & TRACE_MODELS:
            key = (*key, Transaction().user)
        return key

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['gd_carriers'] = User.get_gd_carriers()
        if model_name in TRACE_MODELS:
            context['user_id'] = Transaction().user
        return context


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gd.schedule|generate_runs_cron', "Generate Runs of Schedules"))
        cls.method.selection.append(
            ('gd.passenger|anonymize_expired',
                "Anonymize Passengers after Retention"))
