#!/usr/bin/env bash
# Lint, then every test: each module's tests and the cross-module tests on
# SQLite and on PostgreSQL (side by side), then the demo database and the
# browser smoke test.  With CI=true an unreachable PostgreSQL is a failure, not a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test

say() { printf '\n==> %s\n' "$*"; }
PYTHON=.venv/bin/python
ARTIFACTS=test-artifacts
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/junit-*.xml
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore::DeprecationWarning}

say "Lint: ruff"
.venv/bin/ruff check addons scripts tests

SUITES=(
    --pyargs
    trytond.modules.gd_documents.tests
    trytond.modules.gd_deploy.tests
    trytond.modules.gd_ticketing.tests
    tests/database
)

status=0
suite() {
    # suite NAME [VAR=VALUE ...] -- PYTEST ARGS
    local name=$1; shift
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    env "${envs[@]}" "$PYTHON" -m pytest -q -p no:cacheprovider \
        --junitxml="$ARTIFACTS/junit-$name.xml" "$@" || status=1
}

# trytond's test cache keeps a database per set of modules; it is keyed by
# the modules' names only, so each run starts with an empty one.
sqlite_cache=$(mktemp -d)
trap 'rm -rf "$sqlite_cache"' EXIT

# SQLite's suite runs beside PostgreSQL's, on the other core: its output
# is shown once it ends
say "Tests on SQLite (in the background): database uri sqlite://, DB_NAME=:memory:"
(
    suite sqlite -u TRYTOND_DATABASE__URI -u TRYTOND_DATABASE_URI \
        DB_NAME=:memory: DB_CACHE="$sqlite_cache" -- "${SUITES[@]}"
    exit $status
) > "$ARTIFACTS/sqlite.log" 2>&1 &
sqlite_pid=$!

if pg_uri=$("$PYTHON" scripts/postgresql_uri.py); then
    say "Tests on PostgreSQL: database uri $pg_uri"
    "$PYTHON" scripts/postgresql_uri.py --drop-cache "$pg_uri"
    suite postgresql -u DB_NAME -u TRYTOND_DATABASE__URI \
        TRYTOND_DATABASE_URI="$pg_uri" DB_CACHE="${pg_uri%/}" \
        -- "${SUITES[@]}" tests/production
    "$PYTHON" scripts/postgresql_uri.py --drop-cache "$pg_uri"
elif [ "${CI:-}" = true ]; then
    echo "PostgreSQL is unreachable and CI=true: failing." >&2
    status=1
else
    echo "WARNING: PostgreSQL is unreachable; its tests were skipped." >&2
fi

sqlite_status=0
wait "$sqlite_pid" || sqlite_status=$?
say "Tests on SQLite: database uri sqlite://, DB_NAME=:memory:"
cat "$ARTIFACTS/sqlite.log"
[ "$sqlite_status" -eq 0 ] || status=1

say "Demo database and browser smoke test (SQLite, Chromium)"
suite demo -u TRYTOND_DATABASE__URI -u TRYTOND_DATABASE_URI -u DB_NAME \
    -- tests/demo

"$PYTHON" scripts/test_summary.py "$ARTIFACTS"/junit-*.xml || status=1
exit $status
