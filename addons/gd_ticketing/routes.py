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
from functools import wraps

from trytond.i18n import gettext
from trytond.protocols.wrappers import (
    allow_null_origin, user_application, with_pool, with_transaction)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

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


def positive_integer(value):
    value = int(value)
    if value < 1:
        raise ValueError(value)
    return value


CONVERSIONS = {
    iso_date: 'gd_ticketing.msg_api_expected_date',
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
