# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Routes (线路), their ordered stops and their fares

A route of n stops has n - 1 sections: section i runs from stop i to stop
i + 1 (indexes from 0, in the order of the stops).  A journey from stop i to
stop j (i < j) covers the sections i to j - 1."""
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval

from .carrier import NameCodeMixin
from .code import code_field
from .exceptions import NetworkError


class Route(NameCodeMixin, DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'gd.route'
    __string__ = "Route"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True)
    route_type = code_field('route_type', "Route Type", required=True)
    stops = fields.One2Many(
        'gd.route.stop', 'route', "Stops",
        help="The stops in the order the bus calls at them; the first is "
        "the origin station.")
    origin_station = fields.Many2One(
        'gd.station', "Origin Station", readonly=True, ondelete='RESTRICT',
        help="The station of the first stop.")
    destination_station = fields.Function(
        fields.Many2One('gd.station', "Destination Station"),
        'get_destination_station')
    distance_km = fields.Function(
        fields.Numeric("Distance (km)", digits=(16, 1)), 'get_distance_km')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'gd_ticketing.msg_route_code_unique'),
            ]
        cls._order.insert(0, ('code', 'ASC'))

    def get_destination_station(self, name):
        if self.stops:
            return self.stops[-1].station.id

    def get_distance_km(self, name):
        if self.stops:
            return self.stops[-1].distance_km

    def stop_index(self, stop):
        "The index of stop among the route's stops"
        return [s.id for s in self.stops].index(int(stop))

    @property
    def sections(self):
        "The consecutive pairs of stops, section i from stop i to i + 1"
        return list(zip(self.stops[:-1], self.stops[1:]))

    @classmethod
    def validate(cls, routes):
        super().validate(routes)
        for route in routes:
            route.check_stops()

    def check_stops(self):
        if len(self.stops) < 2:
            raise NetworkError(gettext(
                    'gd_ticketing.msg_route_two_stops', route=self.rec_name))
        first = self.stops[0]
        if first.distance_km or first.minutes:
            raise NetworkError(gettext(
                    'gd_ticketing.msg_route_origin_zero',
                    route=self.rec_name, stop=first.station.rec_name))
        seen = set()
        for previous, stop in self.sections:
            if stop.distance_km <= previous.distance_km:
                raise NetworkError(gettext(
                        'gd_ticketing.msg_route_distance_order',
                        route=self.rec_name,
                        stop=stop.station.rec_name,
                        distance=stop.distance_km,
                        previous=previous.station.rec_name,
                        previous_distance=previous.distance_km))
            if stop.minutes < previous.minutes:
                raise NetworkError(gettext(
                        'gd_ticketing.msg_route_minutes_order',
                        route=self.rec_name,
                        stop=stop.station.rec_name,
                        minutes=stop.minutes,
                        previous=previous.station.rec_name,
                        previous_minutes=previous.minutes))
        for stop in self.stops:
            if stop.station in seen:
                raise NetworkError(gettext(
                        'gd_ticketing.msg_route_station_twice',
                        route=self.rec_name, station=stop.station.rec_name))
            seen.add(stop.station)

    @classmethod
    def update_origin_station(cls, routes):
        "Keep the origin station equal to the station of the first stop"
        to_write = []
        for route in routes:
            origin = route.stops[0].station if route.stops else None
            if route.origin_station != origin:
                to_write.extend(([route], {'origin_station': origin}))
        if to_write:
            cls.write(*to_write)

    @classmethod
    def on_modification(cls, mode, routes, field_names=None):
        super().on_modification(mode, routes, field_names=field_names)
        if mode == 'create' or (mode == 'write' and 'stops' in field_names):
            cls.update_origin_station(cls.browse(routes))


class RouteStop(sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'gd.route.stop'
    __string__ = "Route Stop"
    __access__ = {'route'}

    route = fields.Many2One(
        'gd.route', "Route", required=True, ondelete='CASCADE')
    station = fields.Many2One(
        'gd.station', "Station", required=True, ondelete='RESTRICT')
    distance_km = fields.Numeric(
        "Distance (km)", digits=(16, 1), required=True,
        help="The distance from the origin station.")
    minutes = fields.Integer(
        "Minutes", required=True,
        help="The minutes from the departure at the origin station.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('route', 'ASC'), ('sequence', 'ASC NULLS FIRST'),
            ('id', 'ASC')]

    @classmethod
    def default_distance_km(cls):
        return 0

    @classmethod
    def default_minutes(cls):
        return 0

    def get_rec_name(self, name):
        return self.station.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('station.rec_name',) + tuple(clause[1:])]

    @property
    def index(self):
        "The index of the stop in its route"
        return self.route.stop_index(self)

    @classmethod
    def check_modification(cls, mode, stops, values=None, external=False):
        pool = Pool()
        Run = pool.get('gd.run')
        super().check_modification(
            mode, stops, values=values, external=external)
        # The seats of runs are held per section: the sections of a route
        # with runs to come must stay as they are
        routes = {s.route for s in stops}
        runs = Run.search([
                ('route', 'in', [r.id for r in routes]),
                ('state', 'in', ['planned', 'open']),
                ], limit=1)
        if runs:
            run, = runs
            raise NetworkError(gettext(
                    'gd_ticketing.msg_route_stops_with_runs',
                    route=run.route.rec_name, run=run.rec_name))

    @classmethod
    def on_modification(cls, mode, stops, field_names=None):
        pool = Pool()
        Route = pool.get('gd.route')
        super().on_modification(mode, stops, field_names=field_names)
        if mode != 'delete':
            routes = Route.browse({s.route.id for s in stops})
            Route.update_origin_station(routes)
            Route.validate(routes)


class Fare(ModelSQL, ModelView):
    __name__ = 'gd.fare'
    __string__ = "Fare"

    route = fields.Many2One(
        'gd.route', "Route", required=True, ondelete='CASCADE')
    departure = fields.Many2One(
        'gd.route.stop', "Departure Stop", required=True,
        ondelete='CASCADE',
        domain=[('route', '=', Eval('route', -1))])
    arrival = fields.Many2One(
        'gd.route.stop', "Arrival Stop", required=True, ondelete='CASCADE',
        domain=[('route', '=', Eval('route', -1))])
    fare_type = code_field('fare_type', "Fare Type", required=True)
    price = fields.Numeric("Price", digits=(16, 2), required=True)
    price_cap = fields.Numeric(
        "Price Cap", digits=(16, 2), required=True,
        help="The highest price allowed (上限票价).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('journey_unique',
                Unique(t, t.route, t.departure, t.arrival, t.fare_type),
                'gd_ticketing.msg_fare_unique'),
            ]
        cls._order.insert(0, ('route', 'ASC'))

    def get_rec_name(self, name):
        return (f'{self.route.rec_name}: {self.departure.rec_name} - '
            f'{self.arrival.rec_name} ({self.fare_type.rec_name})')

    @classmethod
    def _validate(cls, fares, field_names=None):
        # Before the domains of the stops, to say why
        for fare in fares:
            fare.check_stops()
        super()._validate(fares, field_names=field_names)

    @classmethod
    def validate_fields(cls, fares, field_names):
        super().validate_fields(fares, field_names)
        for fare in fares:
            fare.check_price()

    def check_stops(self):
        if (self.departure.route != self.route
                or self.arrival.route != self.route
                or self.departure.index >= self.arrival.index):
            raise NetworkError(gettext(
                    'gd_ticketing.msg_fare_stops_order',
                    route=self.route.rec_name,
                    departure=self.departure.rec_name,
                    arrival=self.arrival.rec_name))

    def check_price(self):
        if self.price < 0 or self.price_cap < 0:
            raise NetworkError(gettext(
                    'gd_ticketing.msg_fare_negative',
                    route=self.route.rec_name,
                    departure=self.departure.rec_name,
                    arrival=self.arrival.rec_name))
        if self.price > self.price_cap:
            raise NetworkError(gettext(
                    'gd_ticketing.msg_fare_above_cap',
                    route=self.route.rec_name,
                    departure=self.departure.rec_name,
                    arrival=self.arrival.rec_name,
                    fare_type=self.fare_type.rec_name,
                    price=self.price, price_cap=self.price_cap))
