"""Benchmark of a year of province-wide ticketing on PostgreSQL.

Builds a database with gd_ticketing activated, the 21 cities, 300 stations,
30 carriers and 400 routes of 3 to 5 stops, each with a daily schedule of 45
seats and its runs over about a year (past runs departed), then at least
5,000,000 real-name tickets, each with its order and payment, its seat held
on its sections, its boarding check when used, and about 1.5 million
distinct people (gd.passenger rows encrypted, hashed and masked by
identity.py), so that a person travels 3 or 4 times; the daily passenger
flow (gd.passenger.flow) is summed from the tickets.  The network goes
through the ORM; the tickets, in bulk SQL, with every unique and exclusion
constraint of the tables in place.

Then it times, through the model methods the client calls, with access
checks:
- a tracing officer tracing 100 people with several trips over the year
  (gd.trace.log trace: trips and co-travellers, logged);
- a department user reading the passenger-flow views per city, station and
  day for a month and for the year (search_read with the context model's
  context);
- one busy day's exchange file (gd.exchange.export generate), when the
  model is installed;
and prints a Markdown table, the build time and the size of the database.

    .venv/bin/python scripts/benchmark_ticketing.py [--tickets 5000000]
        [--uri postgresql://...] [--explain]

The database (bench_ticketing by default) is created and dropped by the
script."""
import argparse
import datetime as dt
import io
import multiprocessing
import os
import random
import statistics
import time

import psycopg
from tqdm import tqdm

from benchmark_tools import DEFAULT_URI, benchmark_database, percentile

KEY = 'YmVuY2htYXJrLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE='
STATIONS = 300
CARRIERS = 30
ROUTES = 400
SEATS = 45
# Tickets a person buys in the year, on average
TRIPS_PER_PERSON = 3.3
# The multiplier that spreads the tickets of a run over the people: prime,
# so that consecutive tickets (those of a run) are distinct people
SPREAD = 1000003
# The tables loaded in bulk, their indexes built afterwards
LOADED = [
    'gd_order', 'gd_ticket', 'gd_order_payment', 'gd_run_seat_section',
    'gd_ticket_check']
# Areas of Guangdong's resident ID numbers
AREAS = [
    '440103', '440104', '440105', '440106', '440111', '440303', '440304',
    '440305', '440402', '440604', '440605', '441202', '441302', '441402',
    '441502', '441602', '441702', '441802', '441900', '442000', '445102',
    '445202', '445302']
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林"
    "罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超"
    "秀霞平刚桂英华玉兰文辉建国志红梅林燕")
TRACE_REASON = "基准测试：卫健部门流调协查"


def id_number(k):
    "The resident ID number of the k-th person, valid (GB 11643)"
    from trytond.modules.gd_ticketing.identity import check_character
    area = AREAS[k % len(AREAS)]
    q = k // len(AREAS)
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=q // 999)
    first = f'{area}{birth:%Y%m%d}{q % 999 + 1:03d}'
    return first + check_character(first)


