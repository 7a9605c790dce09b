#!/usr/bin/env bash
# A PostgreSQL server on loopback for the tests that run once per backend. Idempotent.
# The tests find it through TIMELINE_TEST_POSTGRES (set by .ci/run).
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main >/dev/null
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
done
as_postgres() { su postgres -c "$1"; }
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = 'timeline'\"" | grep -q 1 \
    || as_postgres "psql -qc \"CREATE ROLE timeline LOGIN SUPERUSER PASSWORD 'timeline'\""
as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'timeline'\"" | grep -q 1 \
    || as_postgres "createdb -O timeline timeline"
