# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Data exchange: the daily export (数据交换文件) of the sales, refunds,
changes and boarding checks of a day, with their reconciliation totals, in
a JSON file and a ZIP of CSV files whose data elements are modelled on
JT/T 979 (see the README for the layout)

A record belongs to the day (Asia/Shanghai) of its event: the sale, the
refund, the change or the check.  The rows are read in bulk with one joined
query per record type and streamed into both files at once, so the files
agree with each other by construction; the totals are summed from the rows
written.  Identities leave only masked: the ID type and the masked number
of a sale, no name, no full number, no free-text reason."""
import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from decimal import Decimal

from sql import Null
from sql.conditionals import Coalesce
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import Exclude, Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import order as order_module
from .exceptions import ExchangeExportError
from .schedule import TIMEZONE, local_to_utc, utc_to_local

FORMAT = 'GDSC-JTT979-EXCHANGE'
FORMAT_VERSION = '1.0'
ISSUER = {'code': '440000', 'name': "广东省道路客运联网售票系统"}
BATCH = 2000
CENT = Decimal('0.01')

# The data elements of each record type, in the order of the CSV columns:
# (code, Chinese name); the README documents them
ELEMENTS = {
    'sale': [
        ('ticket_number', "车票编号"),
        ('order_number', "订单编号"),
        ('station_code', "售票站代码"),
        ('channel', "售票渠道"),
        ('sold_at', "售票时间"),
        ('route_code', "线路编码"),
        ('run_number', "班次号"),
        ('run_date', "发车日期"),
        ('departure_time', "发车时间"),
        ('departure_station_code', "上车站代码"),
        ('arrival_station_code', "到达站代码"),
        ('carrier_code', "承运企业代码"),
        ('fare_type_code', "票种代码"),
        ('ticket_kind', "客票类别"),
        ('leg', "行程段"),
        ('seat_number', "座位号"),
        ('price', "票价"),
        ('price_cap', "上限票价"),
        ('id_type_code', "证件类型代码"),
        ('id_number_masked', "证件号码（脱敏）"),
        ],
    'refund': [
        ('ticket_number', "车票编号"),
        ('order_number', "订单编号"),
        ('station_code', "售票站代码"),
        ('refunded_at', "退票时间"),
        ('route_code', "线路编码"),
        ('run_number', "班次号"),
        ('run_date', "发车日期"),
        ('departure_time', "发车时间"),
        ('departure_station_code', "上车站代码"),
        ('arrival_station_code', "到达站代码"),
        ('fare_type_code', "票种代码"),
        ('price', "票价"),
        ('refund_fee', "退票手续费"),
        ('refund_amount', "退款金额"),
        ],
    'change': [
        ('ticket_number', "原车票编号"),
        ('new_ticket_number', "新车票编号"),
        ('order_number', "订单编号"),
        ('station_code', "售票站代码"),
        ('changed_at', "改签时间"),
        ('run_number', "原班次号"),
        ('run_date', "原发车日期"),
        ('new_run_number', "新班次号"),
        ('new_run_date', "新发车日期"),
        ('new_departure_time', "新发车时间"),
        ('new_seat_number', "新座位号"),
        ('price', "原票价"),
        ('new_price', "新票价"),
        ],
    'check': [
        ('check_number', "检票记录号"),
        ('ticket_number', "车票编号"),
        ('station_code', "检票站代码"),
        ('route_code', "线路编码"),
        ('run_number', "班次号"),
        ('run_date', "发车日期"),
        ('departure_time', "发车时间"),
        ('gate', "检票口"),
        ('method', "检票方式"),
        ('checked_at', "检票时间"),
        ('result', "检票结果"),
        ('seat_number', "座位号"),
        ],
    }
# The arrays of the JSON file and the CSV files of the ZIP
FILES = {
    'sale': 'sales',
    'refund': 'refunds',
    'change': 'changes',
    'check': 'checks',
    }
CHECK_RESULTS = ['passed', 'late', 'refused']


def local_iso(value):
    "The ISO 8601 local time of Guangdong (+08:00) of a naive UTC datetime"
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.timezone.utc).astimezone(
        TIMEZONE).isoformat(timespec='seconds')


def amount(value):
    "The decimal of an amount read from the database"
    if value is None:
        return None
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(CENT)


def text(value):
    "The JSON value of an element as written in the CSV"
    if value is None:
        return ''
    return str(value)


def day_bounds(date):
    "The naive UTC start and end of the local day date"
    start = local_to_utc(date, dt.time(0))
    return start, start + dt.timedelta(days=1)


def local_today():
    "The local date of now() in Guangdong"
    return utc_to_local(order_module.now()).date()


class Totals:
    "The reconciliation totals of the rows written, in all and per station"

    def __init__(self):
        self.total = self._empty()
        self.stations = {}

    @staticmethod
    def _empty():
        return {
            'sale': {'count': 0, 'amount': Decimal(0)},
            'refund': {
                'count': 0, 'price': Decimal(0), 'fee': Decimal(0),
                'amount': Decimal(0)},
            'change': {
                'count': 0, 'price': Decimal(0), 'new_price': Decimal(0)},
            'check': dict(count=0, **{r: 0 for r in CHECK_RESULTS}),
            }

    def add(self, kind, row):
        station = row['station_code'] or ''
        if station not in self.stations:
            self.stations[station] = self._empty()
        for totals in [self.total, self.stations[station]]:
            totals = totals[kind]
            totals['count'] += 1
            if kind == 'sale':
                totals['amount'] += row['price'] or 0
            elif kind == 'refund':
                totals['price'] += row['price'] or 0
                totals['fee'] += row['refund_fee'] or 0
                totals['amount'] += row['refund_amount'] or 0
            elif kind == 'change':
                totals['price'] += row['price'] or 0
                totals['new_price'] += row['new_price'] or 0
            elif kind == 'check':
                totals[row['result']] += 1

    @staticmethod
    def _json(totals):
        return {
            kind: {k: text(amount(v)) if isinstance(v, Decimal) else v
                for k, v in values.items()}
            for kind, values in totals.items()}

    def as_json(self):
        result = self._json(self.total)
        result['stations'] = {
            code: self._json(totals)
            for code, totals in sorted(self.stations.items())}
        return result

    def rows(self):
        "The rows of totals.csv: the province, then each station"
        header = ['station_code', 'record_type', 'item', 'value']
        yield header
        for code, totals in [('', self.total)] + sorted(
                self.stations.items()):
            for kind, values in totals.items():
                for item, value in values.items():
                    if isinstance(value, Decimal):
                        value = amount(value)
                    yield [code, kind, item, text(value)]


class Export(ModelSQL, ModelView):
    "A day's data exchange file of the province or of a station"
    __name__ = 'gd.exchange.export'
    __string__ = "Data Exchange Export"

    date = fields.Date(
        "Date", required=True, readonly=True,
        help="The day (Guangdong time) of the sales, refunds, changes and "
        "checks exported.")
    scope = fields.Selection([
            ('province', "Province"),
            ('station', "Station"),
            ], "Scope", required=True, readonly=True)
    station = fields.Many2One(
        'gd.station', "Station", readonly=True, ondelete='RESTRICT',
        states={
            'invisible': Eval('scope') != 'station',
            'required': Eval('scope') == 'station',
            })
    version = fields.Integer(
        "Version", required=True, readonly=True,
        help="Generating a day again makes a new version; the earlier ones "
        "are kept.")
    generated_at = fields.DateTime("Generated At", readonly=True)
    generated_by = fields.Many2One(
        'res.user', "Generated By", readonly=True, ondelete='RESTRICT')
    sale_count = fields.Integer("Sales", readonly=True)
    sale_amount = fields.Numeric(
        "Sales Amount", digits=(16, 2), readonly=True)
    refund_count = fields.Integer("Refunds", readonly=True)
    refund_amount = fields.Numeric(
        "Refunded Amount", digits=(16, 2), readonly=True)
    refund_fee = fields.Numeric("Refund Fees", digits=(16, 2), readonly=True)
    change_count = fields.Integer("Changes", readonly=True)
    check_count = fields.Integer("Checks", readonly=True)
    check_passed = fields.Integer("Checks Passed", readonly=True)
    check_late = fields.Integer("Checks Passed Late", readonly=True)
    check_refused = fields.Integer("Checks Refused", readonly=True)
    json_file = fields.Binary(
        "JSON File", filename='json_filename', readonly=True)
    json_filename = fields.Char("JSON File Name", readonly=True)
    json_sha256 = fields.Char("JSON SHA-256", readonly=True)
    csv_file = fields.Binary(
        "CSV Files (ZIP)", filename='csv_filename', readonly=True)
    csv_filename = fields.Char("CSV File Name", readonly=True)
    csv_sha256 = fields.Char("CSV SHA-256", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # Two generations of a day at once cannot make one version
            ('version_exclude',
                Exclude(t, (t.date, Equal),
                    (Coalesce(t.station, 0), Equal), (t.version, Equal)),
                'gd_ticketing.msg_exchange_export_version_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.date, Index.Range()), (t.version, Index.Range())))
        cls._order = [
            ('date', 'DESC'), ('version', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_scope(cls):
        return 'province'

    def get_rec_name(self, name):
        if self.station:
            scope = self.station.code
        else:
            scope = dict(self.fields_get(['scope'])['scope']['selection'])[
                self.scope]
        return f'{self.date} {scope} v{self.version}'

    @classmethod
    def check_modification(cls, mode, exports, values=None, external=False):
        super().check_modification(
            mode, exports, values=values, external=external)
        # Written by generate only, and never changed
        if external:
            raise AccessError(gettext(
                    'gd_ticketing.msg_exchange_export_read_only'))

    @classmethod
    def check_generate(cls, date, station=None):
        "The user may generate the export of date: access and a past day"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            ModelAccess.check(cls.__name__, 'create')
        if not date:
            raise ExchangeExportError(gettext(
                    'gd_ticketing.msg_exchange_export_no_date'))
        today = local_today()
        if date > today:
            raise ExchangeExportError(gettext(
                    'gd_ticketing.msg_exchange_export_future',
                    date=date.isoformat(), today=today.isoformat()))

    @classmethod
    def generate(cls, date, station=None):
        """Create and return the export of the local day date for the
        province, or for station: a new version when the day was already
        exported"""
        pool = Pool()
        Station = pool.get('gd.station')
        if isinstance(date, dt.datetime):
            date = date.date()
        cls.check_generate(date, station)
        transaction = Transaction()
        user = transaction.user or None
        station = Station(int(station)) if station else None
        generated_at = order_module.now().replace(microsecond=0)
        # The system reads every station's records and writes the export
        with without_check_access():
            version = cls.search([
                    ('date', '=', date),
                    ('station', '=', station.id if station else None),
                    ], count=True) + 1
            scope = station.code if station else 'province'
            name = f'exchange-{date:%Y%m%d}-{scope}-v{version}'
            header = {
                'format': FORMAT,
                'format_version': FORMAT_VERSION,
                'date': date.isoformat(),
                'timezone': '+08:00',
                'scope': 'station' if station else 'province',
                'station_code': station.code if station else None,
                'export_version': version,
                'generated_at': local_iso(generated_at),
                'issuer': ISSUER,
                }
            json_data, csv_data, totals = cls._write(date, station, header)
            export, = cls.create([{
                        'date': date,
                        'scope': 'station' if station else 'province',
                        'station': station.id if station else None,
                        'version': version,
                        'generated_at': generated_at,
                        'generated_by': user,
                        'sale_count': totals['sale']['count'],
                        'sale_amount': amount(totals['sale']['amount']),
                        'refund_count': totals['refund']['count'],
                        'refund_amount': amount(totals['refund']['amount']),
                        'refund_fee': amount(totals['refund']['fee']),
                        'change_count': totals['change']['count'],
                        'check_count': totals['check']['count'],
                        'check_passed': totals['check']['passed'],
                        'check_late': totals['check']['late'],
                        'check_refused': totals['check']['refused'],
                        'json_file': json_data,
                        'json_filename': f'{name}.json',
                        'json_sha256': hashlib.sha256(json_data).hexdigest(),
                        'csv_file': csv_data,
                        'csv_filename': f'{name}.zip',
                        'csv_sha256': hashlib.sha256(csv_data).hexdigest(),
                        }])
        return cls(export.id)

    @classmethod
    def generate_cron(cls):
        "Export yesterday's records of the province (daily cron)"
        cls.generate(local_today() - dt.timedelta(days=1))

    @classmethod
    def _write(cls, date, station, header):
        """Stream the rows of each record type into the JSON file and the
        CSV files of the ZIP; return both and the totals"""
        totals = Totals()
        out_json = io.StringIO()
        out_json.write('{"header": ')
        out_json.write(json.dumps(header, ensure_ascii=False))
        out_zip = io.BytesIO()
        stamp = (date.year, date.month, date.day, 0, 0, 0)
        with zipfile.ZipFile(out_zip, 'w', zipfile.ZIP_DEFLATED) as archive:
            for kind, name in FILES.items():
                codes = [c for c, _ in ELEMENTS[kind]]
                info = zipfile.ZipInfo(f'{name}.csv', date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, 'w') as entry:
                    stream = io.TextIOWrapper(
                        entry, encoding='utf-8-sig', newline='')
                    writer = csv.writer(stream)
                    writer.writerow(codes)
                    out_json.write(f', "{name}": [')
                    first = True
                    for row in getattr(cls, f'_{kind}_rows')(date, station):
                        totals.add(kind, row)
                        values = [row[c] for c in codes]
                        writer.writerow([text(v) for v in values])
                        if not first:
                            out_json.write(', ')
                        first = False
                        out_json.write(json.dumps(
                                {c: None if v is None else (
                                        v if isinstance(v, int) else text(v))
                                    for c, v in zip(codes, values)},
                                ensure_ascii=False))
                    out_json.write(']')
                    stream.flush()
                    stream.detach()
            info = zipfile.ZipInfo('totals.csv', date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, 'w') as entry:
                stream = io.TextIOWrapper(
                    entry, encoding='utf-8-sig', newline='')
                csv.writer(stream).writerows(totals.rows())
                stream.flush()
                stream.detach()
        out_json.write(', "totals": ')
        out_json.write(json.dumps(totals.as_json(), ensure_ascii=False))
        out_json.write('}\n')
        return (
            out_json.getvalue().encode('utf-8'), out_zip.getvalue(),
            totals.total)

    @classmethod
    def _fetch(cls, query, names):
        "The rows of query as dicts of names, fetched in batches"
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        while True:
            rows = cursor.fetchmany(BATCH)
            if not rows:
                break
            for row in rows:
                yield dict(zip(names, row))

    @classmethod
    def _tables(cls):
        pool = Pool()
        return {name: pool.get(model).__table__() for name, model in [
                ('ticket', 'gd.ticket'),
                ('order', 'gd.order'),
                ('run', 'gd.run'),
                ('schedule', 'gd.schedule'),
                ('route', 'gd.route'),
                ('carrier', 'gd.carrier'),
                ('departure', 'gd.route.stop'),
                ('arrival', 'gd.route.stop'),
                ('departure_station', 'gd.station'),
                ('arrival_station', 'gd.station'),
                ('order_station', 'gd.station'),
                ('fare_type', 'gd.ticketing.code'),
                ('passenger', 'gd.passenger'),
                ('check', 'gd.ticket.check'),
                ('check_station', 'gd.station'),
                ('new', 'gd.ticket'),
                ('new_run', 'gd.run'),
                ('new_schedule', 'gd.schedule'),
                ('new_departure', 'gd.route.stop'),
                ]}

    @classmethod
    def _ticket_join(cls, t):
        "The tickets with their order, run, stops, stations and fare type"
        return (t['ticket']
            .join(t['order'], condition=t['ticket'].order == t['order'].id)
            .join(t['order_station'],
                condition=t['order'].station == t['order_station'].id)
            .join(t['run'], condition=t['ticket'].run == t['run'].id)
            .join(t['schedule'],
                condition=t['run'].schedule == t['schedule'].id)
            .join(t['route'], condition=t['run'].route == t['route'].id)
            .join(t['departure'],
                condition=t['ticket'].departure == t['departure'].id)
            .join(t['departure_station'],
                condition=t['departure'].station == t['departure_station'].id)
            .join(t['arrival'],
                condition=t['ticket'].arrival == t['arrival'].id)
            .join(t['arrival_station'],
                condition=t['arrival'].station == t['arrival_station'].id)
            .join(t['fare_type'],
                condition=t['ticket'].fare_type == t['fare_type'].id))

    @staticmethod
    def _departure_time(departure, minutes):
        if departure is None:
            return None
        if isinstance(departure, str):
            departure = dt.datetime.fromisoformat(departure)
        return local_iso(departure + dt.timedelta(minutes=minutes or 0))

    @staticmethod
    def _date(value):
        if value is None:
            return None
        return value if isinstance(value, str) else value.isoformat()

    @classmethod
    def _sale_rows(cls, date, station):
        "The tickets sold on date: first sales, not the tickets of changes"
        t = cls._tables()
        start, end = day_bounds(date)
        ticket, order = t['ticket'], t['order']
        where = ((order.sold_at >= start) & (order.sold_at < end)
            & (ticket.changed_from == Null) & (ticket.number != Null))
        if station:
            where &= order.station == station.id
        query = (cls._ticket_join(t)
            .join(t['carrier'], condition=t['run'].carrier == t['carrier'].id)
            .join(t['passenger'],
                condition=ticket.passenger == t['passenger'].id)
            .select(
                ticket.number, order.number, t['order_station'].code,
                order.channel, order.sold_at, t['route'].code,
                t['schedule'].number, t['run'].date, t['run'].departure,
                t['departure'].minutes, t['departure_station'].code,
                t['arrival_station'].code, t['carrier'].code,
                t['fare_type'].code, ticket.kind, ticket.leg, ticket.seat,
                ticket.price, ticket.price_cap, t['passenger'].id_type,
                t['passenger'].id_masked,
                where=where, order_by=[order.sold_at, ticket.id]))
        names = [
            'ticket_number', 'order_number', 'station_code', 'channel',
            'sold_at', 'route_code', 'run_number', 'run_date', 'departure',
            'minutes', 'departure_station_code', 'arrival_station_code',
            'carrier_code', 'fare_type_code', 'ticket_kind', 'leg',
            'seat_number', 'price', 'price_cap', 'id_type_code',
            'id_number_masked']
        for row in cls._fetch(query, names):
            row['sold_at'] = local_iso(row['sold_at'])
            row['run_date'] = cls._date(row['run_date'])
            row['departure_time'] = cls._departure_time(
                row.pop('departure'), row.pop('minutes'))
            row['price'] = amount(row['price'])
            row['price_cap'] = amount(row['price_cap'])
            yield row

    @classmethod
    def _refund_rows(cls, date, station):
        "The tickets refunded on date"
        t = cls._tables()
        start, end = day_bounds(date)
        ticket, order = t['ticket'], t['order']
        where = ((ticket.state == 'refunded')
            & (ticket.refunded_at >= start) & (ticket.refunded_at < end))
        if station:
            where &= order.station == station.id
        query = cls._ticket_join(t).select(
            ticket.number, order.number, t['order_station'].code,
            ticket.refunded_at, t['route'].code, t['schedule'].number,
            t['run'].date, t['run'].departure, t['departure'].minutes,
            t['departure_station'].code, t['arrival_station'].code,
            t['fare_type'].code, ticket.price, ticket.refund_fee,
            ticket.refund_amount,
            where=where, order_by=[ticket.refunded_at, ticket.id])
        names = [
            'ticket_number', 'order_number', 'station_code', 'refunded_at',
            'route_code', 'run_number', 'run_date', 'departure', 'minutes',
            'departure_station_code', 'arrival_station_code',
            'fare_type_code', 'price', 'refund_fee', 'refund_amount']
        for row in cls._fetch(query, names):
            row['refunded_at'] = local_iso(row['refunded_at'])
            row['run_date'] = cls._date(row['run_date'])
            row['departure_time'] = cls._departure_time(
                row.pop('departure'), row.pop('minutes'))
            for name in ['price', 'refund_fee', 'refund_amount']:
                row[name] = amount(row[name])
            yield row

    @classmethod
    def _change_rows(cls, date, station):
        "The tickets changed on date, with the tickets they became"
        t = cls._tables()
        start, end = day_bounds(date)
        ticket, order, new = t['ticket'], t['order'], t['new']
        new_run, new_departure = t['new_run'], t['new_departure']
        where = ((ticket.state == 'changed')
            & (ticket.refunded_at >= start) & (ticket.refunded_at < end))
        if station:
            where &= order.station == station.id
        query = (ticket
            .join(order, condition=ticket.order == order.id)
            .join(t['order_station'],
                condition=order.station == t['order_station'].id)
            .join(t['run'], condition=ticket.run == t['run'].id)
            .join(t['schedule'],
                condition=t['run'].schedule == t['schedule'].id)
            .join(new, 'LEFT', condition=new.changed_from == ticket.id)
            .join(new_run, 'LEFT', condition=new.run == new_run.id)
            .join(t['new_schedule'], 'LEFT',
                condition=new_run.schedule == t['new_schedule'].id)
            .join(new_departure, 'LEFT',
                condition=new.departure == new_departure.id)
            .select(
                ticket.number, new.number, order.number,
                t['order_station'].code, ticket.refunded_at,
                t['schedule'].number, t['run'].date,
                t['new_schedule'].number, new_run.date, new_run.departure,
                new_departure.minutes, new.seat, ticket.price, new.price,
                where=where, order_by=[ticket.refunded_at, ticket.id]))
        names = [
            'ticket_number', 'new_ticket_number', 'order_number',
            'station_code', 'changed_at', 'run_number', 'run_date',
            'new_run_number', 'new_run_date', 'departure', 'minutes',
            'new_seat_number', 'price', 'new_price']
        for row in cls._fetch(query, names):
            row['changed_at'] = local_iso(row['changed_at'])
            row['run_date'] = cls._date(row['run_date'])
            row['new_run_date'] = cls._date(row['new_run_date'])
            row['new_departure_time'] = cls._departure_time(
                row.pop('departure'), row.pop('minutes'))
            row['price'] = amount(row['price'])
            row['new_price'] = amount(row['new_price'])
            yield row

    @classmethod
    def _check_rows(cls, date, station):
        "The boarding checks made on date, refused ones included"
        t = cls._tables()
        start, end = day_bounds(date)
        check, ticket = t['check'], t['ticket']
        departure = t['departure']
        where = (check.checked_at >= start) & (check.checked_at < end)
        if station:
            where &= check.station == station.id
        query = (check
            .join(t['check_station'],
                condition=check.station == t['check_station'].id)
            .join(t['run'], condition=check.run == t['run'].id)
            .join(t['schedule'],
                condition=t['run'].schedule == t['schedule'].id)
            .join(t['route'], condition=t['run'].route == t['route'].id)
            .join(ticket, 'LEFT', condition=check.ticket == ticket.id)
            .join(departure, 'LEFT',
                condition=ticket.departure == departure.id)
            .select(
                check.id, ticket.number, t['check_station'].code,
                t['route'].code, t['schedule'].number, t['run'].date,
                t['run'].departure, departure.minutes, check.gate,
                check.method, check.checked_at, check.result, ticket.seat,
                where=where, order_by=[check.checked_at, check.id]))
        names = [
            'check_number', 'ticket_number', 'station_code', 'route_code',
            'run_number', 'run_date', 'departure', 'minutes', 'gate',
            'method', 'checked_at', 'result', 'seat_number']
        for row in cls._fetch(query, names):
            row['checked_at'] = local_iso(row['checked_at'])
            row['run_date'] = cls._date(row['run_date'])
            row['departure_time'] = cls._departure_time(
                row.pop('departure'), row.pop('minutes'))
            yield row


class Order(metaclass=PoolMeta):
    __name__ = 'gd.order'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The sales of a day, for the exchange export
        cls._sql_indexes.add(
            Index(t, (t.sold_at, Index.Range()), where=t.sold_at != Null))


class Ticket(metaclass=PoolMeta):
    __name__ = 'gd.ticket'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The refunds and changes of a day, and the ticket of a change
        cls._sql_indexes.update({
                Index(t, (t.refunded_at, Index.Range()),
                    where=t.refunded_at != Null),
                Index(t, (t.changed_from, Index.Equality()),
                    where=t.changed_from != Null),
                })


class Check(metaclass=PoolMeta):
    __name__ = 'gd.ticket.check'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The checks of a day
        cls._sql_indexes.add(Index(t, (t.checked_at, Index.Range())))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('gd.exchange.export|generate_cron',
                "Generate Yesterday's Data Exchange Export"))


class GenerateStart(ModelView):
    __name__ = 'gd.exchange.export.generate.start'
    __string__ = "Generate Data Exchange Export"

    date = fields.Date(
        "Date", required=True,
        help="The day (Guangdong time) whose sales, refunds, changes and "
        "checks are exported.")
    station = fields.Many2One(
        'gd.station', "Station",
        help="Leave empty to export the whole province.")

    @classmethod
    def default_date(cls):
        return local_today() - dt.timedelta(days=1)


class Generate(Wizard):
    "Generate the data exchange export of a chosen day"
    __name__ = 'gd.exchange.export.generate'

    start = StateView(
        'gd.exchange.export.generate.start',
        'gd_ticketing.exchange_export_generate_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Generate", 'generate', 'tryton-ok', default=True),
            ])
    generate = StateAction('gd_ticketing.act_exchange_export_form')

    def do_generate(self, action):
        Export = Pool().get('gd.exchange.export')
        export = Export.generate(self.start.date, self.start.station)
        action['views'].reverse()
        return action, {'res_id': [export.id]}
