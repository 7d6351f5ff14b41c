"""Print the URI of a reachable PostgreSQL server for the tests.

GDCLOUD_TEST_POSTGRESQL_URI chooses it; otherwise the local server on
127.0.0.1:5432 is tried as root, then as postgres.  Exits 1 when none
answers."""
import os
import sys

import psycopg

CANDIDATES = [
    'postgresql://root@127.0.0.1:5432/',
    'postgresql://postgres@127.0.0.1:5432/',
    ]


def main():
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
