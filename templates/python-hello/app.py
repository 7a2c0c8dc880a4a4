"""Hello, WSGI: the smallest Slipway Python app.

Slipway serves the callable named in slipway.json ("app:app": the `app` in this file)
with gunicorn. To try it on your own machine: python3 app.py, then open
http://127.0.0.1:8000/.
"""

import html
import mimetypes
import os
from pathlib import Path
from urllib.parse import parse_qs

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_NAME_LENGTH = 60

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Hello, WSGI</title>
  <link rel="stylesheet" href="{root}/static/style.css">
</head>
<body>
  <main class="card">
    <h1>{greeting}, {name}!</h1>
    <p>This page was rendered by the <code>app</code> function in <code>app.py</code>.</p>
    <form method="get" action="{root}/">
      <label for="name">Your name</label>
      <input id="name" name="name" autocomplete="given-name" maxlength="{max_length}" placeholder="Ada">
      <button type="submit" class="button">Say hello</button>
    </form>
  </main>
</body>
</html>
"""


def app(environ, start_response):
    """The WSGI entry point: one call per HTTP request."""
    path = environ.get("PATH_INFO") or "/"
    if path == "/":
        return hello_page(environ, start_response)
    if path.startswith("/static/"):
        return static_file(path.removeprefix("/static/"), start_response)
    return plain_text("404 Not Found", "Not found\n", start_response)


def hello_page(environ, start_response):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    name = (query.get("name", [""])[0].strip() or "world")[:MAX_NAME_LENGTH]
    greeting = os.environ.get("GREETING", "Hello")
    # Escape everything that comes from outside this file before it goes into HTML.
    body = PAGE.format(
        root=html.escape(environ.get("SCRIPT_NAME", "")),
        greeting=html.escape(greeting),
        name=html.escape(name),
        max_length=MAX_NAME_LENGTH,
    ).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def static_file(relative_path, start_response):
    file = (STATIC_DIR / relative_path).resolve()
    # Refuse paths such as /static/../app.py that climb out of the static folder.
    if not file.is_relative_to(STATIC_DIR) or not file.is_file():
        return plain_text("404 Not Found", "Not found\n", start_response)
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    body = file.read_bytes()
    start_response("200 OK", [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "max-age=300"),
    ])
    return [body]


def plain_text(status, text, start_response):
    body = text.encode("utf-8")
    start_response(status, [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
