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
import time

from benchmark_tools import DEFAULT_URI, benchmark_database, timed

STAGES = ['not_started', 'surveyed', 'planned', 'switched', 'accepted']


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
    parser.add_argument('--uri', default=DEFAULT_URI)
    parser.add_argument('--stations', type=int, default=1300)
    parser.add_argument('--runs', type=int, default=20)
    args = parser.parse_args()
    with benchmark_database(args.uri, 'gd_deploy', seconds=20) as name:
        print(f"==> Loading {args.stations} stations and 8 months of "
            "reports", flush=True)
        start = time.perf_counter()
        user_id, programme_id = build(name, args.stations)
        print(f"    loaded in {time.perf_counter() - start:.1f}s")
        results = measure(name, user_id, programme_id, args.runs)
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
