# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The ticketing API for stations' systems and online channels: JSON over
HTTP under /<database>/gd_ticketing/api/v1/

A caller authenticates with the key of a user application 'gd_ticketing'
(res.user.application, validated by the administrator) as a bearer token;
the call runs as the application's user, with its access rights and record
rules.  Errors answer a JSON object {status, message, description} in the
language of Accept-Language (zh-CN or en), else the user's language; a
refused call writes nothing.  Every answer shows identity numbers masked.
The routes only read the request and call the models' methods."""
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from functools import wraps

from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    Response, allow_null_origin, user_application, with_pool,
    with_transaction)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from . import eticket
from .exceptions import ApiError
from .schedule import TIMEZONE, utc_to_local

PREFIX = '/<database_name>/gd_ticketing/api/v1'
api_application = user_application('gd_ticketing')


def localized(func):
    "Run func in the language the caller asks for, else the user's"
    @wraps(func)
    def wrapper(request, pool, *args, **kwargs):
        Lang = pool.get('ir.lang')
        User = pool.get('res.user')
        codes = [lang.code for lang in Lang.search([])]
        # werkzeug matches zh-CN with zh_CN
        language = request.accept_languages.best_match(
            [c.replace('_', '-') for c in codes])
        if language:
            language = language.replace('-', '_')
        else:
            user = User(Transaction().user)
            language = user.language.code if user.language else None
        with Transaction().set_context(language=language):
            return func(request, pool, *args, **kwargs)
    return wrapper


def parameter(values, name, convert=str, required=True, default=None):
    """The value of name in values (query arguments or a JSON object)
    converted by convert; a missing or malformed value raises ApiError"""
    value = values.get(name)
    if value is None or value == '':
        if required:
            raise ApiError(gettext(
                    'gd_ticketing.msg_api_parameter_missing', name=name))
        return default
    try:
        return convert(value)
    except (TypeError, ValueError) as exception:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_parameter_invalid',
                name=name, value=value,
                expected=gettext(CONVERSIONS.get(
                        convert, 'gd_ticketing.msg_api_expected_text')))
            ) from exception


def iso_date(value):
    return dt.date.fromisoformat(value)


def money(value):
    "An amount as a string or number, such as \"58.00\""
    try:
        value = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None
    if not value.is_finite() or value < 0:
        raise ValueError(value)
    return value


def positive_integer(value):
    value = int(value)
    if value < 1:
        raise ValueError(value)
    return value


CONVERSIONS = {
    iso_date: 'gd_ticketing.msg_api_expected_date',
    money: 'gd_ticketing.msg_api_expected_amount',
    positive_integer: 'gd_ticketing.msg_api_expected_positive_integer',
    int: 'gd_ticketing.msg_api_expected_integer',
    }


def station_by_code(pool, code, name):
    "The station of code, named by the parameter name"
    Station = pool.get('gd.station')
    # Station codes and names are public: every seller and channel looks
    # up the stations of the network, not only its own
    with without_check_access():
        stations = Station.search([('code', '=', code)], limit=1)
    if not stations:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_station_unknown', name=name, code=code))
    return stations[0]


def local_iso(value):
    "A naive UTC datetime as an ISO 8601 local time of Guangdong"
    return utc_to_local(value).replace(tzinfo=TIMEZONE).isoformat()


def journey_json(pool, run, from_index, to_index, free):
    Fare = pool.get('gd.fare')
    stops = run.route.stops
    departure, arrival = stops[from_index], stops[to_index]
    fares = Fare.search([
            ('route', '=', run.route.id),
            ('departure', '=', departure.id),
            ('arrival', '=', arrival.id),
            ])
    # The stations' names are public, as their codes
    with without_check_access():
        names = {s.id: (s.station.code, s.station.name)
            for s in [departure, arrival]}
    return {
        'run': run.id,
        'schedule': run.number,
        'date': run.date.isoformat(),
        'departure_time': local_iso(
            run.departure + dt.timedelta(minutes=departure.minutes)),
        'arrival_time': local_iso(
            run.departure + dt.timedelta(minutes=arrival.minutes)),
        'from': {'code': names[departure.id][0],
            'name': names[departure.id][1], 'index': from_index},
        'to': {'code': names[arrival.id][0],
            'name': names[arrival.id][1], 'index': to_index},
        'distance_km': str(arrival.distance_km - departure.distance_km),
        'free_seats': free,
        'gate': run.gate,
        'bay': run.bay,
        'sale_closes': local_iso(run.sale_closes),
        'fares': [{
                'fare_type': f.fare_type.code,
                'name': f.fare_type.rec_name,
                'price': str(f.price),
                'price_cap': str(f.price_cap),
                } for f in fares],
        }


