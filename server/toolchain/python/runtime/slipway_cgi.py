"""RFC 3875 CGI for a Slipway "cgi" app, as the WSGI application gunicorn serves.

Requests under /cgi-bin/ run a script; everything else is a static file (slipway_static).
- A script is the first existing file along the path (/cgi-bin/tool.py/extra → PATH_INFO=/extra).
- `*.py` scripts run as `/usr/bin/python3 <script>` whatever their shebang or mode bits: apps run
  on Debian's Python, and editors and uploads often lose the executable bit. Any other file runs
  only if it is executable, through the kernel (its shebang).
- Each script runs in the script's folder, in its own process group, with the request body on
  stdin, a time limit, and capped output; anything it leaves running is ended with it.
- The answer: a header block (Status:, Location:, Content-Type:, any other fields), an empty line,
  the body. A local Location (/path, no Status) is an internal redirect (GET); other Locations
  are client redirects (302 unless Status says otherwise).
- A script that exits non-zero, times out (504) or answers malformed output yields 502; its
  stderr goes to the app's log (stderr), never to the visitor.
"""

import os
from http import HTTPStatus
from io import BytesIO
from urllib.parse import unquote_to_bytes

from slipway_cgi_process import CgiError, log, run_script
from slipway_static import StaticFiles, plain

PYTHON = "/usr/bin/python3"
CGI_DIR = "cgi-bin"
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_LOCAL_REDIRECTS = 5
# Hop-by-hop fields are the server's business (WSGI forbids them); gunicorn sets Date and Server.
DROPPED_FIELDS = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
                            "trailer", "trailers", "transfer-encoding", "upgrade", "content-length", "date",
                            "server"})
