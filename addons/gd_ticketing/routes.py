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
from .schedule import TIMEZONE, local_to_utc, utc_to_local

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


# Customized travel (定制客运)

def local_time(value):
    "A local time of Guangdong as HH:MM"
    return dt.time.fromisoformat(value)


def coordinate(value):
    value = float(value)
    if not -180 <= value <= 180:
        raise ValueError(value)
    return value


CONVERSIONS.update({
        local_time: 'gd_ticketing.msg_api_expected_time',
        coordinate: 'gd_ticketing.msg_api_expected_coordinate',
        })


def carrier_by_code(pool, code, name):
    "The carrier of code, named by the parameter name"
    Carrier = pool.get('gd.carrier')
    # Carriers' codes and names are public, as the stations'
    with without_check_access():
        carriers = Carrier.search([('code', '=', code)], limit=1)
    if not carriers:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_carrier_unknown', name=name, code=code))
    return carriers[0]


def point_values(body, name):
    "The address, latitude and longitude of the point object name"
    point = body.get(name)
    if not isinstance(point, dict):
        raise ApiError(gettext(
                'gd_ticketing.msg_api_parameter_missing',
                name=f'{name}.address'))
    return {
        f'{name}_address': parameter(point, 'address'),
        f'{name}_latitude': parameter(
            point, 'latitude', coordinate, required=False),
        f'{name}_longitude': parameter(
            point, 'longitude', coordinate, required=False),
        }


def custom_request_values(pool, body):
    "The values of Request.submit from the API's request object"
    Order = pool.get('gd.order')
    date = parameter(body, 'date', iso_date)
    values = {
        'departure_station': Order.default_station(),
        'arrival_station': station_by_code(
            pool, parameter(body, 'to'), 'to').id,
        'date': date,
        'earliest_pickup': local_to_utc(
            date, parameter(body, 'earliest_pickup', local_time)),
        'latest_pickup': local_to_utc(
            date, parameter(body, 'latest_pickup', local_time)),
        'contact_phone': parameter(body, 'contact_phone'),
        }
    if body.get('from'):
        values['departure_station'] = station_by_code(
            pool, parameter(body, 'from'), 'from').id
    if body.get('carrier'):
        values['carrier'] = carrier_by_code(
            pool, parameter(body, 'carrier'), 'carrier').id
    values.update(point_values(body, 'pickup'))
    values.update(point_values(body, 'dropoff'))
    payment = body.get('payment') or {}
    if not isinstance(payment, dict):
        raise ApiError(gettext('gd_ticketing.msg_api_body_invalid'))
    values['payment_method'] = parameter(
        payment, 'method', required=False, default='wechat')
    values['payment_reference'] = parameter(
        payment, 'reference', required=False)
    passengers = body.get('passengers')
    if not isinstance(passengers, list) or not passengers:
        raise ApiError(gettext(
                'gd_ticketing.msg_api_parameter_missing', name='passengers'))
    values['passengers'] = []
    for passenger in passengers:
        if not isinstance(passenger, dict):
            raise ApiError(gettext('gd_ticketing.msg_api_body_invalid'))
        values['passengers'].append({
                'name': parameter(
                    passenger, 'name', required=False, default=None),
                'id_type': parameter(
                    passenger, 'id_type', required=False,
                    default='resident'),
                'id_number': parameter(
                    passenger, 'id_number', required=False, default=None),
                })
    return values


def custom_request_json(request):
    """A customized travel request as the API answers it: identity numbers
    masked; once ticketed, its tickets and the links of their vouchers"""
    def point(name):
        return {
            'address': getattr(request, f'{name}_address'),
            'latitude': getattr(request, f'{name}_latitude'),
            'longitude': getattr(request, f'{name}_longitude'),
            }
    with without_check_access():
        stations = {
            'from': request.departure_station, 'to': request.arrival_station}
        stations = {k: {'code': s.code, 'name': s.name}
            for k, s in stations.items()}
        carrier = request.carrier.code if request.carrier else None
        run = request.run
        run_json = {
            'run': run.id,
            'schedule': run.number,
            'plate': run.vehicle.plate if run.vehicle else None,
            } if run else None
    tickets = []
    for line in request.passengers:
        if line.ticket:
            ticket = ticket_json(line.ticket)
            ticket['voucher'] = f'tickets/{line.ticket.number}/voucher'
            tickets.append(ticket)
    return {
        'id': request.id,
        'state': request.state,
        'date': request.date.isoformat(),
        'from': stations['from'],
        'to': stations['to'],
        'carrier': carrier,
        'pickup': point('pickup'),
        'dropoff': point('dropoff'),
        'earliest_pickup': local_iso(request.earliest_pickup),
        'latest_pickup': local_iso(request.latest_pickup),
        'seats': request.seats,
        'contact_phone': request.contact_phone,
        'passengers': [{
                'name': line.passenger_name,
                'id_number': line.id_masked,
                } for line in request.passengers],
        'run': run_json,
        'pickup_time': (local_iso(request.pickup_time)
            if request.pickup_time else None),
        'dropoff_time': (local_iso(request.dropoff_time)
            if request.dropoff_time else None),
        'reject_reason': request.reject_reason,
        'tickets': tickets,
        }


def custom_request_by_id(pool, request_id):
    "The request of id among those the caller may see"
    Request = pool.get('gd.custom.request')
    try:
        request_id = int(request_id)
    except ValueError:
        request_id = -1
    requests = Request.search([('id', '=', request_id)], limit=1)
    if not requests:
        raise ApiError(gettext(
                'gd_ticketing.msg_custom_unknown', request=request_id))
    return requests[0]


@app.route(PREFIX + '/custom-requests', methods={'POST'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def custom_request(request, pool):
    """Request customized travel: {date, from, to, carrier, pickup:
    {address, latitude, longitude}, dropoff: {...}, earliest_pickup,
    latest_pickup (HH:MM local), contact_phone, passengers: [{name,
    id_type, id_number}], payment: {method, reference}}"""
    Request = pool.get('gd.custom.request')
    body = json_body(request)
    record, = Request.submit([custom_request_values(pool, body)])
    return Response(
        json.dumps(custom_request_json(record), ensure_ascii=False),
        status=201, content_type='application/json')


@app.route(PREFIX + '/custom-requests/<request_id>', methods={'GET'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def custom_request_state(request, pool, request_id):
    "The state of a request and, once ticketed, its tickets"
    return custom_request_json(custom_request_by_id(pool, request_id))


@app.route(PREFIX + '/custom-requests/<request_id>/cancel', methods={'POST'})
@allow_null_origin
@with_pool
@with_transaction()
@api_application
@localized
def custom_request_cancel(request, pool, request_id):
    "Cancel a request not yet ticketed"
    Request = pool.get('gd.custom.request')
    record = custom_request_by_id(pool, request_id)
    Request.cancel_requests([record])
    return custom_request_json(Request(record.id))
