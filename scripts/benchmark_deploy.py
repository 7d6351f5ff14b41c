"""Benchmark of the department's views at province scale, on PostgreSQL.

Builds a database with the 21 cities, 1,300 graded stations in mixed
stages and 8 months of progress reports per city (some late), then times,
as a department user with access checks:
- reading the province overview (every row, every field);
- proposing the supervisions of one day (every cause).

    .venv/bin/python scripts/benchmark_deploy.py [--uri postgresql://...]

The database is created and dropped by the script."""
import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg

STAGES = ['not_started', 'surveyed', 'planned', 'switched', 'accepted']


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(func, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 95)


def build(name, stations):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    pool.init()
    with Transaction().start(name, 0) as transaction:
        City = pool.get('gd.city')
        Station = pool.get('gd.station')
        Report = pool.get('gd.progress.report')
        Programme = pool.get('gd.programme')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        programme, = Programme.search([('code', '=', 'GD-2020')])
        cities = City.search([])
        values = []
        for i in range(stations):
            city = cities[i % len(cities)]
            # Lagging cities: every seventh is behind
            offset = 2 if cities.index(city) % 7 == 3 else 0
            values.append({
                    'name': f"站{i}", 'code': f'{city.code}{i:05d}',
                    'city': city.id, 'grade': str(1 + i % 5),
                    'stage': STAGES[max(0, i % 5 - offset)],
                    })
        for start in range(0, len(values), 500):
            Station.create(values[start:start + 500])
        reports = []
        for month in range(5, 13):
            for j, city in enumerate(cities):
                if (month + j) % 9 == 0:
                    continue  # missing
                late = (month + j) % 4 == 0
                reports.append({
                        'programme': programme.id, 'city': city.id,
                        'month': dt.date(2020, month, 1),
                        'progress': "进展", 'problems': "问题",
                        'next_plan': "计划", 'state': 'submitted',
                        'submitted_late': late,
                        'submitted_date': dt.date(2020, month, 1)
                        + dt.timedelta(days=40 if late else 35),
                        })
        Report.create(reports)
        department, = User.create([{
                    'login': 'bench_dept', 'name': "省厅",
                    'groups': [('add', [ModelData.get_id(
                                    'gd_documents', 'group_department')])],
                    }])
        transaction.commit()
        return department.id, programme.id


def measure(name, user_id, programme_id, runs):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    Overview = pool.get('gd.deploy.overview')
    Supervision = pool.get('gd.supervision')
    Programme = pool.get('gd.programme')
    fields_ = list(Overview._fields)
    results = {}
    with Transaction().start(name, user_id, context={
                '_check_access': True, 'language': 'zh_CN'}) as transaction:
        rows = Overview.search_read([], fields_names=fields_)
        assert len(rows) == 21, len(rows)
        results['overview'] = timed(
            lambda: Overview.search_read([], fields_names=fields_), runs)

        def propose():
            Supervision.propose(Programme(programme_id), dt.date(2021, 1, 15))
            transaction.rollback()
        results['proposals'] = len(Supervision.propose(
                Programme(programme_id), dt.date(2021, 1, 15)))
        transaction.rollback()
        results['propose'] = timed(propose, runs)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--uri', default=os.environ.get(
            'GDCLOUD_TEST_POSTGRESQL_URI', 'postgresql://root@127.0.0.1:5432/'))
    parser.add_argument('--stations', type=int, default=1300)
    parser.add_argument('--runs', type=int, default=20)
    args = parser.parse_args()
    name = f'gdcloud_bench_{os.getpid()}'
    with psycopg.connect(args.uri + 'postgres', autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ, TRYTOND_DATABASE__URI=args.uri)
        with tempfile.NamedTemporaryFile('w') as passfile:
            passfile.write('bench-admin-1\n')
            passfile.flush()
            env['TRYTONPASSFILE'] = passfile.name
            print("==> Activating gd_deploy (about 20 s)", flush=True)
            subprocess.run(
                [os.path.join(os.path.dirname(sys.executable),
                        'trytond-admin'), '-d', name, '-u', 'gd_deploy',
                    '--activate-dependencies', '-l', 'zh_CN',
                    '--email', 'admin@example.com'],
                env=env, check=True, capture_output=True)
        os.environ['TRYTOND_DATABASE__URI'] = args.uri
        from trytond import config
        config.update_etc()
        print(f"==> Loading {args.stations} stations and 8 months of "
            "reports", flush=True)
        start = time.perf_counter()
        user_id, programme_id = build(name, args.stations)
        print(f"    loaded in {time.perf_counter() - start:.1f}s")
        results = measure(name, user_id, programme_id, args.runs)
    finally:
        from trytond import backend
        backend.Database(name).close()
        with psycopg.connect(args.uri + 'postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')
    print()
    print(f"| measure ({args.stations} stations, 21 cities, {args.runs} runs)"
        " | median ms | p95 ms |")
    print("|---|---|---|")
    print("| department's overview: every row and field | "
        f"{results['overview'][0]:.1f} | {results['overview'][1]:.1f} |")
    print(f"| proposed supervision of a day ({results['proposals']} "
        f"proposals) | {results['propose'][0]:.1f} | "
        f"{results['propose'][1]:.1f} |")


if __name__ == '__main__':
    main()
