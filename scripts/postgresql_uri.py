"""Print the URI of a reachable PostgreSQL server for the tests.

GDCLOUD_TEST_POSTGRESQL_URI chooses it; otherwise the local server on
127.0.0.1:5432 is tried as root, then as postgres.  Exits 1 when none
answers.

With --drop-cache URI, drop instead the template databases that trytond's
test cache (DB_CACHE=URI) made, named test-<hash>."""
import os
import sys

import psycopg
import psycopg.sql

CANDIDATES = [
    'postgresql://root@127.0.0.1:5432/',
    'postgresql://postgres@127.0.0.1:5432/',
    ]


def drop_cache(uri):
    with psycopg.connect(uri + 'postgres', autocommit=True) as connection:
        names = [name for name, in connection.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'test-%'")]
        for name in names:
            connection.execute(
                psycopg.sql.SQL('DROP DATABASE IF EXISTS {}').format(
                    psycopg.sql.Identifier(name)))
    return 0


def main():
    if sys.argv[1:2] == ['--drop-cache']:
        return drop_cache(sys.argv[2])
    if uri := os.environ.get('GDCLOUD_TEST_POSTGRESQL_URI'):
        candidates = [uri]
    else:
        candidates = CANDIDATES
    for uri in candidates:
        try:
            with psycopg.connect(
                    uri + 'postgres', connect_timeout=5) as connection:
                connection.execute('SELECT 1')
        except psycopg.Error as exception:
            print(f"{uri}: {exception}".strip(), file=sys.stderr)
            continue
        print(uri)
        return 0
    return 1


if __name__ == '__main__':
    sys.exit(main())
