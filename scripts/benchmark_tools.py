"""What the benchmark scripts share: a PostgreSQL database of their own with
a module activated, and the percentiles of their timings."""
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time

import psycopg

DEFAULT_URI = os.environ.get(
    'GDCLOUD_TEST_POSTGRESQL_URI', 'postgresql://root@127.0.0.1:5432/')


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(func, runs):
    "The median and the p95 in ms of runs calls of func"
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), percentile(times, 95)


@contextlib.contextmanager
def benchmark_database(uri, module, name=None, seconds=30):
    """Create the database name (a new one by default) on the server of uri,
    activate module with its dependencies in Chinese, point trytond at the
    server and yield the name; drop the database on the way out, whatever
    happened"""
    name = name or f'gdcloud_bench_{os.getpid()}'
    with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
        with tempfile.NamedTemporaryFile('w') as passfile:
            passfile.write('bench-admin-1\n')
            passfile.flush()
            env['TRYTONPASSFILE'] = passfile.name
            print(f"==> Activating {module} (about {seconds} s)", flush=True)
            subprocess.run(
                [os.path.join(os.path.dirname(sys.executable),
                        'trytond-admin'), '-d', name, '-u', module,
                    '--activate-dependencies', '-l', 'zh_CN',
                    '--email', 'admin@example.com'],
                env=env, check=True, capture_output=True)
        os.environ['TRYTOND_DATABASE__URI'] = uri
        from trytond import config
        config.update_etc()
        yield name
    finally:
        if 'trytond.backend' in sys.modules:
            from trytond import backend
            backend.Database(name).close()
        with psycopg.connect(uri + 'postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')
