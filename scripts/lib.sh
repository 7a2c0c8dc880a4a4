# Shared helpers for the setup, start and test scripts. Sourced, not run.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NEXT_TELEMETRY_DISABLED=1

log() { printf '\033[1m[slipway]\033[0m %s\n' "$*" >&2; }

# Installs the Debian packages that are missing, and only those (idempotent, no upgrade).
ensure_debian_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Packages must not start their own daemons (Debian's nginx would take port 80): Slipway runs
  # nginx and PostgreSQL itself, with its own configuration. A policy-rc.d says so to invoke-rc.d.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && added_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -z "$added_policy" ] || $sudo rm -f "$policy"
}

# Packages the platform itself runs on: sandboxes, git, the Java and Python toolchains, nginx
# (the gateway's data plane in front of published apps) and python3-cryptography (the Python SDK
# verifies the gateway's Ed25519 identity headers inside instances).
PLATFORM_PACKAGES=(bubblewrap git ca-certificates openjdk-17-jdk-headless python3 python3-cryptography gunicorn libtomcat10-embed-java libjakarta-annotation-api-java nginx)
# Extra packages the test suite needs: a real browser, a real PostgreSQL, Podman (+ runc)
# serving the Docker Engine API for the docker driver's tests, and JUnit 5 for the Java SDK's.
TEST_PACKAGES=(chromium postgresql podman runc junit5)

# Installs node_modules when missing or older than the lockfile.
ensure_node_modules() {
  cd "$REPO_ROOT"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (native modules build from source; first time takes a few minutes)"
    # Not `npm ci`: the registry here lacks other platforms' optional @next/swc builds, so the
    # lockfile cannot list them and `npm ci` refuses it; `npm install` honours the lockfile too.
    npm install --no-audit --no-fund --loglevel=error
  fi
}

# Builds the web UI when its sources changed since the last build.
ensure_web_build() {
  cd "$REPO_ROOT"
  if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components server/protocol next.config.mjs package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
    log "building the web UI"
    npx next build >/tmp/slipway-next-build.log 2>&1 || { cat /tmp/slipway-next-build.log >&2; return 1; }
  fi
}

# Puts `slipway` on the PATH, also inside IDE terminals: their sandbox sees /usr but not this
# repository, so a symlink to bin/slipway would dangle there. Instead the CLI's one-file bundle is
# copied to /usr/local/lib/slipway and a two-line launcher goes to /usr/local/bin. Idempotent:
# writes only what is missing or different; leaves a /usr/local/bin/slipway it did not write alone.
SLIPWAY_CLI_MARK='# Installed by Slipway (scripts/lib.sh ensure_cli_on_path); see docs/cli.md.'
ensure_cli_on_path() {
  cd "$REPO_ROOT"
  bin/slipway --help >/dev/null # builds node_modules/.cache/slipway-cli/slipway.mjs when stale
  local bundle="node_modules/.cache/slipway-cli/slipway.mjs"
  local lib_dir=/usr/local/lib/slipway launcher=/usr/local/bin/slipway
  if ! mkdir -p "$lib_dir" 2>/dev/null || [ ! -w "$lib_dir" ] || [ ! -w /usr/local/bin ]; then
    log "cannot write /usr/local: run bin/slipway from the repository (or npx slipway) instead"
    return 0
  fi
  if ! cmp -s "$bundle" "$lib_dir/slipway.mjs"; then
    cp "$bundle" "$lib_dir/slipway.mjs.tmp" && chmod 644 "$lib_dir/slipway.mjs.tmp"
    mv -f "$lib_dir/slipway.mjs.tmp" "$lib_dir/slipway.mjs"
  fi
  local text
  text=$(printf '#!/bin/sh\n%s\nexec node %s/slipway.mjs "$@"' "$SLIPWAY_CLI_MARK" "$lib_dir")
  [ "$(cat "$launcher" 2>/dev/null)" = "$text" ] && return 0
  if [ -e "$launcher" ] || [ -L "$launcher" ]; then
    if ! grep -qF "$SLIPWAY_CLI_MARK" "$launcher" 2>/dev/null; then
      log "leaving $launcher alone: it was not installed by Slipway"
      return 0
    fi
  fi
  printf '%s\n' "$text" >"$launcher.tmp" && chmod 755 "$launcher.tmp" && mv -f "$launcher.tmp" "$launcher"
  log "installed the slipway CLI as $launcher"
}
