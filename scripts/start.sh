#!/usr/bin/env bash
# Installs what is missing, then starts the whole platform with its embedded defaults
# (SQLite and projects in ./data, local sandboxes). Honours PORT, HOST, SLIPWAY_DATA_DIR,
# SLIPWAY_PUBLIC_URL, SLIPWAY_ADMIN_EMAIL, SLIPWAY_ADMIN_PASSWORD and DATABASE_URL.
source "$(dirname "$0")/lib.sh"
ensure_debian_packages "${PLATFORM_PACKAGES[@]}"
ensure_node_modules
ensure_cli_on_path
ensure_web_build
cd "$REPO_ROOT"
export NODE_ENV=production
exec node_modules/.bin/tsx server/main.ts "$@"
