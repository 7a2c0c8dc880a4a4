#!/usr/bin/env python3
"""Spare parts lookup, as a classic CGI script (RFC 3875).

The web server runs this file once per request; the search words arrive in the
QUERY_STRING environment variable (?q=valve), and the page goes to standard output
after a header block and an empty line.
"""

import html
import os
import sys
from urllib.parse import parse_qs

# A real app would read this from a database or another system (see the URL Fetch service).
PARTS = (
    {"sku": "VLV-1020", "name": "Ball valve 1/2 in, brass", "bin": "A-03", "stock": 42},
    {"sku": "VLV-1032", "name": "Check valve 3/4 in", "bin": "A-04", "stock": 7},
    {"sku": "FLT-2201", "name": "Air filter, pleated 20x20", "bin": "B-11", "stock": 0},
    {"sku": "FLT-2205", "name": "Water filter cartridge", "bin": "B-12", "stock": 15},
    {"sku": "BLT-3310", "name": "V-belt A42", "bin": "C-02", "stock": 3},
    {"sku": "FUS-4100", "name": "Fuse 10 A, slow blow", "bin": "D-07", "stock": 120},
    {"sku": "GSK-5012", "name": "Pump gasket set", "bin": "C-09", "stock": 11},
    {"sku": "BRG-6204", "name": "Ball bearing 6204-2RS", "bin": "C-05", "stock": 24},
)
MAX_QUERY_LENGTH = 60
MAX_RESULTS = 20


def main():
    method = os.environ.get("REQUEST_METHOD", "GET").upper()
    if method not in ("GET", "HEAD"):
        respond("405 Method Not Allowed", layout("Not allowed", "    <p>Use the search form.</p>"),
                extra_headers=["Allow: GET, HEAD"])
        return
    query = parse_qs(os.environ.get("QUERY_STRING", "")).get("q", [""])[0].strip()[:MAX_QUERY_LENGTH]
    respond("200 OK", search_page(query, find_parts(query) if query else []))


def find_parts(query):
    """Parts whose number or name contains every word of the query, ignoring case."""
    words = query.casefold().split()
    return [
        part for part in PARTS
        if all(word in f"{part['sku']} {part['name']}".casefold() for word in words)
    ][:MAX_RESULTS]


def search_page(query, parts):
    escape = html.escape
    action = escape(os.environ.get("SCRIPT_NAME", "lookup.py"))
    if not query:
        results = ""
    elif not parts:
        results = f"    <p class=\"summary\">No parts match “{escape(query)}”.</p>"
    else:
        rows = "\n".join(
            f"""      <li class="part">
        <span class="part-name">{escape(part["name"])}</span>
        <span class="part-meta">{escape(part["sku"])} · bin {escape(part["bin"])}</span>
        <span class="stock{' out' if part["stock"] == 0 else ''}">{part["stock"]} in stock</span>
      </li>"""
            for part in parts
        )
        results = f"""    <p class="summary">{len(parts)} part(s) match “{escape(query)}”.</p>
    <ul class="parts">
{rows}
    </ul>"""
    content = f"""    <h1>Spare parts</h1>
    <form class="card search" method="get" action="{action}" role="search">
      <label for="q">Part name or number</label>
      <input id="q" name="q" type="search" value="{escape(query)}" maxlength="{MAX_QUERY_LENGTH}" placeholder="e.g. valve">
      <button class="button" type="submit">Search</button>
    </form>
{results}"""
    return layout("Spare parts", content)


def layout(title, content):
    # Links are relative to /cgi-bin/, so the app works under any URL prefix.
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(title)}</title>
  <link rel="stylesheet" href="../style.css">
</head>
<body>
  <header class="top-bar"><a class="brand" href="../">Field tools</a></header>
  <main>
{content}
  </main>
</body>
</html>
"""


def respond(status, page, extra_headers=()):
    """Writes a CGI response: header lines, an empty line, then the body (none for HEAD)."""
    headers = [f"Status: {status}", "Content-Type: text/html; charset=utf-8", *extra_headers]
    output = sys.stdout.buffer
    # RFC 3875 ends each header line with a newline; servers accept LF (and CR LF).
    output.write(("\n".join(headers) + "\n\n").encode("ascii"))
    if os.environ.get("REQUEST_METHOD", "GET").upper() != "HEAD":
        output.write(page.encode("utf-8"))
    output.flush()


if __name__ == "__main__":
    main()
