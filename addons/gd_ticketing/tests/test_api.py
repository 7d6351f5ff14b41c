# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The API of stations' systems and online channels, called over HTTP with
an application key, as those systems call it"""
import datetime as dt
import json
import os
from decimal import Decimal

from trytond.modules.gd_documents.tests.tools import pdf_text
from trytond.modules.gd_ticketing import eticket
from trytond.modules.gd_ticketing.identity import check_character
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import (
    DB_NAME, Client, TestCase, activate_module, drop_db)
from trytond.transaction import Transaction, without_check_access
from trytond.wsgi import app

from .tools import create_network, create_user, get_code

KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY='


def resident(first17):
    "A valid resident ID number of its first 17 digits"
    return first17 + check_character(first17)


class ApiTestCase(TestCase):
    "Test the ticketing API"

    @classmethod
    def setUpClass(cls):
        os.environ.setdefault('GDCLOUD_ID_KEY', KEY)
        super().setUpClass()
        # Its records are committed: a database of its own
        drop_db()
        activate_module('gd_ticketing', lang='zh_CN')
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Schedule = pool.get('gd.schedule')
            Run = pool.get('gd.run')
            Fare = pool.get('gd.fare')
            Application = pool.get('res.user.application')
            network = create_network('API', seats=3)
            route = network['route']
            first, second, third = route.stops
            Fare.create([{
                        'route': route.id, 'departure': d.id,
                        'arrival': a.id,
                        'fare_type': get_code('fare_type', t).id,
                        'price': Decimal(p), 'price_cap': Decimal(c),
                        } for d, a, t, p, c in [
                        (first, third, 'full', '58.00', '60.00'),
                        (first, third, 'child', '29.00', '30.00'),
                        (second, third, 'full', '40.00', '40.00'),
                        ]])
            # Tomorrow: on sale now, whenever the tests run
            cls.run_date = dt.date.today() + dt.timedelta(days=1)
            run, = Schedule.generate_runs(
                [network['schedule']], start=cls.run_date, days=1)
            Run.open([run])
            cls.run_id = run.id
            cls.codes = [s.station.code for s in route.stops]
            seller = create_user(
                'api_seller', 'group_station',
                station=network['stations'][0])
            # The carrier's planner of customized travel
            cls.planner_id = create_user(
                'api_planner', 'gd_ticketing.group_carrier',
                carrier=network['carrier']).id
            cls.vehicle_id = network['vehicle'].id
            cls.driver_id = network['driver'].id
            cls.keys = {}
            for user, name in [(seller, 'seller')]:
                application = Application(
                    user=user, application='gd_ticketing')
                application.save()
                Application.validate_([application])
                cls.keys[name] = application.key
            transaction.commit()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def call(self, method, path, key='seller', language='zh-CN', **kwargs):
        headers = {'Accept-Language': language}
        if key:
            headers['Authorization'] = f'Bearer {self.keys.get(key, key)}'
        response = getattr(Client(app, Response), method)(
            f'/{DB_NAME}/gd_ticketing/api/v1/{path}', headers=headers,
            **kwargs)
        if response.mimetype == 'application/json':
            return response.status_code, json.loads(response.data)
        return response.status_code, response.data

    def runs(self, query, **kwargs):
        return self.call('get', 'runs', query_string=query, **kwargs)

    def test_runs_with_free_seats_and_fares(self):
        "The runs of a date between two stations, their seats and fares"
        status, runs = self.runs({
                'from': self.codes[0], 'to': self.codes[2],
                'date': self.run_date.isoformat()})
        self.assertEqual(status, 200)
        run, = runs
        self.assertEqual(run['run'], self.run_id)
        self.assertEqual(run['schedule'], 'KAPI')
        self.assertEqual(run['free_seats'], 3)
        self.assertEqual(run['from']['code'], self.codes[0])
        self.assertEqual(run['to']['index'], 2)
        self.assertEqual(run['departure_time'],
            f'{self.run_date.isoformat()}T08:00:00+08:00')
        self.assertEqual(run['arrival_time'],
            f'{self.run_date.isoformat()}T10:00:00+08:00')
        self.assertEqual(
            {(f['fare_type'], f['price'], f['price_cap'])
                for f in run['fares']},
            {('full', '58.00', '60.00'), ('child', '29.00', '30.00')})

    def test_runs_between_intermediate_stops(self):
        "A journey from the second stop finds the run and its own fare"
        status, runs = self.runs({
                'from': self.codes[1], 'to': self.codes[2],
                'date': self.run_date.isoformat(), 'count': '2'})
        self.assertEqual(status, 200)
        run, = runs
        self.assertEqual(run['departure_time'],
            f'{self.run_date.isoformat()}T08:50:00+08:00')
        self.assertEqual(
            [(f['fare_type'], f['price']) for f in run['fares']],
            [('full', '40.00')])

    def test_no_run_against_the_direction_nor_beyond_the_seats(self):
        "No run goes backwards, nor has more seats than it has"
        status, runs = self.runs({
                'from': self.codes[2], 'to': self.codes[0],
                'date': self.run_date.isoformat()})
        self.assertEqual((status, runs), (200, []))
        status, runs = self.runs({
                'from': self.codes[0], 'to': self.codes[2],
                'date': self.run_date.isoformat(), 'count': '4'})
        self.assertEqual((status, runs), (200, []))

    def test_malformed_input_is_refused_in_the_callers_language(self):
        "Missing or malformed parameters get a translated 400"
        date = self.run_date.isoformat()
        status, error = self.runs({'from': self.codes[0], 'date': date})
        self.assertEqual(status, 400)
        self.assertIn('缺少参数“to”', error['message'])
        status, error = self.runs(
            {'from': self.codes[0], 'to': self.codes[2], 'date': '25/11'})
        self.assertEqual(status, 400)
        self.assertIn('YYYY-MM-DD', error['message'])
        status, error = self.runs({
                'from': self.codes[0], 'to': self.codes[2], 'date': date,
                'count': '0'}, language='en')
        self.assertEqual(status, 400)
        self.assertIn('a whole number of at least 1', error['message'])
        status, error = self.runs(
            {'from': 'NOPE', 'to': self.codes[2], 'date': date})
        self.assertEqual(status, 400)
        self.assertIn('NOPE', error['message'])

    def test_a_call_without_a_valid_key_is_refused(self):
        "No key, or a key that was not validated: 401"
        query = {'from': self.codes[0], 'to': self.codes[2],
            'date': self.run_date.isoformat()}
        response = Client(app, Response).get(
            f'/{DB_NAME}/gd_ticketing/api/v1/runs', query_string=query)
        self.assertEqual(response.status_code, 401)
        status, _ = self.runs(query, key='forged-key')
        self.assertEqual(status, 401)

    # Sales through the API

    def order(self, id_number, name="李四", **ticket):
        "The body of an order of one full ticket over the whole route"
        values = {
            'run': self.run_id, 'from': self.codes[0], 'to': self.codes[2],
            'fare_type': 'full',
            'passenger': {
                'name': name, 'id_type': 'resident', 'id_number': id_number},
            }
        values.update(ticket)
        return {
            'channel': 'online',
            'tickets': [values],
            'payments': [{'method': 'wechat', 'amount': '58.00',
                    'reference': f'wx-{id_number[-6:]}'}],
            }

    def free_seats(self):
        _, runs = self.runs({'from': self.codes[0], 'to': self.codes[2],
                'date': self.run_date.isoformat()})
        return runs[0]['free_seats'] if runs else 0

    def test_sell_voucher_and_refund(self):
        """An online channel sells a real-name ticket, fetches its voucher
        and refunds it; the seat comes back"""
        free = self.free_seats()
        status, order = self.call(
            'post', 'orders', json=self.order(resident('44010619800101101')))
        self.assertEqual(status, 201, order)
        self.assertEqual((order['state'], order['channel'], order['total']),
            ('paid', 'online', '58.00'))
        ticket, = order['tickets']
        self.assertEqual(ticket['passenger']['id_number'],
            '440106********1011'[:6] + '********' + ticket['passenger'][
                'id_number'][-4:])
        self.assertNotIn('19800101', json.dumps(order))
        self.assertEqual((ticket['from']['code'], ticket['to']['code']),
            (self.codes[0], self.codes[2]))
        self.assertEqual(self.free_seats(), free - 1)

        # The gate's key verifies the QR token offline
        status, key = self.call('get', 'ticket-key')
        self.assertEqual(status, 200)
        payload = eticket.verify(ticket['qr_token'], key=key['key'])
        self.assertEqual((payload['n'], payload['s']),
            (ticket['number'], ticket['seat']))

        status, pdf = self.call(
            'get', f"tickets/{ticket['number']}/voucher")
        self.assertEqual(status, 200)
        self.assertTrue(pdf.startswith(b'%PDF'))
        self.assertIn(ticket['number'], pdf_text(pdf).replace(' ', ''))

        status, refunded = self.call(
            'post', f"tickets/{ticket['number']}/refund")
        self.assertEqual(status, 200, refunded)
        self.assertEqual(refunded['state'], 'refunded')
        self.assertEqual(
            Decimal(refunded['refund_fee'])
            + Decimal(refunded['refund_amount']), Decimal('58.00'))
        self.assertEqual(self.free_seats(), free)
        status, error = self.call(
            'post', f"tickets/{ticket['number']}/refund")
        self.assertEqual(status, 400)

    def test_change_keeps_the_passenger(self):
        "A change to other stops of the run keeps the passenger"
        status, order = self.call(
            'post', 'orders', json=self.order(resident('44010619800101202')))
        self.assertEqual(status, 201, order)
        ticket, = order['tickets']
        status, new = self.call(
            'post', f"tickets/{ticket['number']}/change",
            json={'run': self.run_id, 'from': self.codes[1],
                'to': self.codes[2]})
        self.assertEqual(status, 200, new)
        self.assertNotEqual(new['number'], ticket['number'])
        self.assertEqual(new['passenger'], ticket['passenger'])
        self.assertEqual(new['from']['code'], self.codes[1])
        self.assertEqual(new['price'], '40.00')
        status, error = self.call(
            'post', f"tickets/{ticket['number']}/change",
            json={'run': self.run_id})
        self.assertEqual(status, 400)
        # The run's seats are shared by the tests: give it back
        status, _ = self.call('post', f"tickets/{new['number']}/refund")
        self.assertEqual(status, 200)

    def test_bad_orders_sell_nothing(self):
        """Malformed bodies, an unknown stop, an invalid ID number: a
        translated 400 and nothing sold"""
        free = self.free_seats()
        status, error = self.call(
            'post', 'orders', data='not json',
            content_type='application/json')
        self.assertEqual(status, 400)
        self.assertIn("JSON", error['message'])
        status, error = self.call('post', 'orders', json={'tickets': []})
        self.assertEqual(status, 400)
        self.assertIn("tickets", error['message'])
        status, error = self.call('post', 'orders', json=self.order(
                resident('44010619800101303'), to='NOPE'))
        self.assertEqual(status, 400)
        self.assertIn("NOPE", error['message'])
        bad = resident('44010619800101404')[:-1] + 'Y'
        status, error = self.call('post', 'orders', json=self.order(bad))
        self.assertEqual(status, 400)
        self.assertIn("校验码", error['message'])
        status, error = self.call(
            'post', 'orders', json=self.order(
                resident('44010619800101505'), fare_type='vip'),
            language='en')
        self.assertEqual(status, 400)
        self.assertIn('fare type "vip"', error['message'])
        self.assertEqual(self.free_seats(), free)
        with Transaction().start(DB_NAME, 0):
            Order = Pool().get('gd.order')
            self.assertEqual(Order.search([
                        ('tickets.passenger.id_number', '=',
                            resident('44010619800101303'))]), [])

    def test_another_station_s_ticket_is_unknown(self):
        "A ticket number the caller may not see is answered as unknown"
        status, error = self.call('post', 'tickets/NOPE/refund')
        self.assertEqual(status, 400)
        self.assertIn("NOPE", error['message'])

    # Customized travel (定制客运)

    def custom_request(self, *passengers, earliest='10:00', latest='10:30',
            **values):
        "The body of a request of customized travel from the first station"
        body = {
            'date': self.run_date.isoformat(),
            'to': self.codes[2],
            'pickup': {'address': "天河路 385 号", 'latitude': 23.1372,
                'longitude': 113.3243},
            'dropoff': {'address': "端州区天宁北路 8 号"},
            'earliest_pickup': earliest,
            'latest_pickup': latest,
            'contact_phone': '13800138000',
            'passengers': [{'name': name, 'id_type': 'resident',
                    'id_number': number} for name, number in passengers],
            'payment': {'method': 'wechat', 'reference': 'wx-custom'},
            }
        body.update(values)
        return body

    def custom_requests_count(self):
        with Transaction().start(DB_NAME, 0):
            with without_check_access():
                return Pool().get('gd.custom.request').search_count([])

    def plan_custom(self, request_ids):
        "The carrier plans the requests into a custom run and tickets them"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Request = pool.get('gd.custom.request')
            Vehicle = pool.get('gd.vehicle')
            Driver = pool.get('gd.driver')
            with transaction.set_user(self.planner_id), \
                    transaction.set_context(_check_access=True):
                requests = Request.browse(request_ids)
                Request.plan(
                    requests, Vehicle(self.vehicle_id),
                    Driver(self.driver_id), Decimal('65.00'),
                    Decimal('110'))
                Request.issue_tickets(requests)
            transaction.commit()

    def test_custom_request_planned_and_ticketed(self):
        """An online channel requests customized travel; once the carrier
        planned it, the request shows its real-name tickets, masked, with
        their QR codes and vouchers"""
        first = resident('44010619850303111')
        second = resident('44010619870404222')
        status, request = self.call(
            'post', 'custom-requests', json=self.custom_request(
                ("王五", first), ("赵六", second)))
        self.assertEqual(status, 201, request)
        self.assertEqual(request['state'], 'requested')
        self.assertEqual(request['seats'], 2)
        self.assertEqual(request['from']['code'], self.codes[0])
        self.assertEqual(request['earliest_pickup'],
            f'{self.run_date.isoformat()}T10:00:00+08:00')
        self.assertEqual(
            [p['id_number'] for p in request['passengers']],
            [first[:6] + '********' + first[-4:],
                second[:6] + '********' + second[-4:]])
        self.assertNotIn(first, json.dumps(request))

        self.plan_custom([request['id']])
        status, request = self.call(
            'get', f"custom-requests/{request['id']}")
        self.assertEqual(status, 200, request)
        self.assertEqual(request['state'], 'ticketed')
        self.assertEqual(request['pickup_time'],
            f'{self.run_date.isoformat()}T10:00:00+08:00')
        self.assertEqual(request['run']['plate'], '粤AAPI1')
        self.assertEqual(len(request['tickets']), 2)
        self.assertNotIn(first, json.dumps(request))
        status, key = self.call('get', 'ticket-key')
        for ticket in request['tickets']:
            self.assertEqual(ticket['price'], '65.00')
            self.assertEqual(ticket['run'], request['run']['run'])
            payload = eticket.verify(ticket['qr_token'], key=key['key'])
            self.assertEqual(payload['n'], ticket['number'])
        ticket = request['tickets'][0]
        status, pdf = self.call('get', ticket['voucher'])
        self.assertEqual(status, 200)
        self.assertIn(ticket['number'], pdf_text(pdf).replace(' ', ''))

        status, error = self.call(
            'post', f"custom-requests/{request['id']}/cancel")
        self.assertEqual(status, 400)
        self.assertIn("退票", error['message'])

    def test_custom_request_cancelled(self):
        "The channel cancels a request not yet planned"
        status, request = self.call(
            'post', 'custom-requests', json=self.custom_request(
                ("孙七", resident('44010619900505333'))))
        self.assertEqual(status, 201, request)
        status, request = self.call(
            'post', f"custom-requests/{request['id']}/cancel")
        self.assertEqual(status, 200, request)
        self.assertEqual(request['state'], 'cancelled')

    def test_bad_custom_requests_create_nothing(self):
        """An inverted window, a missing or invalid ID number, a missing
        point: a translated 400 and nothing created"""
        count = self.custom_requests_count()
        number = resident('44010619910606444')
        for body, text in [
                (self.custom_request(("周八", number), earliest='11:00',
                        latest='10:00'), "颠倒"),
                (self.custom_request(("周八", number), ("吴九", '')),
                    "没有证件号码"),
                (self.custom_request(("周八", number[:-1] + (
                                'X' if number[-1] != 'X' else '0'))),
                    "校验码"),
                (self.custom_request(("周八", number), pickup=None),
                    "pickup.address"),
                (self.custom_request(("周八", number), earliest='10h'),
                    "HH:MM"),
                ]:
            with self.subTest(text=text):
                status, error = self.call(
                    'post', 'custom-requests', json=body)
                self.assertEqual(status, 400, error)
                self.assertIn(text, error['message'])
        self.assertEqual(self.custom_requests_count(), count)
        status, error = self.call('get', 'custom-requests/999999')
        self.assertEqual(status, 400)
        self.assertIn("999999", error['message'])
