"""Benchmark of the month's documents at province scale, on PostgreSQL.

Builds the database of benchmark_deploy.py (21 cities, 1,300 graded
stations, 8 months of reports), then generates, as a department user with
access checks, the documents of one month as `gdcloud month` does:
- the province summary as XLSX and as PDF;
- the 21 city reports as DOCX and as PDF;
and prints the median and p95 time of each, and of the whole month.

    .venv/bin/python scripts/benchmark_documents.py [--uri postgresql://...]

The database is created and dropped by the script."""
import argparse
import datetime as dt
import statistics
import time

from benchmark_deploy import build
from benchmark_tools import DEFAULT_URI, benchmark_database, percentile

MONTH = dt.date(2020, 10, 1)


def measure(name, user_id, runs):
    from trytond.modules.gd_deploy.document import month_documents
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool(name)
    Programme = pool.get('gd.programme')
    times = {}
    with Transaction().start(name, user_id, readonly=True, context={
                '_check_access': True, 'language': 'zh_CN'}):
        programme, = Programme.search([('code', '=', 'GD-2020')])
        documents = month_documents(programme, MONTH)
        cities = len([d for d in documents if d[0].endswith('.docx')])
        for _ in range(runs):
            month_start = time.perf_counter()
            for report_name, records, data in documents:
                Report = pool.get(report_name, type='report')
                start = time.perf_counter()
                extension, content, _, _ = Report.execute(
                    [r.id for r in records], data)
                assert content, report_name
                kind = report_name.split('.', 2)[1] + '.' + extension
                times.setdefault(kind, []).append(
                    (time.perf_counter() - start) * 1000)
            times.setdefault('month', []).append(
                (time.perf_counter() - month_start) * 1000)
    return times, cities


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--uri', default=DEFAULT_URI)
    parser.add_argument('--stations', type=int, default=1300)
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args()
    with benchmark_database(args.uri, 'gd_deploy', seconds=20) as name:
        print(f"==> Loading {args.stations} stations and 8 months of "
            "reports", flush=True)
        user_id, _ = build(name, args.stations)
        print(f"==> Generating {MONTH:%Y-%m}'s documents {args.runs} times",
            flush=True)
        times, cities = measure(name, user_id, args.runs)
    labels = {
        'programme.xlsx': "province summary, XLSX with its chart",
        'programme.pdf': "province summary, PDF with its chart",
        'progress.docx': "a city report, DOCX with its chart",
        'progress.pdf': "a city report, PDF with its chart",
        'month': f"the whole month: 2 summaries and {cities} cities "
        "× 2 reports",
        }
    print()
    print(f"| document ({args.stations} stations, {args.runs} runs) "
        "| median ms | p95 ms |")
    print("|---|---|---|")
    for kind, label in labels.items():
        values = times.get(kind, [])
        if values:
            print(f"| {label} | {statistics.median(values):.0f} | "
                f"{percentile(values, 95):.0f} |")


if __name__ == '__main__':
    main()