# Never passed to scripts: httpoxy (HTTP_PROXY), credentials (as Apache does), and fields already
# given as CONTENT_TYPE / CONTENT_LENGTH.
WITHHELD_HEADERS = frozenset({"HTTP_PROXY", "HTTP_AUTHORIZATION", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"})
# Characters that cannot appear in a header field name (RFC 9110 token).
TSPECIALS = frozenset(' \t"(),/;<=>?@[\\]{}')


class CgiApp:
    """The WSGI application: CGI scripts under cgi-bin/, static files elsewhere."""

    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.cgi_root = os.path.join(self.root, CGI_DIR)
        self.static = StaticFiles(self.root)

    def __call__(self, environ, start_response):
        return self.dispatch(environ, start_response, redirects=0)

    def dispatch(self, environ, start_response, redirects):
        path = wsgi_text(environ.get("PATH_INFO", "") or "/")
        segments = [segment for segment in path.split("/") if segment]
        if not segments or segments[0] != CGI_DIR:
            return self.static.serve(environ, path, start_response)
        found = self.find_script(segments[1:])
        if found is None:
            return plain(start_response, "404 Not Found", "Not found\n")
        script, script_segments, path_info = found
        name = "/".join([CGI_DIR, *script_segments])
        argv = [PYTHON, script] if script.endswith(".py") else [script]
        if argv[0] == script and not os.access(script, os.X_OK):
            return plain(start_response, "403 Forbidden", "Not a CGI script\n")
        try:
            body = read_body(environ)
            env = script_env(environ, script, "/" + name, path_info, body, self.root)
            output = run_script(argv, os.path.dirname(script), env, body, name)
            status, headers, content = parse_output(output)
        except CgiError as error:
            log(f"{name}: {error}")
            phrase = HTTPStatus(error.status).phrase
            failed = error.status >= 500
            reason = "the script failed. The app's log has the details" if failed else "see the log"
            return plain(start_response, f"{error.status} {phrase}", f"{phrase}: {reason}.\n")
        location = dict((key.lower(), value) for key, value in headers).get("location", "")
        if status is None and location.startswith("/") and not location.startswith("//"):
            if redirects >= MAX_LOCAL_REDIRECTS:
                log(f"{name}: too many local redirects")
                return plain(start_response, "502 Bad Gateway", "Bad Gateway: too many redirects.\n")
            return self.dispatch(redirected(environ, location), start_response, redirects + 1)
        if status is None:
            status = "302 Found" if location else "200 OK"
        start_response(status, [*headers, ("Content-Length", str(len(content)))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [content]

    def find_script(self, segments):
        """(script path, its segments under cgi-bin, PATH_INFO), or None."""
        current = self.cgi_root
        for index, segment in enumerate(segments):
            if segment.startswith(".") or segment == "__pycache__" or "\0" in segment:
                return None
            current = os.path.join(current, segment)
            real = os.path.realpath(current)
            if real != self.cgi_root and not real.startswith(self.cgi_root + os.sep):
                return None  # a link that leaves cgi-bin/
            if os.path.isfile(real):
                rest = segments[index + 1:]
                return real, segments[:index + 1], "/" + "/".join(rest) if rest else ""
            if not os.path.isdir(real):
                return None
        return None  # a folder: no listings


def read_body(environ):
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    body = stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise CgiError(413, f"request body over {MAX_BODY_BYTES} bytes")
    return body


def script_env(environ, script, script_name, path_info, body, root):
    """The process environment plus the RFC 3875 meta-variables for this request."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HTTP_")}
    remote = forwarded_for(environ) or environ.get("REMOTE_ADDR") or "127.0.0.1"
    prefix = wsgi_text(environ.get("SCRIPT_NAME", ""))
    scheme = environ.get("wsgi.url_scheme", "http")
    query = wsgi_text(environ.get("QUERY_STRING", ""))
    env.update({
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_SOFTWARE": environ.get("SERVER_SOFTWARE", "gunicorn"),
        "SERVER_PROTOCOL": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
        "SERVER_NAME": environ.get("SERVER_NAME") or "localhost",
        "SERVER_PORT": environ.get("SERVER_PORT") or ("443" if scheme == "https" else "80"),
        "REQUEST_METHOD": environ.get("REQUEST_METHOD", "GET"),
        "QUERY_STRING": query,
        "SCRIPT_NAME": prefix + script_name,
        "PATH_INFO": path_info,
        "REMOTE_ADDR": remote,
        "REMOTE_HOST": remote,
        "REQUEST_URI": prefix + wsgi_text(environ.get("RAW_URI") or request_uri(environ)),
        "DOCUMENT_ROOT": root,
        "SCRIPT_FILENAME": script,
    })
    if path_info:
        env["PATH_TRANSLATED"] = os.path.join(root, path_info.lstrip("/"))
    if scheme == "https":
        env["HTTPS"] = "on"
    if body or environ.get("CONTENT_LENGTH"):
        env["CONTENT_LENGTH"] = str(len(body))
    if environ.get("CONTENT_TYPE"):
        env["CONTENT_TYPE"] = wsgi_text(environ["CONTENT_TYPE"])
    for key, value in environ.items():
        if key.startswith("HTTP_") and key not in WITHHELD_HEADERS:
            env[key] = wsgi_text(value)
    if any("\0" in value for value in env.values()):
        raise CgiError(400, "a NUL byte in the request")
    return env


def request_uri(environ):
    query = environ.get("QUERY_STRING", "")
    return environ.get("PATH_INFO", "") + (f"?{query}" if query else "")


def forwarded_for(environ):
    """The address the platform's proxy appended (the last hop; earlier ones come from the client)."""
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-1] if hops else None


def parse_output(output):
    """(status or None, headers, body) from the script's output; CgiError 502 when malformed."""
    headers, status, position = [], None, 0
    while True:
        end = output.find(b"\n", position)
        if end < 0 or end > MAX_HEADER_BYTES:
            raise CgiError(502, "malformed answer: no empty line after the header fields")
        line = output[position:end].rstrip(b"\r")
        position = end + 1
        if not line:
            break
        name, colon, value = line.partition(b":")
        name = name.decode("latin-1")
        if not colon or not name or not name.isascii() or any(char in TSPECIALS for char in name):
            raise CgiError(502, f"malformed header line {line[:80]!r}")
        value = value.strip().decode("latin-1")
        if any(ord(char) < 32 and char != "\t" for char in value):
            raise CgiError(502, f"control characters in the header field {name}")
        if name.lower() == "status":
            status = parse_status(value)
        elif name.lower() not in DROPPED_FIELDS:
            headers.append((name, value))
    return status, headers, output[position:]


def parse_status(value):
    code, _, reason = value.partition(" ")
    if not (code.isdigit() and len(code) == 3 and 200 <= int(code) <= 599):
        raise CgiError(502, f"malformed Status {value[:40]!r}")
    if not reason.strip():
        try:
            reason = HTTPStatus(int(code)).phrase
        except ValueError:
            reason = "Unknown"
    return f"{code} {reason.strip()}"


def redirected(environ, location):
    path, _, query = location.partition("?")
    inner = dict(environ)
    inner.update({
        "REQUEST_METHOD": "GET",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "wsgi.input": BytesIO(b""),
    })
    inner.pop("CONTENT_LENGTH", None)
    inner.pop("CONTENT_TYPE", None)
    inner.pop("RAW_URI", None)
    return inner


def wsgi_text(value):
    """WSGI strings carry raw bytes as latin-1; scripts and file names expect UTF-8."""
    return value.encode("latin-1", "replace").decode("utf-8", "surrogateescape")


application = CgiApp(os.getcwd())
