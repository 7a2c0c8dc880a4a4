#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what is missing, starts a local
# PostgreSQL for the database tests and Podman's Docker API service for the docker driver's,
# then lint, typecheck, unit/integration tests and e2e.
source "$(dirname "$0")/lib.sh"
ensure_debian_packages "${PLATFORM_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
ensure_node_modules
ensure_cli_on_path # e2e/publish.spec.ts runs slipway in the IDE terminal
cd "$REPO_ROOT"
source scripts/test-postgres.sh
start_test_postgres
source scripts/podman-service.sh
start_podman_service
trap stop_podman_service EXIT

log "lint";       npm run --silent lint
log "typecheck";  npm run --silent typecheck
log "unit and integration tests"
npx vitest run
ensure_web_build
log "end-to-end tests in Chromium"
npx playwright test
