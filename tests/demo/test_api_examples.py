"""The ticketing API's examples of addons/gd_ticketing/README.rst, run
against the demo server with the demo's key of 广州市汽车客运站"""
import datetime as dt
import json
import urllib.error
import urllib.request

from .conftest import DATABASE

ORIGIN, DESTINATION = '440100001', '441200100'


def call(server, demo_path, method, path, body=None):
    "Call the API as the README's curl examples do; return (status, data)"
    key = (demo_path / 'api-key').read_text().strip()
    request = urllib.request.Request(
        f"{server['url']}{DATABASE}/gd_ticketing/api/v1/{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={'Authorization': f'Bearer {key}',
            'Content-Type': 'application/json',
            'Accept-Language': 'zh-CN'})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
            status = response.status
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        data, status = error.read(), error.code
        kind = error.headers.get_content_type()
    if kind == 'application/json':
        data = json.loads(data)
    return status, data


def test_search_sell_voucher_change_and_refund(server, demo_path):
    "Each example of the README, in the order a channel uses them"
    date = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    status, runs = call(server, demo_path, 'GET',
        f'runs?from={ORIGIN}&to={DESTINATION}&date={date}')
    assert status == 200, runs
    assert [r['schedule'] for r in runs] == ['K1001', 'K1003']
    run = runs[0]
    assert run['departure_time'] == f'{date}T08:00:00+08:00'
    assert {'fare_type': 'full', 'name': "全票", 'price': '58.00',
        'price_cap': '60.00'} in run['fares']

    status, order = call(server, demo_path, 'POST', 'orders', {
            'channel': 'online',
            'tickets': [{'run': run['run'], 'from': ORIGIN,
                    'to': DESTINATION, 'fare_type': 'full',
                    'passenger': {'name': "李四", 'id_type': 'resident',
                        'id_number': '11010519491231002X'}}],
            'payments': [{'method': 'wechat', 'amount': '58.00',
                    'reference': 'wx-4200001'}]})
    assert status == 201, order
    ticket, = order['tickets']
    assert ticket['passenger']['id_number'] == '110105********002X'
    assert ticket['qr_token'].startswith('GD1.')

    status, pdf = call(
        server, demo_path, 'GET', f"tickets/{ticket['number']}/voucher")
    assert status == 200 and pdf.startswith(b'%PDF')

    status, changed = call(
        server, demo_path, 'POST', f"tickets/{ticket['number']}/change",
        {'run': runs[1]['run']})
    assert status == 200, changed
    assert changed['schedule'] == 'K1003'

    status, refunded = call(
        server, demo_path, 'POST', f"tickets/{changed['number']}/refund")
    assert status == 200, refunded
    assert refunded['state'] == 'refunded'

    status, key = call(server, demo_path, 'GET', 'ticket-key')
    assert status == 200 and key['algorithm'] == 'Ed25519'

    status, error = call(server, demo_path, 'POST', 'orders', {
            'tickets': [{'run': run['run'], 'from': ORIGIN,
                    'to': DESTINATION,
                    'passenger': {'name': "王五",
                        'id_number': '110105194912310021'}}]})
    assert status == 400
    assert "校验码" in error['message']


def test_request_customized_travel(server, demo_path):
    "The customized travel examples of the README: request, read, cancel"
    date = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    status, request = call(server, demo_path, 'POST', 'custom-requests', {
            'date': date, 'to': DESTINATION,
            'pickup': {'address': "天河路 385 号", 'latitude': 23.1372,
                'longitude': 113.3243},
            'dropoff': {'address': "端州区天宁北路 8 号"},
            'earliest_pickup': '09:00', 'latest_pickup': '09:30',
            'contact_phone': '13800138000',
            'passengers': [{'name': "李四", 'id_type': 'resident',
                    'id_number': '11010519491231002X'}],
            'payment': {'method': 'wechat', 'reference': 'wx-4200002'}})
    assert status == 201, request
    assert request['state'] == 'requested'
    assert request['from']['code'] == ORIGIN
    assert request['passengers'] == [
        {'name': "李四", 'id_number': '110105********002X'}]
    assert request['earliest_pickup'] == f'{date}T09:00:00+08:00'

    status, read = call(
        server, demo_path, 'GET', f"custom-requests/{request['id']}")
    assert status == 200 and read['tickets'] == []

    status, cancelled = call(
        server, demo_path, 'POST', f"custom-requests/{request['id']}/cancel")
    assert status == 200, cancelled
    assert cancelled['state'] == 'cancelled'

    status, error = call(server, demo_path, 'POST', 'custom-requests', {
            'date': date, 'to': DESTINATION,
            'pickup': {'address': "天河路 385 号"},
            'dropoff': {'address': "端州区天宁北路 8 号"},
            'earliest_pickup': '09:30', 'latest_pickup': '09:00',
            'contact_phone': '13800138000',
            'passengers': [{'name': "李四",
                    'id_number': '11010519491231002X'}]})
    assert status == 400
    assert "颠倒" in error['message']
