"""A WSGI app for the farm's tests: answers /, and probes what its sandbox lets it do."""

import os
import signal
import socket
import sys
import threading
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    path = environ.get("PATH_INFO", "/")
    if path == "/connect":
        result = connect(int(query["port"][0]))
    elif path == "/read":
        result = read(query["path"][0])
    elif path == "/fork":
        result = fork(int(query["n"][0]))
    elif path == "/alloc":
        block = bytearray(int(query["mb"][0]) * 1024 * 1024)
        for offset in range(0, len(block), 4096):
            block[offset] = 1  # touch every page so it is really resident
        result = "allocated %d MB" % (len(block) // (1024 * 1024))
    elif path == "/exit":
        print("probe: exiting on request", flush=True)
        os._exit(3)
    else:
        result = "%s %s" % (os.environ.get("PROBE_LABEL", "probe"), os.environ.get("SLIPWAY_APP_DATA_DIR", ""))
    body = result.encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def connect(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return "connected"
    except OSError as error:
        return "refused: %s" % error


def fork(count):
    """Starts `count` sleeping children at once (a small fork bomb) and reports how many started."""
    import subprocess

    children = []
    try:
        for _ in range(count):
            children.append(subprocess.Popen(["/bin/sleep", "30"]))
    except OSError as error:
        print("probe: fork failed: %s" % error, flush=True)
    finally:
        for child in children:
            child.kill()
            child.wait()
    return "forked %d" % len(children)


def read(path):
    try:
        with open(path, "rb") as handle:
            return "read %d bytes" % len(handle.read())
    except OSError as error:
        return "denied: %s" % error


def crash_later(delay_ms):
    """Kills the whole instance (gunicorn's master) a while after start-up: a crash after ready."""
    time.sleep(delay_ms / 1000)
    print("probe: crashing the instance", flush=True)
    os.kill(os.getppid(), signal.SIGKILL)


if os.environ.get("PROBE_CRASH_AFTER_MS"):
    threading.Thread(target=crash_later, args=(int(os.environ["PROBE_CRASH_AFTER_MS"]),), daemon=True).start()
if os.environ.get("PROBE_BROKEN"):
    # Exit code 3 tells gunicorn's master that the worker cannot boot: the master stops too,
    # so the instance never answers (an import error alone would be answered with a 500 page).
    print("probe: broken on purpose", flush=True)
    os._exit(3)

print("probe app loaded", file=sys.stderr, flush=True)