@app.route(PREFIX + '/runs', methods={'GET'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def runs(request, pool):
    """The runs of a date from a station to another with free seats:
    ?from=<station code>&to=<station code>&date=YYYY-MM-DD[&count=N]"""
    Run = pool.get('gd.run')
    args = request.args
    departure = station_by_code(pool, parameter(args, 'from'), 'from')
    arrival = station_by_code(pool, parameter(args, 'to'), 'to')
    date = parameter(args, 'date', iso_date)
    count = parameter(
        args, 'count', positive_integer, required=False, default=1)
    return [journey_json(pool, *journey)
        for journey in Run.find_journeys(departure, arrival, date, count)]


def json_body(request):
    "The JSON object of the request's body"
    try:
        body = json.loads(request.get_data(as_text=True) or 'null')
    except ValueError as exception:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_body_invalid')) from exception
    if not isinstance(body, dict):
        raise ApiError(gettext('gd_ticketing.msg_api_body_invalid'))
    return body


def stop_of(run, code, name):
    "The stop of run's route at the station of code"
    with without_check_access():
        for stop in run.route.stops:
            if stop.station.code == code:
                return stop
    raise ApiError(gettext(
            'gd_ticketing.msg_api_stop_unknown', name=name, code=code,
            run=run.rec_name))


def fare_type_of(pool, code):
    Code = pool.get('gd.ticketing.code')
    codes = Code.search([
            ('category', '=', 'fare_type'), ('code', '=', code)], limit=1)
    if not codes:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_fare_type_unknown', code=code))
    return codes[0]


def ticket_values(pool, values, index):
    "The values of Order.sell's ticket from the API's ticket object"
    Run = pool.get('gd.run')
    if not isinstance(values, dict):
        raise ApiError(gettext('gd_ticketing.msg_api_body_invalid'))
    prefix = f'tickets[{index}].'
    run_id = parameter(values, 'run', positive_integer)
    runs = Run.search([('id', '=', run_id)])
    if not runs:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_run_unknown', run=run_id))
    run, = runs
    passenger = values.get('passenger')
    if not isinstance(passenger, dict):
        raise ApiError(gettext(
                'gd_ticketing.msg_api_parameter_missing',
                name=prefix + 'passenger'))
    result = {
        'run': run.id,
        'departure': stop_of(
            run, parameter(values, 'from'), prefix + 'from').id,
        'arrival': stop_of(run, parameter(values, 'to'), prefix + 'to').id,
        'fare_type': fare_type_of(
            pool, parameter(values, 'fare_type', required=False,
                default='full')).id,
        'passenger': {
            'name': parameter(passenger, 'name'),
            'id_type': parameter(
                passenger, 'id_type', required=False, default='resident'),
            'id_number': parameter(passenger, 'id_number'),
            },
        'kind': parameter(values, 'kind', required=False, default='single'),
        'leg': parameter(values, 'leg', positive_integer, required=False,
            default=1),
        }
    seat = parameter(values, 'seat', positive_integer, required=False)
    if seat:
        result['seat'] = seat
    adult = parameter(values, 'adult', int, required=False)
    if adult is not None:
        result['adult'] = adult
    return result


def ticket_json(ticket):
    "A ticket as the API answers it: its identity number masked"
    with without_check_access():
        departure, arrival = ticket.departure, ticket.arrival
        stations = [(s.station.code, s.station.name)
            for s in [departure, arrival]]
    return {
        'number': ticket.number,
        'state': ticket.state,
        'run': ticket.run.id,
        'schedule': ticket.run.number,
        'date': ticket.run.date.isoformat(),
        'departure_time': local_iso(ticket.departure_time),
        'arrival_time': local_iso(ticket.arrival_time),
        'from': {'code': stations[0][0], 'name': stations[0][1]},
        'to': {'code': stations[1][0], 'name': stations[1][1]},
        'seat': ticket.seat,
        'fare_type': ticket.fare_type.code,
        'price': str(ticket.price),
        'kind': ticket.kind,
        'leg': ticket.leg,
        'passenger': {
            'name': ticket.passenger.name,
            'id_type': ticket.passenger.id_type,
            'id_number': ticket.passenger.id_masked,
            },
        'refund_fee': (str(ticket.refund_fee)
            if ticket.refund_fee is not None else None),
        'refund_amount': (str(ticket.refund_amount)
            if ticket.refund_amount is not None else None),
        'qr_token': ticket.qr_token,
        }


def order_json(order):
    return {
        'number': order.number,
        'state': order.state,
        'channel': order.channel,
        'total': str(order.total),
        'tickets': [ticket_json(t) for t in order.tickets],
        }


def ticket_by_number(pool, number):
    "The ticket of number among those the caller may see"
    Ticket = pool.get('gd.ticket')
    tickets = Ticket.search([('number', '=', number)], limit=1)
    if not tickets:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_ticket_unknown', number=number))
    return tickets[0]


@app.route(PREFIX + '/orders', methods={'POST'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def sell(request, pool):
    """Sell an order of one or more tickets, all or nothing: the body is
    {channel, tickets: [{run, from, to, fare_type, passenger: {name,
    id_type, id_number}, seat, kind, leg, adult}], payments: [{method,
    amount, reference}]}"""
    Order = pool.get('gd.order')
    body = json_body(request)
    tickets = body.get('tickets')
    if not isinstance(tickets, list) or not tickets:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_parameter_missing', name='tickets'))
    payments = body.get('payments') or []
    if not isinstance(payments, list):
        raise ApiError(gettext('gd_ticketing.msg_api_body_invalid'))
    values = {
        'channel': parameter(
            body, 'channel', required=False, default='online'),
        'tickets': [ticket_values(pool, t, i)
            for i, t in enumerate(tickets)],
        'payments': [{
                'method': parameter(p, 'method'),
                'amount': parameter(p, 'amount', money),
                'reference': parameter(p, 'reference', required=False),
                } for p in payments if isinstance(p, dict)],
        }
    station = Order.default_station()
    if station:
        values['station'] = station
    order, = Order.sell([values])
    return Response(
        json.dumps(order_json(order), ensure_ascii=False), status=201,
        content_type='application/json')


@app.route(PREFIX + '/tickets/<number>/refund', methods={'POST'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def refund(request, pool, number):
    "Refund a ticket, less the fee of its tier; its seat is freed"
    Ticket = pool.get('gd.ticket')
    ticket = ticket_by_number(pool, number)
    Ticket.refund_tickets([ticket])
    return ticket_json(Ticket(ticket.id))


@app.route(PREFIX + '/tickets/<number>/change', methods={'POST'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def change(request, pool, number):
    """Change a ticket to another run ({run, from, to, seat}), keeping its
    passenger; answer the new ticket"""
    Ticket = pool.get('gd.ticket')
    Run = pool.get('gd.run')
    ticket = ticket_by_number(pool, number)
    body = json_body(request)
    run_id = parameter(body, 'run', positive_integer)
    runs = Run.search([('id', '=', run_id)])
    if not runs:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_run_unknown', run=run_id))
    run, = runs
    departure = arrival = None
    if body.get('from'):
        departure = stop_of(run, parameter(body, 'from'), 'from')
    if body.get('to'):
        arrival = stop_of(run, parameter(body, 'to'), 'to')
    new, = Ticket.change(
        [ticket], run, departure=departure, arrival=arrival,
        seat=parameter(body, 'seat', positive_integer, required=False))
    return ticket_json(new)


@app.route(PREFIX + '/tickets/<number>/voucher', methods={'GET'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def voucher(request, pool, number):
    "The ticket's voucher as PDF"
    Voucher = pool.get('gd.ticket.voucher', type='report')
    ticket = ticket_by_number(pool, number)
    _, content, _, _ = Voucher.execute([ticket.id], {})
    return Response(
        bytes(content), content_type='application/pdf', headers={
            'Content-Disposition': f'inline; filename="{number}.pdf"'})


@app.route(PREFIX + '/ticket-key', methods={'GET'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
def ticket_key(request, pool):
    """The public key that verifies the e-tickets' QR tokens (Ed25519, raw
    32 bytes in base64), for gates that check offline"""
    return {'algorithm': 'Ed25519', 'key': eticket.public_key()}