def person_name(k):
    return (SURNAMES[k % len(SURNAMES)]
        + GIVEN[(k // len(SURNAMES)) % len(GIVEN)]
        + GIVEN[(k // 7) % len(GIVEN)])


def passenger_rows(bounds):
    """The COPY text of the people start..stop - 1 (passenger id k + 1),
    protected as Passenger.protect does"""
    from trytond.modules.gd_ticketing import identity
    start, stop = bounds
    out = io.StringIO()
    for k in range(start, stop):
        number = id_number(k)
        out.write(
            f'{k + 1}\t{person_name(k)}\tresident\t'
            f'{identity.encrypt(number)}\t{identity.lookup_hash(number)}\t'
            f'{identity.mask(number)}\t0\t2026-01-01 00:00:00\n')
    return stop - start, out.getvalue()


def build_network(name, today, days):
    """Stations, carriers, routes with their fares and daily schedules, and
    the users, through the ORM; return (tracer id, department id)"""
    from trytond.modules.gd_documents.tests.tools import create_user
    from trytond.modules.gd_ticketing.tests.tools import get_code
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    pool.init()
    rng = random.Random(1)
    with Transaction().start(name, 0) as transaction:
        City = pool.get('gd.city')
        Station = pool.get('gd.station')
        Carrier = pool.get('gd.carrier')
        Route = pool.get('gd.route')
        Fare = pool.get('gd.fare')
        Schedule = pool.get('gd.schedule')
        cities = City.search([], order=[('code', 'ASC')])
        stations = Station.create([{
                    'name': f"{cities[i % len(cities)].name}基准站{i}",
                    'code': f'{cities[i % len(cities)].code}8{i:03d}',
                    'city': cities[i % len(cities)].id,
                    } for i in range(STATIONS)])
        carriers = Carrier.create([{
                    'name': f"基准客运{i}", 'code': f'CB{i:03d}',
                    } for i in range(CARRIERS)])
        route_type = get_code('route_type', 'inter_city')
        full = get_code('fare_type', 'full')
        regular = get_code('schedule_type', 'regular')
        values = []
        for i in range(ROUTES):
            chosen = rng.sample(stations, rng.randint(3, 5))
            values.append({
                    'code': f'RB{i:04d}', 'name': f"基准线{i}",
                    'route_type': route_type.id,
                    'stops': [('create', [{
                                    'sequence': j,
                                    'station': s.id,
                                    'distance_km': 40 * j,
                                    'minutes': 50 * j,
                                    } for j, s in enumerate(chosen)])],
                    })
        routes = []
        for start in tqdm(range(0, ROUTES, 100), desc="routes", unit="×100"):
            routes += Route.create(values[start:start + 100])
        Fare.create([{
                    'route': r.id, 'departure': d.id, 'arrival': a.id,
                    'fare_type': full.id,
                    'price': 20 * (j - k) + 5, 'price_cap': 20 * (j - k) + 5,
                    } for r in routes
                for k, d in enumerate(r.stops)
                for j, a in enumerate(r.stops) if j > k])
        Schedule.create([{
                    'number': f'KB{i:04d}', 'route': r.id,
                    'carrier': carriers[i % CARRIERS].id,
                    'departure_time': dt.time(6 + i % 14, (i * 7) % 60),
                    'seats': SEATS, 'schedule_type': regular.id,
                    'valid_from': today - dt.timedelta(days=days),
                    } for i, r in enumerate(routes)])
        tracer = create_user('bench_tracer', 'gd_ticketing.group_trace')
        department = create_user('bench_department', 'group_department')
        transaction.commit()
        return tracer.id, department.id


def sql_steps(tickets, people, today, first_day, last_day):
    "The bulk SQL that loads the year, as (label, statement) in order"
    params = {
        'tickets': tickets, 'people': people, 'spread': SPREAD,
        'today': today, 'first': first_day, 'last': last_day,
        }
    steps = [
        ("runs", """
INSERT INTO gd_run (id, schedule, date, route, origin_station, carrier,
    departure, seats, state, inventory_revision, create_uid, create_date)
SELECT row_number() OVER (ORDER BY d, s.id), s.id, d::date, s.route,
    r.origin_station, s.carrier,
    d::date + s.departure_time - interval '8 hours', s.seats,
    CASE WHEN d::date < %(today)s THEN 'departed' ELSE 'open' END,
    0, 0, now()
FROM gd_schedule AS s JOIN gd_route AS r ON r.id = s.route,
    generate_series(%(first)s::date, %(last)s::date, '1 day') AS d"""),
        ("route stops", """
CREATE UNLOGGED TABLE bench_route AS
SELECT route, array_agg(id ORDER BY sequence) AS stops,
    array_agg(station ORDER BY sequence) AS stations,
    array_agg(minutes ORDER BY sequence) AS minutes,
    count(*)::int AS nstops
FROM gd_route_stop GROUP BY route"""),
        # 20 to 45 tickets a run, the first ticket number of each run
        ("run loads", """
CREATE UNLOGGED TABLE bench_run AS
SELECT id AS run, route, date, departure, state, origin_station, carrier,
    n, sum(n) OVER (ORDER BY id) - n AS first
FROM (SELECT r.*, 20 + (r.id * 7919 + r.date - DATE '2000-01-01') %% 26
        AS n
    FROM gd_run AS r) AS r"""),
        # Ticket g of a run: seat k + 1; from the origin mostly, to a later
        # stop; person (g * SPREAD) mod people, distinct on a run
        ("ticket plan", """
CREATE UNLOGGED TABLE bench_ticket AS
SELECT g, run, date, departure AS run_departure, origin_station, carrier,
    route, seat, from_index, to_index,
    1 + (g * %(spread)s) %% %(people)s AS passenger,
    CASE WHEN state = 'departed' THEN
        CASE WHEN g %% 100 < 3 THEN 'refunded'
            WHEN g %% 100 < 8 THEN 'sold' ELSE 'used' END
        ELSE CASE WHEN g %% 100 < 3 THEN 'refunded' ELSE 'sold' END
        END AS state
FROM (SELECT l.first + k AS g, l.*, k + 1 AS seat,
        CASE WHEN (l.first + k) %% 10 < 7 THEN 0
            ELSE (l.first + k) * 31 %% (b.nstops - 1) END AS from_index,
        b.nstops
    FROM bench_run AS l JOIN bench_route AS b ON b.route = l.route,
        generate_series(0, l.n - 1) AS k
    WHERE l.first + k < %(tickets)s) AS t,
    LATERAL (SELECT from_index + 1 + (g * 17) %% (nstops - 1 - from_index)
        AS to_index) AS a"""),
        ("orders", """
INSERT INTO gd_order (id, number, channel, station, sold_at, state,
    create_uid, create_date)
SELECT g + 1, 'BO' || lpad((g + 1)::text, 10, '0'),
    (ARRAY['window', 'self_service', 'online'])[1 + g %% 3],
    origin_station, run_departure - (1 + g %% 72) * interval '1 hour',
    CASE WHEN state = 'refunded' THEN 'refunded' ELSE 'paid' END,
    0, now()
FROM bench_ticket"""),
        ("tickets", """
INSERT INTO gd_ticket (id, "order", passenger, run, departure, arrival,
    seat, fare_type, fare, price, price_cap, kind, leg, id_hash, number,
    refund_fee, refund_amount, refunded_at, state, create_uid, create_date)
SELECT t.g + 1, t.g + 1, t.passenger, t.run,
    b.stops[t.from_index + 1], b.stops[t.to_index + 1], t.seat,
    f.fare_type, f.id, f.price, f.price_cap, 'single', 1, p.id_hash,
    c.code || substr(s.code, length(c.code) + 1)
        || lpad((t.g + 1)::text, 10, '0'),
    CASE WHEN t.state = 'refunded' THEN round(f.price * 0.1, 2) END,
    CASE WHEN t.state = 'refunded' THEN f.price - round(f.price * 0.1, 2)
        END,
    CASE WHEN t.state = 'refunded'
        THEN t.run_departure - interval '1 day' END,
    t.state, 0, now()
FROM bench_ticket AS t
    JOIN bench_route AS b ON b.route = t.route
    JOIN gd_fare AS f ON f.route = t.route
        AND f.departure = b.stops[t.from_index + 1]
        AND f.arrival = b.stops[t.to_index + 1]
    JOIN gd_passenger AS p ON p.id = t.passenger
    JOIN gd_station AS s ON s.id = t.origin_station
    JOIN gd_city AS c ON c.id = s.city"""),
        ("payments", """
INSERT INTO gd_order_payment (id, "order", method, amount, create_uid,
    create_date)
SELECT t.id, t."order",
    (ARRAY['cash', 'wechat', 'alipay', 'unionpay', 'card'])[1 + t.id %% 5],
    t.price, 0, now()
FROM gd_ticket AS t"""),
        ("seat sections", """
INSERT INTO gd_run_seat_section (id, run, seat, section, key, create_uid,
    create_date)
SELECT row_number() OVER (), t.run, t.seat, s, 'T' || (t.g + 1), 0, now()
FROM bench_ticket AS t, generate_series(t.from_index, t.to_index - 1) AS s
WHERE t.state != 'refunded'"""),
        ("checks", """
INSERT INTO gd_ticket_check (id, run, station, gate, method, checked_at,
    ticket, result, create_uid, create_date)
SELECT row_number() OVER (), t.run, b.stations[t.from_index + 1],
    'G' || (1 + t.g %% 8),
    CASE WHEN t.g %% 3 = 0 THEN 'id_card' ELSE 'qr' END,
    t.run_departure + (b.minutes[t.from_index + 1] - 10 - t.g %% 20)
        * interval '1 minute',
    t.g + 1, 'passed', 0, now()
FROM bench_ticket AS t JOIN bench_route AS b ON b.route = t.route
WHERE t.state = 'used'"""),
        # What Ticket.sell, refund_tickets and Check.check_ticket record
        ("passenger flow", """
INSERT INTO gd_passenger_flow (id, date, station, city, route, carrier,
    sold, refunded, checked, passengers, revenue, create_uid, create_date)
SELECT row_number() OVER (), r.date, d.station, s.city, r.route, r.carrier,
    count(*), count(*) FILTER (WHERE t.state = 'refunded'),
    count(*) FILTER (WHERE t.state = 'used'),
    count(*) FILTER (WHERE t.state != 'refunded'),
    sum(t.price - coalesce(t.refund_amount, 0)), 0, now()
FROM gd_ticket AS t JOIN gd_run AS r ON r.id = t.run
    JOIN gd_route_stop AS d ON d.id = t.departure
    JOIN gd_station AS s ON s.id = d.station
GROUP BY r.date, d.station, s.city, r.route, r.carrier"""),
        ("clean up", """
DROP TABLE bench_ticket, bench_run, bench_route"""),
        ]
    for table in ['gd_run', 'gd_order', 'gd_ticket', 'gd_order_payment',
            'gd_run_seat_section', 'gd_ticket_check', 'gd_passenger',
            'gd_passenger_flow']:
        steps.append((f"sequence of {table}",
                f"SELECT setval('{table}_id_seq', "
                f"(SELECT max(id) FROM {table}))"))
    return [(label, sql, params) for label, sql in steps]


def build_tickets(uri, name, tickets, today, days):
    """Load the people (encrypted by identity.py in 2 processes) and the
    tickets with everything they make (bulk SQL)"""
    people = max(1000, int(tickets / TRIPS_PER_PERSON))
    chunk = 10000
    bounds = [(s, min(people, s + chunk)) for s in range(0, people, chunk)]
    with psycopg.connect(uri + name) as conn:
        with multiprocessing.get_context('fork').Pool(2) as workers, \
                conn.cursor().copy(
                    'COPY gd_passenger (id, name, id_type, '
                    'id_number_encrypted, id_hash, id_masked, create_uid, '
                    'create_date) FROM STDIN') as copy, \
                tqdm(total=people, desc="people", unit=" p",
                    unit_scale=True) as bar:
            for count, text in workers.imap(passenger_rows, bounds):
                copy.write(text)
                bar.update(count)
        conn.commit()
        # The last two months of runs are ahead, on sale
        first_day = today - dt.timedelta(days=days - 65 if days > 130
            else days // 2)
        last_day = first_day + dt.timedelta(days=days - 1)
        # The foreign keys are right by construction: skip their triggers.
        # The indexes of the big tables are built once loaded, faster than
        # row by row; their unique and exclusion constraints are then
        # checked on every row.
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '256MB'")
        constraints = conn.execute(
            "SELECT conrelid::regclass::text, conname, "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'x')",
            (LOADED,)).fetchall()
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%_pkey' "
            "AND indexname != ALL(%s)",
            (LOADED, [c for _, c, _ in constraints])).fetchall()
        for table, constraint, _ in constraints:
            conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT '
                f'"{constraint}"')
        for index, _ in indexes:
            conn.execute(f'DROP INDEX "{index}"')
        steps = sql_steps(tickets, people, today, first_day, last_day)
        steps += [(f"constraint {c}",
                f'ALTER TABLE "{t}" ADD CONSTRAINT "{c}" {d}', None)
            for t, c, d in constraints]
        steps += [(f"index {i}", d, None) for i, d in indexes]
        for label, sql, params in tqdm(steps, desc="tickets", unit=" step"):
            start = time.perf_counter()
            cursor = conn.execute(sql, params)
            tqdm.write(f"    {label}: {cursor.rowcount:,} rows in "
                f"{time.perf_counter() - start:.1f} s")
            conn.commit()
        conn.execute("SET session_replication_role = DEFAULT")
        conn.commit()
        conn.autocommit = True
        start = time.perf_counter()
        conn.execute("VACUUM ANALYZE")
        tqdm.write(
            f"    vacuum analyze in {time.perf_counter() - start:.1f} s")
        count, = conn.execute("SELECT count(*) FROM gd_ticket").fetchone()
    return people, count, first_day, last_day


def pick_people(uri, name, count, seed=2):
    "Random people with at least 3 trips: [(passenger id, ID number)]"
    rng = random.Random(seed)
    with psycopg.connect(uri + name) as conn:
        people, = conn.execute(
            "SELECT max(id) FROM gd_passenger").fetchone()
        chosen = []
        while len(chosen) < count:
            pid = rng.randint(1, people)
            trips, = conn.execute(
                "SELECT count(*) FROM gd_ticket WHERE passenger = %s",
                (pid,)).fetchone()
            if trips >= 3:
                chosen.append((pid, id_number(pid - 1)))
        # An export is of a past day
        busiest, = conn.execute(
            "SELECT date FROM gd_passenger_flow WHERE date < CURRENT_DATE "
            "GROUP BY date ORDER BY sum(sold) DESC, date LIMIT 1").fetchone()
    return chosen, busiest


def explain(name, queries):
    "Print EXPLAIN ANALYZE of the python-sql queries"
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    for label, query in queries:
        cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + str(query),
            query.params)
        print(f"--- {label}")
        print('\n'.join(r for r, in cursor))


def measure(name, tracer, department, people, busiest, first_day,
        last_day, today, runs, do_explain):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    TraceLog = pool.get('gd.trace.log')
    rows = []

    # 1. Trace by ID number, as the tracing officer
    times, found = [], []
    with Transaction().start(name, tracer, context={
                '_check_access': True, 'language': 'zh_CN'}) as transaction:
        if do_explain:
            Ticket = pool.get('gd.ticket')
            _, number = people[0]
            id_hash = pool.get('gd.passenger').protect(
                'resident', number)['id_hash']
            with transaction.set_context(_check_access=False):
                query = Ticket.search([
                        ('id_hash', '=', id_hash),
                        ('state', 'in', ['sold', 'used']),
                        ('run.date', '>=', first_day),
                        ('run.date', '<=', last_day),
                        ], query=True)
                trip, = Ticket.search([('id_hash', '=', id_hash)], limit=1)
                others = Ticket.search([
                        ('run', '=', trip.run.id),
                        ('state', 'in', ['sold', 'used']),
                        ('id', '!=', trip.id),
                        ], order=[('seat', 'ASC'), ('id', 'ASC')],
                    query=True)
            explain(name, [("trace: the person's trips", query),
                    ("trace: the passengers of a run", others)])
        for _, number in tqdm(people, desc="traces", unit=" trace"):
            start = time.perf_counter()
            log = TraceLog.trace(
                'resident', number, first_day, last_day, TRACE_REASON)
            times.append((time.perf_counter() - start) * 1000)
            found.append(log.trips + log.co_travellers)
            transaction.commit()
    rows.append((
            f"trace by ID number over {(last_day - first_day).days + 1} "
            "days, tracing officer (trips and co-travellers, logged)",
            len(times), statistics.median(times), percentile(times, 95),
            f"{statistics.mean(found):.0f} lines per trace"))

    # 2. The province's passenger-flow views, as the department
    periods = [
        ("a month", today - dt.timedelta(days=29), today),
        ("the year", first_day, last_day),
        ]
    views = [
        ('gd.passenger.flow.city', "per city"),
        ('gd.passenger.flow.station', "per station"),
        ('gd.passenger.flow.daily', "per day"),
        ]
    with Transaction().start(name, department, readonly=True, context={
                '_check_access': True, 'language': 'zh_CN'}) as transaction:
        for period, from_date, to_date in periods:
            context = {'from_date': from_date, 'to_date': to_date}
            for model, label in views:
                Model = pool.get(model)
                # The fields of the list, as the client reads them
                fields_ = list(Model.fields_view_get(
                        view_type='tree')['fields'])
                with transaction.set_context(context):
                    if do_explain and model == views[0][0]:
                        explain(name, [(f"{model} for {period}",
                                    Model.search([], query=True))])
                    result = Model.search_read([], fields_names=fields_)
                    times = []
                    for _ in range(runs):
                        start = time.perf_counter()
                        Model.search_read([], fields_names=fields_)
                        times.append((time.perf_counter() - start) * 1000)
                rows.append((
                        f"passenger flow {label}, {period}, department",
                        runs, statistics.median(times),
                        percentile(times, 95), f"{len(result):,} rows"))

    # 3. One busy day's exchange file
    try:
        Export = pool.get('gd.exchange.export')
    except KeyError:
        rows.append((f"exchange file of {busiest}", None, None, None,
                "n/a (gd.exchange.export not installed)"))
    else:
        # Produced by the system (its scheduled job), not a user
        with Transaction().start(name, 0, context={
                    'language': 'zh_CN'}) as transaction:
            start = time.perf_counter()
            export = Export.generate(busiest)
            total = time.perf_counter() - start
            records = (export.sale_count + export.refund_count
                + export.change_count + export.check_count)
            size = len(export.json_file or b'') + len(export.csv_file or b'')
            transaction.commit()
        rows.append((f"exchange file of {busiest} (busiest day), system",
                1, None, total,
                f"{records:,} sales, refunds and checks; "
                f"{size / 1e6:.1f} MB JSON + CSV (ZIP)"))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=DEFAULT_URI)
    parser.add_argument('--name', default='bench_ticketing',
        help="the database, created and dropped")
    parser.add_argument('--tickets', type=int, default=5_000_000)
    parser.add_argument('--traces', type=int, default=100)
    parser.add_argument('--runs', type=int, default=20,
        help="reads of each passenger-flow view")
    parser.add_argument('--explain', action='store_true',
        help="print EXPLAIN ANALYZE of the trace's and the views' queries")
    parser.add_argument('--keep', action='store_true',
        help="wait for Enter before dropping the database")
    args = parser.parse_args()
    os.environ.setdefault('GDCLOUD_ID_KEY', KEY)
    today = dt.date.today()
    # 32.5 tickets a run on average: about a year for 5 million tickets,
    # fewer days for fewer
    days = max(3, -(-args.tickets * 2 // (ROUTES * 65)))
    with benchmark_database(
            args.uri, 'gd_ticketing', name=args.name) as name:
        start = time.perf_counter()
        print(f"==> Network: {STATIONS} stations, {ROUTES} routes, "
            f"{days} days", flush=True)
        tracer, department = build_network(name, today, days)
        print(f"==> {args.tickets:,} tickets", flush=True)
        people, tickets, first_day, last_day = build_tickets(
            args.uri, name, args.tickets, today, days)
        built = time.perf_counter() - start
        with psycopg.connect(args.uri + name) as conn:
            size, = conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ).fetchone()
        chosen, busiest = pick_people(args.uri, name, args.traces)
        print("==> Measuring", flush=True)
        rows = measure(name, tracer, department, chosen, busiest, first_day,
            last_day, today, args.runs, args.explain)
        if args.keep:
            input(f"Database {name} kept; Enter drops it ")
    print()
    print(f"{tickets:,} tickets of {people:,} people on "
        f"{ROUTES * days:,} runs ({first_day} to {last_day}); "
        f"built in {built / 60:.1f} min; database {size}")
    print()
    print("| operation | n | p50 ms | p95 ms / total s | result |")
    print("|---|---|---|---|---|")
    for label, n, p50, p95, result in rows:
        if n is None:
            print(f"| {label} | | | | {result} |")
        elif p50 is None:
            print(f"| {label} | {n} | | {p95:.1f} s | {result} |")
        else:
            print(f"| {label} | {n} | {p50:,.0f} | {p95:,.0f} | {result} |")


if __name__ == '__main__':
    main()
