# This file is part of GD Station Cloud.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Helpers for the tests of gd_ticketing"
import datetime as dt
from decimal import Decimal

from trytond.modules.gd_deploy.tests.tools import (
    as_user, create_station, create_user, on_date)
from trytond.pool import Pool

__all__ = [
    'as_user', 'create_station', 'create_user', 'on_date', 'get_code',
    'create_carrier', 'create_vehicle', 'create_driver', 'create_route',
    'create_schedule', 'create_network']


def get_code(category, code):
    Code = Pool().get('gd.ticketing.code')
    record, = Code.search([('category', '=', category), ('code', '=', code)])
    return record


def create_carrier(name, code):
    Carrier = Pool().get('gd.carrier')
    carrier = Carrier(name=name, code=code)
    carrier.save()
    return carrier


def create_vehicle(plate, carrier, seats=45):
    Vehicle = Pool().get('gd.vehicle')
    vehicle = Vehicle(
        plate=plate, carrier=carrier, seats=seats,
        vehicle_type=get_code('vehicle_type', 'large'),
        grade=get_code('vehicle_grade', 'high_1'))
    vehicle.save()
    return vehicle


def create_driver(name, certificate, carrier):
    Driver = Pool().get('gd.driver')
    driver = Driver(name=name, certificate=certificate, carrier=carrier)
    driver.save()
    return driver


def create_route(code, name, stops):
    """Create a route whose stops are (station, distance_km, minutes)
    in order"""
    pool = Pool()
    Route = pool.get('gd.route')
    Stop = pool.get('gd.route.stop')
    route = Route(
        code=code, name=name,
        route_type=get_code('route_type', 'inter_city'),
        stops=[Stop(
                sequence=i, station=station,
                distance_km=Decimal(distance), minutes=minutes)
            for i, (station, distance, minutes) in enumerate(stops, 1)])
    route.save()
    return route


def create_schedule(number, route, carrier, departure_time=dt.time(8, 0),
        seats=4, valid_from=dt.date(2026, 11, 1), **values):
    Schedule = Pool().get('gd.schedule')
    schedule = Schedule(
        number=number, route=route, carrier=carrier,
        departure_time=departure_time, seats=seats, valid_from=valid_from,
        schedule_type=get_code('schedule_type', 'regular'), **values)
    schedule.save()
    return schedule


def create_network(prefix, city_codes=('440100', '440600', '441200'),
        seats=4):
    """A carrier with a vehicle and a driver, a route of three stations
    in city_codes (the first is the origin) and a daily schedule"""
    stations = [
        create_station(f"{prefix}站{i}", f'{code}{prefix}{i}', code)
        for i, code in enumerate(city_codes)]
    carrier = create_carrier(f"{prefix}客运", f'C{prefix}')
    vehicle = create_vehicle(f'粤A{prefix}1', carrier, seats=45)
    driver = create_driver(f"{prefix}司机", f'Q{prefix}1', carrier)
    route = create_route(
        f'R{prefix}', f"{prefix}线",
        [(stations[0], 0, 0), (stations[1], 30, 50),
            (stations[2], 100, 120)])
    schedule = create_schedule(
        f'K{prefix}', route, carrier, seats=seats)
    return {
        'stations': stations, 'carrier': carrier, 'vehicle': vehicle,
        'driver': driver, 'route': route, 'schedule': schedule,
        }
