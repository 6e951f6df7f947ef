#!/usr/bin/env bash
# Installs (if missing) and starts Debian's PostgreSQL 15 cluster, then creates the test database.
# Prints the TEST_DATABASE_URL to use. Safe to run repeatedly.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null || [ ! -d /usr/lib/postgresql/15 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
if ! pg_lsclusters -h | grep -q '^15 *main'; then
  pg_createcluster 15 main >/dev/null
fi
# Tests create and drop many short-lived schemas; durability buys nothing here.
conf=/etc/postgresql/15/main/conf.d/accounts-tests.conf
if [ ! -f "$conf" ]; then
  mkdir -p "$(dirname "$conf")"
  printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 300\n" > "$conf"
  pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
fi
pg_ctlcluster 15 main status >/dev/null 2>&1 || pg_ctlcluster 15 main start
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 1
done
su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname='accounts_test'\"" | grep -q 1 \
  || su postgres -c "createdb accounts_test"
echo "postgres://postgres:postgres@127.0.0.1:5432/accounts_test"
