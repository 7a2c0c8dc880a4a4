#!/usr/bin/env python3
"""Site inspection checklist, as a classic CGI script (RFC 3875).

The web server runs this file once per request. It reads the request from environment
variables (REQUEST_METHOD, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH) and, for a POST, from
standard input; it writes a header block, an empty line, then the page to standard output.

GET shows the form and the latest inspections; POST saves one inspection.
"""

import fcntl
import html
import json
import os
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

CHECKS = (
    "Fire exits clear",
    "Extinguishers inspected",
    "First-aid kit stocked",
    "Electrical panels closed",
    "Walkways free of hazards",
    "Protective equipment available",
)
MAX_BODY_BYTES = 16 * 1024
MAX_TEXT_LENGTH = 100
MAX_NOTES_LENGTH = 1000
RECENT_COUNT = 5


def data_file():
    """Inspections are appended, one JSON object per line, to a file in the app's data folder."""
    configured = os.environ.get("SLIPWAY_APP_DATA_DIR")
    # Outside Slipway (e.g. on your own machine) fall back to a temporary folder.
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / "python-cgi-scripts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "inspections.jsonl"


def main():
    method = os.environ.get("REQUEST_METHOD", "GET").upper()
    if method in ("GET", "HEAD"):
        respond("200 OK", form_page({}, {}))
    elif method == "POST":
        handle_post()
    else:
        respond("405 Method Not Allowed", message_page("Not allowed", "Use the form to send an inspection."),
                extra_headers=["Allow: GET, HEAD, POST"])


def handle_post():
    fields = read_form()
    if fields is None:
        respond("400 Bad Request", message_page("Bad request", "The form could not be read. Please try again."))
        return
    values = {
        "site": fields.get("site", [""])[0].strip(),
        "inspector": fields.get("inspector", [""])[0].strip(),
        "notes": fields.get("notes", [""])[0].strip(),
        "checked": [check for check in CHECKS if check in fields.get("check", [])],
    }
    errors = validate(values)
    if errors:
        respond("400 Bad Request", form_page(values, errors))
        return
    inspection = {**values, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    append_inspection(inspection)
    missing = len(CHECKS) - len(values["checked"])
    outcome = "All checks passed." if missing == 0 else f"{missing} check(s) not passed: follow up needed."
    respond("200 OK", message_page("Inspection saved", f"{values['site']}: {outcome}", back_to_form=True))


def read_form():
    """The urlencoded POST body as a dict of lists, or None if it is missing or malformed."""
    content_type = os.environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    try:
        length = int(os.environ.get("CONTENT_LENGTH") or "0")
    except ValueError:
        return None
    if content_type != "application/x-www-form-urlencoded" or not 0 < length <= MAX_BODY_BYTES:
        return None
    body = sys.stdin.buffer.read(length)
    try:
        return parse_qs(body.decode("ascii"), keep_blank_values=True, max_num_fields=50, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None


def validate(values):
    errors = {}
    for name, label in (("site", "the site"), ("inspector", "your name")):
        if not values[name]:
            errors[name] = f"Please enter {label}."
        elif len(values[name]) > MAX_TEXT_LENGTH:
            errors[name] = f"Please keep it under {MAX_TEXT_LENGTH} characters."
    if len(values["notes"]) > MAX_NOTES_LENGTH:
        errors["notes"] = f"Please keep the notes under {MAX_NOTES_LENGTH} characters."
    return errors


def append_inspection(inspection):
    # Several copies of this script can run at once: the lock keeps their lines whole.
    with open(data_file(), "a", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        file.write(json.dumps(inspection, ensure_ascii=False) + "\n")


def recent_inspections():
    path = data_file()
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_SH)
        lines = file.readlines()
    inspections = []
    for line in reversed(lines):
        try:
            inspections.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a damaged line should not hide the others
        if len(inspections) == RECENT_COUNT:
            break
    return inspections


def form_page(values, errors):
    escape = html.escape
    action = escape(os.environ.get("SCRIPT_NAME", "checklist.py"))
    checked = set(values.get("checked", ()))
    boxes = "\n".join(
        f'        <label class="check"><input type="checkbox" name="check" value="{escape(check)}"'
        f'{" checked" if check in checked else ""}> {escape(check)}</label>'
        for check in CHECKS
    )
    recent = "\n".join(
        f"      <li><strong>{escape(item['site'])}</strong> · {escape(item['inspector'])} · "
        f"{len(item['checked'])}/{len(CHECKS)} · {escape(item['at'][:10])}</li>"
        for item in recent_inspections()
    ) or "      <li>No inspections yet.</li>"
    content = f"""    <h1>Site inspection</h1>
    <form class="card" method="post" action="{action}">
{text_field("site", "Site", values, errors)}
{text_field("inspector", "Inspector", values, errors)}
      <fieldset>
        <legend>Checks passed</legend>
{boxes}
      </fieldset>
      <div class="field">
        <label for="notes">Notes</label>
        <textarea id="notes" name="notes" rows="3" maxlength="{MAX_NOTES_LENGTH}">{escape(values.get("notes", ""))}</textarea>
        {error_html("notes", errors)}
      </div>
      <button class="button" type="submit">Save inspection</button>
    </form>
    <h2>Latest inspections</h2>
    <ul class="recent">
{recent}
    </ul>"""
    return layout("Site inspection", content)


def text_field(name, label, values, errors):
    invalid = f' aria-invalid="true" aria-describedby="{name}-error"' if name in errors else ""
    return f"""      <div class="field">
        <label for="{name}">{label}</label>
        <input id="{name}" name="{name}" value="{html.escape(values.get(name, ""))}" maxlength="{MAX_TEXT_LENGTH}" required{invalid}>
        {error_html(name, errors)}
      </div>"""


def error_html(name, errors):
    return f'<p class="error" id="{name}-error">{html.escape(errors[name])}</p>' if name in errors else ""


def message_page(title, message, back_to_form=False):
    link = (f'<a class="button" href="{html.escape(os.environ.get("SCRIPT_NAME", "checklist.py"))}">New inspection</a>'
            if back_to_form else "")
    content = f"""    <section class="card">
      <h1>{html.escape(title)}</h1>
      <p>{html.escape(message)}</p>
      {link}
    </section>"""
    return layout(title, content)


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
