"""Benchmark of ticket sales on PostgreSQL, beside pgbench's TPC-B.

Builds a database with a network of 20 routes of three stops and, on each,
an open run of 45 seats, then lets 1, 4, 8 and 16 station sellers sell
real-name tickets at once, each sale an order of one ticket in its own
transaction (retried on serialization failures as trytond's dispatcher
does), on runs and sections drawn at random so that sellers race for the
same seats. It prints, for each number of sellers, the tickets sold per
second, the p50 and p95 latency of a sale, the sales refused for want of a
seat, and the seats sold twice on a section (always 0), then pgbench's
built-in TPC-B-like transactions per second with as many clients on the
same server, and their ratio.

    .venv/bin/python scripts/benchmark_sales.py [--uri postgresql://...]

The databases are created and dropped by the script."""
import argparse
import datetime as dt
import os
import random
import re
import shutil
import statistics
import subprocess
import multiprocessing
import time
from decimal import Decimal

import psycopg

from benchmark_tools import DEFAULT_URI, benchmark_database, percentile

ROUTES = 20
SEATS = 45
SELLERS = [1, 4, 8, 16]
KEY = 'YmVuY2htYXJrLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE='


def id_numbers(seller=0):
    "Valid resident ID numbers (GB 11643), each once, a range per seller"
    from trytond.modules.gd_ticketing.identity import check_character
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=400 * seller)
    serial = 0
    while True:
        serial += 1
        if serial > 999:
            serial, birth = 1, birth + dt.timedelta(days=1)
        first = f'440104{birth:%Y%m%d}{serial:03d}'
        yield first + check_character(first)


def build(name):
    """The network: routes of three stops from one station, each with an
    open run for tomorrow, and a seller of that station; return
    (seller id, station id, full fare type id, [(run id, stop ids)])"""
    from trytond.modules.gd_documents.tests.tools import create_station
    from trytond.modules.gd_ticketing.tests.tools import (
        create_carrier, create_route, create_schedule, create_user,
        create_vehicle, get_code)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0) as transaction:
        Schedule = pool.get('gd.schedule')
        Run = pool.get('gd.run')
        Fare = pool.get('gd.fare')
        full = get_code('fare_type', 'full')
        origin = create_station("基准客运站", '440100990', '440100')
        carrier = create_carrier("基准客运公司", 'CBENCH')
        create_vehicle('粤A基准1', carrier, seats=SEATS)
        date = dt.date.today() + dt.timedelta(days=1)
        runs = []
        for i in range(ROUTES):
            middle = create_station(f"中途站{i}", f'4406009{i:02d}', '440600')
            end = create_station(f"终点站{i}", f'4412009{i:02d}', '441200')
            route = create_route(f'RB{i:02d}', f"基准线{i}", [
                    (origin, 0, 0), (middle, 30, 50), (end, 100, 120)])
            stops = route.stops
            Fare.create([{
                        'route': route.id, 'departure': d.id,
                        'arrival': a.id, 'fare_type': full.id,
                        'price': Decimal(30 * (j - k)),
                        'price_cap': Decimal(30 * (j - k)),
                        } for k, d in enumerate(stops)
                    for j, a in enumerate(stops) if j > k])
            schedule = create_schedule(
                f'KB{i:02d}', route, carrier, dt.time(8, i), seats=SEATS)
            run, = Schedule.generate_runs([schedule], start=date, days=1)
            Run.open([run])
            runs.append((run.id, [s.id for s in stops]))
        seller = create_user('bench_seller', 'group_station', station=origin)
        transaction.commit()
        return seller.id, origin.id, full.id, runs


def seller_process(uri, name, seller, ids, start, deadline, queue):
    """A seller in a process of its own, as trytond's workers are: sell one
    ticket at a time from start until deadline; put each sale's outcome and
    latency on queue"""
    os.environ['TRYTOND_DATABASE__URI'] = uri
    from trytond import backend, config
    config.update_etc()
    from trytond.exceptions import UserError
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    seller_id, station_id, full, runs = ids
    pool = Pool(name)
    if name not in Pool.database_list():  # loaded already when profiled
        pool.init()
    Order = pool.get('gd.order')
    numbers = id_numbers(seller)
    rng = random.Random(seller)
    results = []
    time.sleep(max(0, start - time.time()))
    while time.time() < deadline:
        run_id, stops = rng.choice(runs)
        # Overlapping sections: whole route, first or second section
        departure, arrival = rng.choice([(0, 2), (0, 1), (1, 2), (0, 2)])
        number = next(numbers)
        price = Decimal(30 * (arrival - departure))
        began = time.perf_counter()
        outcome = 'failed'
        for _ in range(100):
            try:
                with Transaction().start(name, seller_id, context={
                            '_check_access': True}) as transaction:
                    Order.sell([{
                                'channel': 'window',
                                'station': station_id,
                                'payments': [
                                    {'method': 'cash', 'amount': price}],
                                'tickets': [{
                                        'passenger': {
                                            'name': "乘客",
                                            'id_type': 'resident',
                                            'id_number': number},
                                        'run': run_id,
                                        'departure': stops[departure],
                                        'arrival': stops[arrival],
                                        'fare_type': full,
                                        }],
                                }])
                    transaction.commit()
                outcome = 'sold'
                break
            except backend.DatabaseOperationalError:
                continue
            except UserError:
                outcome = 'refused'
                break
        results.append((outcome, (time.perf_counter() - began) * 1000))
    queue.put(results)


