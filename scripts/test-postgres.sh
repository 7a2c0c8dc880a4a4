# Starts Debian's PostgreSQL cluster and exports SLIPWAY_TEST_DATABASE_URL for the database tests.
start_test_postgres() {
  local version
  version=$(ls /usr/lib/postgresql | sort -n | tail -1)
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    log "starting PostgreSQL $version"
    pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >/dev/null
    pg_ctlcluster "$version" main start
  fi
  runuser -u postgres -- psql -q -tAc "SELECT 1 FROM pg_roles WHERE rolname='slipway_test'" | grep -q 1 ||
    runuser -u postgres -- psql -q -c "CREATE ROLE slipway_test LOGIN PASSWORD 'slipway_test' CREATEDB"
  # DROP DATABASE … WITH (FORCE) ends the test database's other backends; when one of them is an
  # autovacuum worker (not the test role's), that needs pg_signal_backend. Granting twice is a no-op.
  runuser -u postgres -- psql -q -c "GRANT pg_signal_backend TO slipway_test" 2>/dev/null
  export SLIPWAY_TEST_DATABASE_URL="postgres://slipway_test:slipway_test@127.0.0.1:5432/postgres"
}
