# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Data exchange: the import of routes and schedules from CSV files

A file is read whole and every row is checked before anything is created.
The rows are numbered as the lines of the file (the header is line 1), so a
user finds the rejected row in the spreadsheet.  The checks return reasons
instead of raising them, to report every rejected row at once; the models'
own checks still run when the records are created."""
import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import (
    check_access, inactive_records, without_check_access)
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ImportFileError
from .schedule import WEEKDAYS

KINDS = [
    ('routes', "Routes"),
    ('schedules', "Schedules"),
    ]
KIND_MODELS = {
    'routes': 'gd.route',
    'schedules': 'gd.schedule',
    }


def normalize_header(text):
    "The header cell as compared with the keys and labels"
    text = (text or '').strip().lower()
    for old, new in [('（', '('), ('）', ')'), (' ', ''), ('\u3000', '')]:
        text = text.replace(old, new)
    return text


def decode(data):
    "The text of data in UTF-8 (with or without BOM) or else GB18030"
    if not data:
        return ''
    if isinstance(data, str):
        return data.lstrip('\ufeff')
    data = bytes(data)
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        pass
    try:
        return data.decode('gb18030')
    except UnicodeDecodeError as exception:
        raise ImportFileError(
            gettext('gd_ticketing.msg_import_encoding')) from exception


def read_csv(data, columns):
    """Read the CSV data whose columns are (key, label, required)

    Return the rows as (line, {key: value}) and the header of each key as
    written in the file, to name the columns in the messages.  A blank row
    is skipped."""
    reader = csv.reader(io.StringIO(decode(data), newline=''))
    accepted = {}
    for key, label, _ in columns:
        accepted[normalize_header(key)] = key
        accepted[normalize_header(label)] = key
    names = '、'.join(f'{k}（{label}）' for k, label, _ in columns)
    try:
        header = next(reader)
    except StopIteration:
        header = []
    except csv.Error as exception:
        raise ImportFileError(gettext(
                'gd_ticketing.msg_import_unreadable',
                line=reader.line_num, error=str(exception))
            ) from exception
    if not any(c.strip() for c in header):
        raise ImportFileError(gettext(
                'gd_ticketing.msg_import_no_header', columns=names))
    while header and not header[-1].strip():
        header.pop()
    keys, headers = [], {}
    for cell in header:
        key = accepted.get(normalize_header(cell))
        if not key:
            raise ImportFileError(gettext(
                    'gd_ticketing.msg_import_unknown_column',
                    column=cell.strip(), columns=names))
        if key in headers:
            raise ImportFileError(gettext(
                    'gd_ticketing.msg_import_column_twice',
                    column=cell.strip(), first=headers[key]))
        keys.append(key)
        headers[key] = cell.strip()
    missing = [
        f'{k}（{label}）' for k, label, required in columns
        if required and k not in headers]
    if missing:
        raise ImportFileError(gettext(
                'gd_ticketing.msg_import_missing_columns',
                columns='、'.join(missing)))
    for key, label, _ in columns:
        headers.setdefault(key, label)

    rows = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exception:
            raise ImportFileError(gettext(
                    'gd_ticketing.msg_import_unreadable',
                    line=reader.line_num, error=str(exception))
                ) from exception
        if not any(c.strip() for c in row):
            continue
        line = reader.line_num
        extra = [c for c in row[len(keys):] if c.strip()]
        values = {k: (v.strip() if v else '') for k, v in zip(keys, row)}
        for key, _, _ in columns:
            values.setdefault(key, '')
        if extra:
            values['_error'] = gettext(
                'gd_ticketing.msg_import_too_many_cells',
                cells=len(row), columns=len(keys))
        rows.append((line, values))
    if not rows:
        raise ImportFileError(gettext('gd_ticketing.msg_import_no_rows'))
    return rows, headers


class RowChecker:
    "Parse the values of one row, collecting the reasons to reject it"

    def __init__(self, values, headers):
        self.values = values
        self.headers = headers
        self.reasons = []
        if values.get('_error'):
            self.reasons.append(values['_error'])

    def reject(self, message, **kwargs):
        self.reasons.append(gettext(f'gd_ticketing.{message}', **kwargs))

    def _column(self, key):
        return self.headers[key]

    def text(self, key, required=True):
        value = self.values[key]
        if not value and required:
            self.reject('msg_import_required', column=self._column(key))
            return None
        return value or None

    def integer(self, key, required=True, minimum=None, default=None):
        value = self.text(key, required=required and default is None)
        if value is None:
            return default
        try:
            result = int(value)
        except ValueError:
            self.reject(
                'msg_import_integer', column=self._column(key), value=value)
            return None
        if minimum is not None and result < minimum:
            self.reject(
                'msg_import_positive' if minimum > 0
                else 'msg_import_negative',
                column=self._column(key), value=value)
            return None
        return result

    def decimal(self, key, digits=1):
        value = self.text(key)
        if value is None:
            return None
        exponent = Decimal(1).scaleb(-digits)
        try:
            result = Decimal(value)
            if result.quantize(exponent) != result:
                result = None
            else:
                result = result.quantize(exponent)
        except InvalidOperation:
            result = None
        if result is None:
            self.reject(
                'msg_import_decimal', column=self._column(key), value=value,
                digits=digits)
            return None
        if result < 0:
            self.reject(
                'msg_import_negative', column=self._column(key), value=value)
            return None
        return result

    def time(self, key):
        value = self.text(key)
        if value is None:
            return None
        try:
            return dt.datetime.strptime(value, '%H:%M').time()
        except ValueError:
            self.reject(
                'msg_import_time', column=self._column(key), value=value)

    def date(self, key, required=True):
        value = self.text(key, required=required)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.reject(
                'msg_import_date', column=self._column(key), value=value)

    def days(self, key):
        "The weekdays as {'monday': bool, ...} of digits 1 (Monday) to 7"
        value = self.text(key)
        if value is None:
            return None
        if not value.isdigit() or not set(value) <= set('1234567'):
            self.reject(
                'msg_import_days', column=self._column(key), value=value)
            return None
        return {d: str(i) in value for i, d in enumerate(WEEKDAYS, 1)}

    def record(self, key, records, message, required=True, **kwargs):
        "The record of the code in the column key among records by code"
        value = self.text(key, required=required)
        if value is None:
            return None
        record = records.get(value)
        if not record:
            self.reject(
                message, column=self._column(key), code=value, **kwargs)
        return record


def by_code(Model, codes, domain=None):
    "The active records of Model whose code is in codes, by code"
    records = {}
    codes = sorted({c for c in codes if c})
    if codes:
        for record in Model.search(
                [('code', 'in', codes)] + (domain or [])):
            records[record.code] = record
    return records


def codes_of(category):
    "The active codes of category, by code"
    Code = Pool().get('gd.ticketing.code')
    return {c.code: c for c in Code.search([('category', '=', category)])}


class Route(metaclass=PoolMeta):
    __name__ = 'gd.route'

    @classmethod
    def csv_import_columns(cls):
        "The columns of the CSV file of routes: (key, label, required)"
        return [
            ('route_code', "线路编码", True),
            ('route_name', "线路名称", True),
            ('route_type', "线路类型", True),
            ('sequence', "序号", True),
            ('station_code', "客运站编码", True),
            ('distance_km', "里程（公里）", True),
            ('minutes', "运行分钟", True),
            ]

    @classmethod
    def csv_import_check(cls, rows, headers):
        """Check the rows of a CSV file of routes, one row per stop

        Return the values to create as [(lines, values)] and the rejected
        rows as {line: [reason]}.  A route is rejected whole when one of its
        rows is."""
        pool = Pool()
        Station = pool.get('gd.station')
        stations = by_code(Station, (v['station_code'] for _, v in rows))
        route_types = codes_of('route_type')
        type_codes = '、'.join(route_types)
        with inactive_records():
            existing = by_code(cls, (v['route_code'] for _, v in rows))

        groups = defaultdict(list)
        rejected = defaultdict(list)
        for line, values in rows:
            row = RowChecker(values, headers)
            code = row.text('route_code')
            stop = {
                'line': line,
                'name': row.text('route_name'),
                'route_type': row.record(
                    'route_type', route_types, 'msg_import_unknown_code',
                    codes=type_codes),
                'sequence': row.integer('sequence'),
                'station': row.record(
                    'station_code', stations,
                    'msg_import_unknown_station'),
                'distance_km': row.decimal('distance_km'),
                'minutes': row.integer('minutes', minimum=0),
                }
            if row.reasons:
                rejected[line].extend(row.reasons)
            if code:
                groups[code].append(stop)

        result = []
        for code, stops in groups.items():
            reasons = cls._csv_import_check_route(code, stops, headers)
            if code in existing:
                reasons[stops[0]['line']].append(gettext(
                        'gd_ticketing.msg_import_route_exists', code=code))
            for line, messages in reasons.items():
                rejected[line].extend(messages)
            lines = [s['line'] for s in stops]
            bad = [line for line in lines if line in rejected]
            if bad:
                for line in lines:
                    if line not in rejected:
                        rejected[line].append(gettext(
                                'gd_ticketing.msg_import_route_rejected',
                                code=code,
                                lines='、'.join(map(str, bad))))
                continue
            first = stops[0]
            result.append((lines, {
                        'code': code,
                        'name': first['name'],
                        'route_type': first['route_type'].id,
                        'stops': [('create', [{
                                        'sequence': s['sequence'],
                                        'station': s['station'].id,
                                        'distance_km': s['distance_km'],
                                        'minutes': s['minutes'],
                                        } for s in sorted(
                                        stops,
                                        key=lambda s: s['sequence'])])],
                        }))
        return result, dict(rejected)

    @classmethod
    def _csv_import_check_route(cls, code, stops, headers):
        "The reasons to reject the stops of the route code, by line"
        reasons = defaultdict(list)
        first = stops[0]
        for stop in stops[1:]:
            for key, column in [
                    ('name', 'route_name'), ('route_type', 'route_type')]:
                if (first[key] and stop[key]
                        and stop[key] != first[key]):
                    value, first_value = stop[key], first[key]
                    if key == 'route_type':
                        value, first_value = value.code, first_value.code
                    reasons[stop['line']].append(gettext(
                            'gd_ticketing.msg_import_route_inconsistent',
                            column=headers[column], value=value,
                            first=first_value, line=first['line'],
                            code=code))
        if len(stops) < 2:
            reasons[first['line']].append(gettext(
                    'gd_ticketing.msg_import_route_two_stops', code=code))
        sequences, stations = {}, {}
        for stop in stops:
            sequence, station = stop['sequence'], stop['station']
            if sequence is not None:
                if sequence in sequences:
                    reasons[stop['line']].append(gettext(
                            'gd_ticketing.msg_import_sequence_twice',
                            code=code, sequence=sequence,
                            line=sequences[sequence]))
                else:
                    sequences[sequence] = stop['line']
            if station:
                if station in stations:
                    reasons[stop['line']].append(gettext(
                            'gd_ticketing.msg_import_station_twice',
                            code=code, station=station.rec_name,
                            line=stations[station]))
                else:
                    stations[station] = stop['line']

        # The order of the stops by their sequence, when every row has one
        if any(s[k] is None for s in stops
                for k in ['sequence', 'distance_km', 'minutes']):
            return reasons
        ordered = sorted(stops, key=lambda s: (s['sequence'], s['line']))
        origin = ordered[0]
        if origin['distance_km'] or origin['minutes']:
            reasons[origin['line']].append(gettext(
                    'gd_ticketing.msg_import_origin_zero', code=code))
        for previous, stop in zip(ordered[:-1], ordered[1:]):
            if stop['distance_km'] <= previous['distance_km']:
                reasons[stop['line']].append(gettext(
                        'gd_ticketing.msg_import_distance_order',
                        distance=stop['distance_km'],
                        previous=previous['distance_km'],
                        line=previous['line']))
            if stop['minutes'] < previous['minutes']:
                reasons[stop['line']].append(gettext(
                        'gd_ticketing.msg_import_minutes_order',
                        minutes=stop['minutes'],
                        previous=previous['minutes'],
                        line=previous['line']))
        return reasons

    @classmethod
    def csv_import_create(cls, vlist):
        return cls.create(vlist)


class Schedule(metaclass=PoolMeta):
    __name__ = 'gd.schedule'

    @classmethod
    def csv_import_columns(cls):
        "The columns of the CSV file of schedules: (key, label, required)"
        return [
            ('number', "班次号", True),
            ('route_code', "线路编码", True),
            ('carrier_code', "客运企业编码", True),
            ('departure_time', "发车时刻", True),
            ('days', "班期", True),
            ('valid_from', "生效日期", True),
            ('valid_to', "失效日期", False),
            ('schedule_type', "班次类型", True),
            ('vehicle_type', "车型", False),
            ('seats', "售票座位数", True),
            ('sale_open_days', "提前开售（天）", False),
            ('sale_close_minutes', "发车前停售（分钟）", False),
            ('gate', "检票口", False),
            ('bay', "发车位", False),
            ]

    @classmethod
    def csv_import_check(cls, rows, headers):
        """Check the rows of a CSV file of schedules, one row per schedule

        Return the values to create as [(lines, values)] and the rejected
        rows as {line: [reason]}."""
        pool = Pool()
        Route = pool.get('gd.route')
        Carrier = pool.get('gd.carrier')
        routes = by_code(Route, (v['route_code'] for _, v in rows))
        carriers = by_code(Carrier, (v['carrier_code'] for _, v in rows))
        schedule_types = codes_of('schedule_type')
        vehicle_types = codes_of('vehicle_type')
        taken = cls._csv_import_numbers_taken(
            {v['number'] for _, v in rows if v['number']},
            [r.origin_station for r in routes.values() if r.origin_station])
        in_file = {}

        result = []
        rejected = {}
        for line, values in rows:
            row = RowChecker(values, headers)
            number = row.text('number')
            route = row.record(
                'route_code', routes, 'msg_import_unknown_route')
            carrier = row.record(
                'carrier_code', carriers, 'msg_import_unknown_carrier')
            departure_time = row.time('departure_time')
            days = row.days('days')
            valid_from = row.date('valid_from')
            valid_to = row.date('valid_to', required=False)
            schedule_type = row.record(
                'schedule_type', schedule_types, 'msg_import_unknown_code',
                codes='、'.join(schedule_types))
            vehicle_type = row.record(
                'vehicle_type', vehicle_types, 'msg_import_unknown_code',
                required=False, codes='、'.join(vehicle_types))
            seats = row.integer('seats', minimum=1)
            sale_open_days = row.integer(
                'sale_open_days', minimum=0,
                default=cls.default_sale_open_days())
            sale_close_minutes = row.integer(
                'sale_close_minutes', minimum=0,
                default=cls.default_sale_close_minutes())
            if valid_from and valid_to and valid_to < valid_from:
                row.reject(
                    'msg_import_valid_to_before',
                    valid_from=valid_from, valid_to=valid_to)
            if number and route and route.origin_station:
                station = route.origin_station
                key = (number, station.id)
                if key in taken:
                    row.reject(
                        'msg_import_number_exists', number=number,
                        station=station.rec_name)
                elif key in in_file:
                    row.reject(
                        'msg_import_number_twice', number=number,
                        station=station.rec_name, line=in_file[key])
                else:
                    in_file[key] = line
            if row.reasons:
                rejected[line] = row.reasons
                continue
            result.append(([line], {
                        'number': number,
                        'route': route.id,
                        'carrier': carrier.id,
                        'departure_time': departure_time,
                        **days,
                        'valid_from': valid_from,
                        'valid_to': valid_to,
                        'schedule_type': schedule_type.id,
                        'vehicle_type': (
                            vehicle_type.id if vehicle_type else None),
                        'seats': seats,
                        'sale_open_days': sale_open_days,
                        'sale_close_minutes': sale_close_minutes,
                        'gate': row.text('gate', required=False),
                        'bay': row.text('bay', required=False),
                        }))
        return result, rejected

    @classmethod
    def _csv_import_numbers_taken(cls, numbers, stations):
        "The (number, station id) of the schedules of stations in numbers"
        if not numbers or not stations:
            return set()
        # A number is unique at its station among all schedules, also those
        # the user may not read: only the pairs are returned
        with without_check_access(), inactive_records():
            schedules = cls.search([
                    ('number', 'in', sorted(numbers)),
                    ('route.origin_station', 'in',
                        [s.id for s in stations]),
                    ])
            return {
                (s.number, s.route.origin_station.id) for s in schedules}

    @classmethod
    def csv_import_create(cls, vlist):
        return cls.create(vlist)


class ImportStart(ModelView):
    __name__ = 'gd.ticketing.import.start'
    __string__ = "Import Routes and Schedules"

    kind = fields.Selection(KINDS, "Kind", required=True)
    file = fields.Binary(
        "CSV File", required=True, filename='file_name',
        help="A CSV file in UTF-8 (with or without BOM) or GB18030, "
        "with a header line of the column keys or their Chinese labels.")
    file_name = fields.Char("File Name")
    skip_rejected = fields.Boolean(
        "Import Only Correct Rows",
        help="Import the correct rows and skip the rejected ones; "
        "without it nothing is imported while one row is rejected.")

    @classmethod
    def default_kind(cls):
        return 'routes'

    @classmethod
    def default_skip_rejected(cls):
        return False


class ImportResult(ModelView):
    __name__ = 'gd.ticketing.import.result'
    __string__ = "Import Result"

    kind = fields.Selection(KINDS, "Kind", readonly=True)
    rows_read = fields.Integer("Rows Read", readonly=True)
    rows_imported = fields.Integer("Rows Imported", readonly=True)
    rows_rejected = fields.Integer("Rows Rejected", readonly=True)
    records_created = fields.Integer(
        "Records Created", readonly=True,
        help="The routes or schedules created.")
    summary = fields.Text("Summary", readonly=True)
    rejected = fields.Text(
        "Rejected Rows", readonly=True,
        help="Each rejected row with its line in the file, the reason and "
        "how to fix it.")


class Import(Wizard):
    __name__ = 'gd.ticketing.import'
    __string__ = "Import Routes and Schedules"

    start = StateView(
        'gd.ticketing.import.start',
        'gd_ticketing.import_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Import", 'import_', 'tryton-import', default=True),
            ])
    import_ = StateTransition()
    result = StateView(
        'gd.ticketing.import.result',
        'gd_ticketing.import_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_import_(self):
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        Model = pool.get(KIND_MODELS[self.start.kind])
        # The import runs with the user's access rights and rules, as
        # creating the records in their forms would
        with check_access():
            ModelAccess.check(Model.__name__, 'create')
            rows, headers = read_csv(
                self.start.file, Model.csv_import_columns())
            good, rejected = Model.csv_import_check(rows, headers)
            if rejected and not self.start.skip_rejected:
                good = []
            records = Model.csv_import_create(
                [v for _, v in good]) if good else []

        result = self.result
        result.kind = self.start.kind
        result.rows_read = len(rows)
        result.rows_imported = sum(len(lines) for lines, _ in good)
        result.rows_rejected = len(rejected)
        result.records_created = len(records)
        if rejected and not self.start.skip_rejected:
            result.summary = gettext('gd_ticketing.msg_import_nothing')
        elif rejected:
            result.summary = gettext('gd_ticketing.msg_import_partial')
        else:
            result.summary = gettext('gd_ticketing.msg_import_done')
        result.rejected = '\n'.join(
            gettext(
                'gd_ticketing.msg_import_row', line=line,
                reason='；'.join(reasons))
            for line, reasons in sorted(rejected.items()))
        return 'result'

    def default_result(self, fields):
        return {
            f: getattr(self.result, f, None) for f in fields}
