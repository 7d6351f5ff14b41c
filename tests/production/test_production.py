"""The production example runs: PostgreSQL, gunicorn workers, trytond-cron
and trytond-worker with config/production.conf (PostgreSQL runs only)"""
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from gdcloud import CONFIG, MODULES, SAO
from gdcloud.demo import wait_listening

from ..demo.conftest import RPC, free_port

URI = os.environ.get('TRYTOND_DATABASE_URI', '')
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(
    not URI.startswith('postgresql'), reason="production runs PostgreSQL")


@pytest.fixture
def database():
    name = f'gdcloud_production_{os.getpid()}'
    with psycopg.connect(URI + 'postgres', autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(URI + 'postgres', autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" (FORCE)')


def test_production_example_serves_with_workers_cron_and_queue(
        database, tmp_path):
    "gunicorn workers, cron and queue worker run on PostgreSQL"
    env = dict(os.environ)
    env.update({
            'TRYTOND_CONFIG': str(CONFIG / 'production.conf'),
            'TRYTOND_DATABASE__URI': URI,
            'TRYTOND_DATABASE__PATH': str(tmp_path),
            'TRYTOND_WEB__ROOT': str(SAO),
            'TRYTOND_DATABASE_NAMES': database,
            'GDCLOUD_WORKERS': '2',
            })
    with tempfile.NamedTemporaryFile('w') as passfile:
        passfile.write('production-admin-1\n')
        passfile.flush()
        subprocess.run(
            [BIN / 'trytond-admin', '-d', database, '-u', *MODULES,
                '--activate-dependencies', '-l', 'zh_CN',
                '--email', 'admin@example.gov.cn'],
            env={**env, 'TRYTONPASSFILE': passfile.name}, check=True,
            capture_output=True)

    port = free_port()
    env['GDCLOUD_BIND'] = f'127.0.0.1:{port}'
    processes = [
        subprocess.Popen(command, env=env, start_new_session=True)
        for command in [
            [BIN / 'gunicorn', '-c', CONFIG / 'gunicorn.conf.py',
                'trytond.application:app'],
            [BIN / 'trytond-cron', '-d', database],
            [BIN / 'trytond-worker', '-d', database],
            ]]
    try:
        wait_listening(port, processes)
        url = f'http://127.0.0.1:{port}/'
        # Several requests, served by any worker, share the session
        client = RPC(url, 'admin', 'production-admin-1', database=database)
        for _ in range(6):
            menus = client.call(
                'model.ir.ui.menu.search_read', [('parent', '=', None)],
                0, None, None, ['name'], {'language': 'zh_CN'})
            assert {"公文管理", "部署推进", "联网售票"} <= {
                m['name'] for m in menus}
        workers = subprocess.run(
            ['pgrep', '-P', str(processes[0].pid)],
            capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
        assert all(p.poll() is None for p in processes)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