# Run between rounds: every round starts with every seat free
RESET = [
    'DELETE FROM gd_run_seat_section',
    'DELETE FROM gd_ticket',
    'DELETE FROM gd_order_payment',
    'DELETE FROM gd_order',
    'DELETE FROM gd_passenger',
    'DELETE FROM gd_passenger_flow',
    ]


def oversold(uri, name):
    "Seats held twice on a section, and tickets without their seat"
    with psycopg.connect(uri + name) as conn:
        twice, = conn.execute(
            'SELECT COUNT(*) FROM (SELECT run, seat, section '
            'FROM gd_run_seat_section GROUP BY run, seat, section '
            'HAVING COUNT(*) > 1) AS t').fetchone()
        over, = conn.execute(
            'SELECT COUNT(*) FROM (SELECT s.run, s.section '
            'FROM gd_run_seat_section AS s JOIN gd_run AS r '
            'ON r.id = s.run GROUP BY s.run, s.section, r.seats '
            'HAVING COUNT(*) > r.seats) AS t').fetchone()
    return twice + over


def pgbench(uri, clients, seconds):
    "pgbench's TPC-B-like tps with clients on the same server"
    name = f'gdcloud_pgbench_{os.getpid()}'
    binary = shutil.which('pgbench') or '/usr/bin/pgbench'
    with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run([binary, '-i', '-q', '-s', '10', uri + name],
            check=True, capture_output=True)
        output = subprocess.run(
            [binary, '-c', str(clients), '-j', str(min(clients, 4)),
                '-T', str(seconds), uri + name],
            check=True, capture_output=True, text=True).stdout
        return float(re.search(r'tps = ([\d.]+)', output).group(1))
    finally:
        with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')


def profile(uri, name, ids, seconds):
    "Profile the sales of one seller for seconds; print the top costs"
    import cProfile
    import pstats

    class Results(list):
        put = list.extend

    results = Results()
    profiler = cProfile.Profile()
    profiler.enable()
    seller_process(uri, name, 0, ids, time.time(), time.time() + seconds,
        results)
    profiler.disable()
    sold = [t for o, t in results if o == 'sold']
    print(f"==> {len(sold)} sales, median {statistics.median(sold):.0f} ms "
        "under the profiler")
    stats = pstats.Stats(profiler)
    stats.sort_stats('cumulative').print_stats(40)
    stats.sort_stats('tottime').print_stats(25)
    # The modules' own functions, and the records Tryton logs at commit
    stats.sort_stats('cumulative').print_stats(
        r'addons|resource|_validate', 40)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=DEFAULT_URI)
    parser.add_argument(
        '--seconds', type=int, default=15,
        help="how long each number of sellers sells")
    parser.add_argument(
        '--sellers', type=int, nargs='+', default=SELLERS,
        help="the numbers of sellers, one round each")
    parser.add_argument(
        '--profile', action='store_true',
        help="instead of the rounds, profile one seller in this process "
        "with cProfile for --seconds and print the top costs")
    args = parser.parse_args()
    os.environ.setdefault('GDCLOUD_ID_KEY', KEY)
    rows = []
    with benchmark_database(
            args.uri, 'gd_ticketing',
            name=f'gdcloud_bench_sales_{os.getpid()}') as name:
        ids = build(name)
        if args.profile:
            profile(args.uri, name, ids, args.seconds)
            return
        for sellers in args.sellers:
            with psycopg.connect(args.uri + name) as conn:
                for sql in RESET:
                    conn.execute(sql)
            print(f"==> {sellers} seller(s) for {args.seconds} s",
                flush=True)
            context = multiprocessing.get_context('spawn')
            queue = context.Queue()
            # Processes start at one time, once each has loaded its pool
            start = time.time() + 10 + 3 * sellers
            deadline = start + args.seconds
            processes = [context.Process(target=seller_process, args=(
                        args.uri, name, i, ids, start, deadline, queue))
                for i in range(sellers)]
            for process in processes:
                process.start()
            results = [r for _ in processes for r in queue.get()]
            for process in processes:
                process.join()
            elapsed = args.seconds
            sold = [t for o, t in results if o == 'sold']
            refused = len([o for o, _ in results if o == 'refused'])
            failed = len([o for o, _ in results if o == 'failed'])
            print(f"    pgbench with {sellers} client(s)", flush=True)
            tpcb = pgbench(args.uri, sellers, args.seconds)
            rows.append((sellers, len(sold), len(sold) / elapsed,
                    statistics.median(sold) if sold else 0,
                    percentile(sold, 95) if sold else 0,
                    refused, failed, oversold(args.uri, name), tpcb))
    print()
    print("| sellers | tickets sold | tickets/s | p50 ms | p95 ms "
        "| refused (no seat) | failed | seats sold twice "
        "| pgbench TPC-B tps | tickets/s ÷ tps |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (sellers, count, tps, p50, p95, refused, failed, twice,
            tpcb) in rows:
        print(f"| {sellers} | {count} | {tps:.1f} | {p50:.0f} | {p95:.0f} "
            f"| {refused} | {failed} | {twice} | {tpcb:.0f} "
            f"| {tps / tpcb:.3f} |")


if __name__ == '__main__':
    main()
