# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Retention (数据留存, DOMAIN.md §4): once the retention period after a
passenger's last trip has passed, a cron anonymizes the passenger's
identity (name, encrypted, hashed and masked ID number) and the keyed hash
on the tickets; the tickets' other data and the passenger-flow statistics
are kept.  Each run is logged in gd.retention.log."""
import datetime as dt

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import PassengerError

# What an anonymized passenger's name and masked number read
ANONYMIZED = '已匿名'


class Passenger(metaclass=PoolMeta):
    __name__ = 'gd.passenger'

    @property
    def anonymized(self):
        return not self.id_number_encrypted

    @classmethod
    def expired(cls, cutoff):
        """The passengers not yet anonymized whose last trip (run date) is
        before cutoff"""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        Run = pool.get('gd.run')
        passenger = cls.__table__()
        ticket = Ticket.__table__()
        run = Run.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*passenger
            .join(ticket, condition=ticket.passenger == passenger.id)
            .join(run, condition=run.id == ticket.run)
            .select(passenger.id,
                where=passenger.id_number_encrypted != None,  # noqa: E711
                group_by=[passenger.id],
                having=Max(run.date) < cutoff))
        return cls.browse([i for i, in cursor])

    @classmethod
    def anonymize(cls, passengers):
        """Replace the identity of passengers by non-identifying values and
        clear the keyed hash of their tickets; return the tickets"""
        pool = Pool()
        Ticket = pool.get('gd.ticket')
        if not passengers:
            return []
        # The system anonymizes, whoever runs the cron
        with without_check_access():
            tickets = Ticket.search([
                    ('passenger', 'in', [p.id for p in passengers]),
                    ])
            Ticket.write(tickets, {'id_hash': None})
            args = []
            for passenger in passengers:
                args.extend([[passenger], {
                            'name': ANONYMIZED,
                            'id_masked': ANONYMIZED,
                            'id_number_encrypted': None,
                            # Unique per passenger, derived from no identity
                            'id_hash': f'anonymized-{passenger.id}',
                            }])
            cls.write(*args)
        return tickets

    @classmethod
    def anonymize_expired(cls):
        """Anonymize the passengers whose retention period has passed and
        log the run; called by ir.cron"""
        pool = Pool()
        Date = pool.get('ir.date')
        Configuration = pool.get('gd.ticketing.configuration')
        Log = pool.get('gd.retention.log')
        days = Configuration(1).retention_days
        cutoff = Date.today() - dt.timedelta(days=days)
        passengers = cls.expired(cutoff)
        tickets = cls.anonymize(passengers)
        with without_check_access():
            log, = Log.create([{
                        'date': dt.datetime.now(),
                        'cutoff': cutoff,
                        'retention_days': days,
                        'passengers': len(passengers),
                        'tickets': len(tickets),
                        }])
        return log

    def decrypt(self):
        if self.anonymized:
            raise PassengerError(gettext(
                    'gd_ticketing.msg_passenger_anonymized',
                    passenger=self.rec_name))
        return super().decrypt()


class RetentionLog(ModelSQL, ModelView):
    "A run of the retention job: when, up to which trip date, how many"
    __name__ = 'gd.retention.log'
    __string__ = "Retention Log"

    date = fields.DateTime("Date", required=True, readonly=True)
    cutoff = fields.Date(
        "Cutoff Date", required=True, readonly=True,
        help="Passengers whose last trip was before this date were "
        "anonymized.")
    retention_days = fields.Integer(
        "Retention Days", required=True, readonly=True)
    passengers = fields.Integer(
        "Passengers Anonymized", required=True, readonly=True)
    tickets = fields.Integer("Tickets Cleared", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise AccessError(gettext('gd_ticketing.msg_trace_log_locked'))

