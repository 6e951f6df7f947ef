#!/usr/bin/env bash
# Creates (if missing) and starts a PostgreSQL 15 cluster of its own for the fault tests (issue #17):
# `npm run soak` and src/db/database-unavailable.pg.test.ts restart it (`pg_ctlcluster 15 soak
# restart`), which must never hit the shared `15 main` cluster other test runs use. Same test-friendly
# settings as start-postgres.sh, on port 5433 (SOAK_PG_PORT). Prints the URL of the database
# accounts_soak (TEST_SOAK_DATABASE_URL / SOAK_DATABASE_URL). Safe to run repeatedly.
set -euo pipefail
version=15
cluster="${SOAK_PG_CLUSTER:-soak}"
port="${SOAK_PG_PORT:-5433}"
if ! command -v pg_ctlcluster >/dev/null || [ ! -d "/usr/lib/postgresql/$version" ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$version" >/dev/null
fi
if ! pg_lsclusters -h | grep -q "^$version *$cluster "; then
  pg_createcluster "$version" "$cluster" --port "$port" >/dev/null
fi
# As start-postgres.sh: durability buys nothing for throw-away data. A restart here is a fast
# (clean) shutdown, which writes every acknowledged commit to disk even with fsync off.
# Three API nodes × a pool of 10, the test's pools and the soak's own checks fit in 100.
conf="/etc/postgresql/$version/$cluster/conf.d/accounts-soak.conf"
if [ ! -f "$conf" ]; then
  mkdir -p "$(dirname "$conf")"
  printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 100\n" > "$conf"
  pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
fi
pg_ctlcluster "$version" "$cluster" status >/dev/null 2>&1 || pg_ctlcluster "$version" "$cluster" start
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q -h 127.0.0.1 -p $port" && break
  sleep 1
done
su postgres -c "psql -q -p $port -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null
su postgres -c "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname='accounts_soak'\"" | grep -q 1 \
  || su postgres -c "createdb -p $port accounts_soak"
echo "postgres://postgres:postgres@127.0.0.1:$port/accounts_soak"
