"""Runs one CGI script for slipway_cgi: body on stdin, output captured, time-limited, stderr logged."""

import os
import selectors
import signal
import subprocess
import sys
import time

TIMEOUT_SECONDS = float(os.environ.get("SLIPWAY_CGI_TIMEOUT_SECONDS", "20"))
MAX_OUTPUT_BYTES = 32 * 1024 * 1024
MAX_LOGGED_STDERR = 16 * 1024


class CgiError(Exception):
    """A script failed; the visitor gets `status`, the log gets `detail`."""

    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status


def run_script(argv, cwd, env, body, name):
    """The script's stdout; raises CgiError on failure. Its stderr is always logged."""
    started = time.monotonic()
    try:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        raise CgiError(502, f"cannot start: {error}") from error
    stdout, stderr, problem = bytearray(), bytearray(), None
    try:
        problem = pump(process, body, stdout, stderr, started + TIMEOUT_SECONDS)
    finally:
        kill_group(process.pid)  # whatever the script left running ends with it
        code = process.wait()
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream:
                stream.close()
    seconds = time.monotonic() - started
    if stderr:
        text = bytes(stderr[:MAX_LOGGED_STDERR]).decode("utf-8", "replace").rstrip("\n")
        log("\n".join(f"{name}: {line}" for line in text.split("\n")))
    if problem == "timeout":
        raise CgiError(504, f"timed out after {TIMEOUT_SECONDS:g} s")
    if problem == "too-large":
        raise CgiError(502, f"output over {MAX_OUTPUT_BYTES} bytes")
    if code != 0:
        how = f"signal {-code}" if code < 0 else f"status {code}"
        raise CgiError(502, f"exited with {how} after {seconds:.2f} s")
    return bytes(stdout)


def pump(process, body, stdout, stderr, deadline):
    """Feeds stdin and drains stdout/stderr until the script exits; returns a problem or None."""
    pidfd = os.pidfd_open(process.pid)
    selector = selectors.DefaultSelector()
    try:
        for stream in (process.stdin, process.stdout, process.stderr):
            os.set_blocking(stream.fileno(), False)
        if body:
            selector.register(process.stdin, selectors.EVENT_WRITE)
        else:
            process.stdin.close()
        selector.register(process.stdout, selectors.EVENT_READ, stdout)
        selector.register(process.stderr, selectors.EVENT_READ, stderr)
        selector.register(pidfd, selectors.EVENT_READ)
        written, exited_at = 0, None
        while len(selector.get_map()) > 0:
            now = time.monotonic()
            if now >= deadline:
                return "timeout"
            if exited_at is not None and now - exited_at > 1:
                return None  # a detached grandchild still holds the pipes open
            for key, _ in selector.select(min(deadline - now, 0.5)):
                if key.fd == pidfd:
                    selector.unregister(pidfd)
                    exited_at = time.monotonic()
                    # The script is a zombie until waited for, so its group id is still ours.
                    kill_group(process.pid)
                elif key.fileobj is process.stdin:
                    try:
                        written += os.write(key.fd, body[written:written + 65536])
                    except BrokenPipeError:
                        written = len(body)  # the script did not read the whole body: its choice
                    if written >= len(body):
                        selector.unregister(process.stdin)
                        process.stdin.close()
                else:
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        selector.unregister(key.fileobj)
                    elif key.data is stderr:
                        stderr += chunk[:max(0, MAX_LOGGED_STDERR - len(stderr))]
                    else:
                        stdout += chunk
                        if len(stdout) > MAX_OUTPUT_BYTES:
                            return "too-large"
        return None
    finally:
        selector.close()
        os.close(pidfd)


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def log(text):
    print(f"slipway.cgi: {text}", file=sys.stderr, flush=True)
