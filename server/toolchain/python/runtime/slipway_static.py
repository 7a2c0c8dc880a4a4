"""Static files of a Slipway "cgi" app: the files at the app's root, never its code or config.

Refused (404): dotfiles and dot-folders at any depth, __pycache__, Python sources, the root's
slipway.json and README.md, anything under cgi-bin/ (script sources), and any path that leaves
the app folder, also through a symbolic link. Folders are never listed; a folder with an
index.html serves that page.
"""

import mimetypes
import os
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import quote

HIDDEN_AT_ROOT = frozenset({"slipway.json", "readme.md", "cgi-bin"})
HIDDEN_SUFFIXES = (".py", ".pyc")
TEXT_TYPES = frozenset({"application/javascript", "application/json", "image/svg+xml", "application/xml"})


class StaticFiles:
    """Serves GET and HEAD for files under one folder."""

    def __init__(self, root):
        self.root = os.path.realpath(root)

    def serve(self, environ, path, start_response):
        """`path` is the request path decoded from UTF-8 (undecodable bytes kept as surrogates)."""
        segments = [segment for segment in path.split("/") if segment]
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return plain(start_response, "405 Method Not Allowed", "Method not allowed\n",
                         [("Allow", "GET, HEAD")])
        if not allowed(segments):
            return not_found(start_response)
        real = os.path.realpath(os.path.join(self.root, *segments))
        inside = os.path.relpath(real, self.root)
        if inside == os.pardir or inside.startswith(os.pardir + os.sep):
            return not_found(start_response)
        # The link's target is what gets served: it must pass the same rules.
        if inside != "." and not allowed(inside.split(os.sep)):
            return not_found(start_response)
        if os.path.isdir(real):
            if not path.endswith("/"):
                # Relative links in the index page need the trailing slash.
                prefix = environ.get("SCRIPT_NAME", "").encode("latin-1")
                query = environ.get("QUERY_STRING", "")
                location = quote(prefix + path.encode("utf-8", "surrogateescape") + b"/")
                location += f"?{query}" if query else ""
                return plain(start_response, "301 Moved Permanently", "Moved\n", [("Location", location)])
            real = os.path.join(real, "index.html")
            if not os.path.isfile(real):
                return not_found(start_response)
        if not os.path.isfile(real):
            return not_found(start_response)
        return send_file(environ, real, start_response)


def allowed(segments):
    if any(not segment or segment.startswith(".") or segment == "__pycache__" or "\0" in segment
           or segment.endswith(HIDDEN_SUFFIXES) for segment in segments):
        return False
    return not (segments and segments[0].casefold() in HIDDEN_AT_ROOT)


def send_file(environ, path, start_response):
    try:
        file = open(path, "rb")
    except OSError:
        return not_found(start_response)
    info = os.fstat(file.fileno())
    last_modified = formatdate(int(info.st_mtime), usegmt=True)
    headers = [
        ("Last-Modified", last_modified),
        # Revalidate every time: a preview must show a saved change on the next reload.
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if not_modified(environ.get("HTTP_IF_MODIFIED_SINCE"), int(info.st_mtime)):
        file.close()
        start_response("304 Not Modified", headers)
        return []
    headers += [("Content-Type", content_type(path)), ("Content-Length", str(info.st_size))]
    start_response("200 OK", headers)
    if environ.get("REQUEST_METHOD") == "HEAD":
        file.close()
        return []
    wrapper = environ.get("wsgi.file_wrapper")
    return wrapper(file, 65536) if wrapper else read_chunks(file)


def read_chunks(file):
    with file:
        while chunk := file.read(65536):
            yield chunk


def not_modified(header, mtime):
    if not header:
        return False
    try:
        return int(parsedate_to_datetime(header).timestamp()) >= mtime
    except (TypeError, ValueError, OverflowError):
        return False


def content_type(path):
    guessed, encoding = mimetypes.guess_type(path, strict=False)
    if guessed is None or encoding is not None:
        return "application/octet-stream"
    if guessed.startswith("text/") or guessed in TEXT_TYPES:
        return f"{guessed}; charset=utf-8"
    return guessed


def not_found(start_response):
    return plain(start_response, "404 Not Found", "Not found\n")


def plain(start_response, status, text, extra=()):
    body = text.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            *extra])
    return [body]
