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
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Packages the platform itself runs on: sandboxes, git, the Java and Python toolchains.
PLATFORM_PACKAGES=(bubblewrap git ca-certificates openjdk-17-jdk-headless python3 gunicorn libtomcat10-embed-java libjakarta-annotation-api-java)
# Extra packages the test suite needs: a real browser, a real PostgreSQL, and Podman (+ runc)
# serving the Docker Engine API for the docker driver's tests.
TEST_PACKAGES=(chromium postgresql podman runc)

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
