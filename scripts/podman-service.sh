# Starts Podman's Docker-compatible API service for the docker driver's tests and exports
# SLIPWAY_TEST_DOCKER_SOCKET. Sourced (after lib.sh), like test-postgres.sh.
#
# Flags measured on Debian 12 (shared/TOOLCHAIN-NOTES.md): runc, because crun fails on this
# kind of host's hybrid cgroups; cgroupfs, because there is no systemd to own cgroups; vfs
# storage, which needs no kernel overlay or fuse; file events, because journald may be absent.
# Its own storage root keeps the tests' images and containers apart from any other Podman use.

SLIPWAY_PODMAN_DIR="${SLIPWAY_PODMAN_DIR:-/var/tmp/slipway-podman}"
SLIPWAY_PODMAN_PID=""

podman_flags() {
  printf '%s\n' --root "$SLIPWAY_PODMAN_DIR/storage" --runroot "$SLIPWAY_PODMAN_DIR/run" \
    --tmpdir "$SLIPWAY_PODMAN_DIR/tmp" --runtime runc --cgroup-manager cgroupfs \
    --storage-driver vfs --events-backend file
}

podman_service_answers() {
  podman --remote --url "unix://$SLIPWAY_PODMAN_DIR/podman.sock" version >/dev/null 2>&1
}

# Starts the service unless one already answers on the socket; waits until it answers.
start_podman_service() {
  mkdir -p "$SLIPWAY_PODMAN_DIR/tmp"
  export SLIPWAY_TEST_DOCKER_SOCKET="$SLIPWAY_PODMAN_DIR/podman.sock"
  podman_service_answers && return 0
  log "starting Podman's Docker API service on $SLIPWAY_TEST_DOCKER_SOCKET"
  rm -f "$SLIPWAY_TEST_DOCKER_SOCKET"
  local flags
  mapfile -t flags < <(podman_flags)
  # From its own folder: conmon writes files such as `oom` (a container hit its memory limit)
  # into its working directory, which would otherwise be the repository.
  (cd "$SLIPWAY_PODMAN_DIR" && exec setsid podman "${flags[@]}" system service --time=0 \
    "unix://$SLIPWAY_TEST_DOCKER_SOCKET" >"$SLIPWAY_PODMAN_DIR/service.log" 2>&1 </dev/null) &
  SLIPWAY_PODMAN_PID=$!
  local attempt
  for attempt in $(seq 1 100); do
    podman_service_answers && return 0
    kill -0 "$SLIPWAY_PODMAN_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$SLIPWAY_PODMAN_DIR/service.log" >&2
  log "Podman's API service did not start (attempt $attempt)"
  return 1
}

# Stops the service if start_podman_service started it (leaves one started by someone else).
stop_podman_service() {
  [ -n "$SLIPWAY_PODMAN_PID" ] || return 0
  kill "$SLIPWAY_PODMAN_PID" 2>/dev/null || true
  wait "$SLIPWAY_PODMAN_PID" 2>/dev/null || true
  SLIPWAY_PODMAN_PID=""
}
