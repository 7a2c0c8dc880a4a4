"""gunicorn configuration for Slipway instances (passed with --config; the rest is on the command line).

It adds what gunicorn lacks, with the same line formats as Slipway's Java launcher (every line for
the platform carries the "@slipway " marker on stdout):
- a control channel: the master reads "reload <generation>" lines on stdin and sends itself
  SIGHUP. The platform cannot signal the master directly: it runs inside bubblewrap, and a
  signal sent to bwrap from outside ends the whole sandbox instead of being forwarded.
- "@slipway ready - {json}" from each worker once it has loaded the app, tagged with the reload
  generation it was forked for, so the platform knows when new code is served.
- "@slipway access METHOD PATH STATUS BYTES MS" per request; the path is the raw request path
  without its query string (queries may carry tokens), so it has no spaces.

gunicorn executes this file again on every reload and copies each top-level name that matches
a setting, so every helper here starts with an underscore.
"""

import json
import os
import signal
import threading
import time

from gunicorn.glogging import Logger

_MARKER = "@slipway "


def _write_line(text):
    # One write() per line: the master and the workers share the pipe, and writes up to
    # PIPE_BUF (4096) bytes stay whole; callers keep lines well below that.
    os.write(1, (_MARKER + text + "\n").encode("utf-8", "replace"))


def _read_control(server):
    """Runs in a daemon thread of the master; reads fd 0 directly (no Python-level lock to fork with)."""
    pending = b""
    while True:
        try:
            chunk = os.read(0, 4096)
        except OSError:
            return
        if not chunk:
            return  # no control channel (stdin closed or /dev/null): nothing more to do
        pending = (pending + chunk)[-65536:]
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            words = line.decode("ascii", "replace").split()
            if len(words) == 2 and words[0] == "reload" and words[1].isdigit():
                server.slipway_generation = int(words[1])
                os.kill(os.getpid(), signal.SIGHUP)
            elif words:
                server.log.warning("slipway: unknown control line %r", line[:100])


def when_ready(server):
    server.slipway_generation = getattr(server, "slipway_generation", 0)
    threading.Thread(target=_read_control, args=(server,), name="slipway-control", daemon=True).start()


def post_fork(server, worker):
    # Workers must not read the control channel.
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    worker.slipway_generation = getattr(server, "slipway_generation", 0)
    worker.slipway_forked_at = time.monotonic()


def _with_version_header(app, version):
    """Names the published version on every response: the gateway meters requests by it."""
    header = ("X-Slipway-Version", version)

    def versioned(environ, start_response):
        def start(status, headers, exc_info=None):
            headers = [pair for pair in headers if pair[0].lower() != "x-slipway-version"]
            headers.append(header)
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return versioned


def post_worker_init(worker):
    load_error = getattr(worker.wsgi, "load_error", None)
    version = os.environ.get("SLIPWAY_VERSION_ID", "")
    if version:
        worker.wsgi = _with_version_header(worker.wsgi, version)
    started = getattr(worker, "slipway_forked_at", time.monotonic())
    ready = {
        "app": load_error is None,
        "ms": round((time.monotonic() - started) * 1000),
        "pid": worker.pid,
        "master": worker.ppid,
        "generation": getattr(worker, "slipway_generation", 0),
        "workers": worker.cfg.workers,
    }
    if load_error:
        ready["error"] = load_error
    _write_line("ready - " + json.dumps(ready, separators=(",", ":")))


class _StdoutAccessLogger(Logger):
    """gunicorn's logger with Slipway's access line on stdout."""

    def access(self, resp, req, environ, request_time):
        if not self.cfg.accesslog:
            return
        status = str(getattr(resp, "status", "") or "").split(None, 1)
        code = status[0] if status and status[0].isdigit() else "000"
        path = "".join("%20" if char.isspace() else char for char in (req.path or "/")[:1000])
        # `sent` misses bodies gunicorn sends with sendfile(); the declared length has them.
        size = getattr(resp, "sent", 0) or getattr(resp, "response_length", 0) or 0
        millis = round(request_time.total_seconds() * 1000)
        _write_line(f"access {environ.get('REQUEST_METHOD', '-')} {path} {code} {size} {millis}")


logger_class = _StdoutAccessLogger
