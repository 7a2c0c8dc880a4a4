"""Expense reports: a small WSGI app that records expenses with a receipt photo.

Slipway serves `app` (see "entry" in slipway.json) with gunicorn. To try it on your own
machine: python3 app.py, then open http://127.0.0.1:8000/.

  app.py            routing and request handling (this file)
  pages.py          the HTML pages
  expense_store.py  SQLite database and receipt files
  multipart_form.py reading forms with file uploads
"""

import html
import mimetypes
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pages
from expense_store import ExpenseStore, receipt_from_upload
from multipart_form import BodyTooLarge, FormError, read_form

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_AMOUNT_CENTS = 100_000_000
MAX_DESCRIPTION_LENGTH = 500


def data_dir():
    """The platform gives every app a private, persistent folder in SLIPWAY_APP_DATA_DIR."""
    configured = os.environ.get("SLIPWAY_APP_DATA_DIR")
    # Outside Slipway (e.g. on your own machine) fall back to a temporary folder.
    return Path(configured) if configured else Path(tempfile.gettempdir()) / "python-expense-reports"


@dataclass
class Response:
    """What a handler returns; ExpenseApp turns it into the WSGI response."""

    status: str
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


def html_page(page, status="200 OK"):
    """A complete HTML page that browsers must not cache (it shows live data)."""
    return Response(status, page.encode("utf-8"), [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ])


def see_other(location):
    """Answers a form POST by sending the browser to a page (Post/Redirect/Get)."""
    body = f"See {location}\n".encode("utf-8")
    return Response("303 See Other", body, [("Location", location), ("Content-Type", "text/plain; charset=utf-8")])


class ExpenseApp:
    """The WSGI application: calling it handles one request."""

    def __init__(self, store):
        self.store = store
        self.routes = [
            ("GET", re.compile(r"/"), self.list_expenses),
            ("GET", re.compile(r"/expenses"), self.list_expenses),
            ("GET", re.compile(r"/expenses/new"), self.new_expense),
            ("POST", re.compile(r"/expenses"), self.create_expense),
            ("GET", re.compile(r"/expenses/(\d+)"), self.show_expense),
            ("POST", re.compile(r"/expenses/(\d+)/delete"), self.delete_expense),
            ("GET", re.compile(r"/expenses/(\d+)/receipt"), self.show_receipt),
            ("GET", re.compile(r"/static/([\w.-]+)"), self.static_file),
        ]

    def __call__(self, environ, start_response):
        response = self.dispatch(environ)
        headers = [*response.headers, ("Content-Length", str(len(response.body))),
                   ("X-Content-Type-Options", "nosniff")]
        start_response(response.status, headers)
        return [response.body] if environ["REQUEST_METHOD"] != "HEAD" else []

    def dispatch(self, environ):
        root = html.escape(environ.get("SCRIPT_NAME", ""))
        method = "GET" if environ["REQUEST_METHOD"] == "HEAD" else environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        allowed = []
        for route_method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if not match:
                continue
            if route_method != method:
                allowed.append(route_method)
                continue
            try:
                return handler(environ, root, *match.groups())
            except BodyTooLarge:
                limit = MAX_UPLOAD_BYTES // (1024 * 1024)
                return html_page(pages.problem(root, "Too large", f"Photos can be up to {limit} MB."),
                                 "413 Content Too Large")
            except FormError as error:
                return html_page(pages.problem(root, "Bad request", str(error)), "400 Bad Request")
        if allowed:
            response = html_page(pages.problem(root, "Not allowed", "That does not work here."),
                                 "405 Method Not Allowed")
            response.headers.append(("Allow", ", ".join(allowed)))
            return response
        return not_found(root)

    def list_expenses(self, environ, root):
        return html_page(pages.expense_list(root, self.store.list()))

    def new_expense(self, environ, root):
        return html_page(pages.expense_form(root, {}, {}, date.today().isoformat()))

    def create_expense(self, environ, root):
        form = read_form(environ, MAX_UPLOAD_BYTES)
        values = {name: form.get(name).strip() for name in ("spent_on", "amount", "category", "description")}
        errors = {}
        spent_on = parse_date(values["spent_on"], errors)
        amount_cents = parse_amount(values["amount"], errors)
        if values["category"] not in pages.CATEGORIES:
            errors["category"] = "Pick one of the categories."
        if not values["description"]:
            errors["description"] = "Please say what it was for."
        elif len(values["description"]) > MAX_DESCRIPTION_LENGTH:
            errors["description"] = f"Please keep it under {MAX_DESCRIPTION_LENGTH} characters."
        receipt = None
        upload = form.files.get("receipt")
        if upload:
            receipt = receipt_from_upload(upload.data, upload.filename)
            if receipt is None:
                errors["receipt"] = "The receipt must be a JPEG, PNG, WebP or GIF photo."
        if errors:
            page = pages.expense_form(root, values, errors, date.today().isoformat())
            return html_page(page, "400 Bad Request")
        expense = self.store.create(spent_on, amount_cents, values["category"], values["description"], receipt)
        return see_other(f"{environ.get('SCRIPT_NAME', '')}/expenses/{expense.id}")

    def show_expense(self, environ, root, expense_id):
        expense = self.store.get(int(expense_id))
        return html_page(pages.expense_detail(root, expense)) if expense else not_found(root)

    def delete_expense(self, environ, root, expense_id):
        if not self.store.delete(int(expense_id)):
            return not_found(root)
        return see_other(f"{environ.get('SCRIPT_NAME', '')}/")

    def show_receipt(self, environ, root, expense_id):
        expense = self.store.get(int(expense_id))
        path = self.store.receipt_path(expense) if expense else None
        if path is None or not path.is_file():
            return not_found(root)
        return Response("200 OK", path.read_bytes(), [
            ("Content-Type", expense.receipt_type),
            ("Cache-Control", "private, max-age=3600"),
            # Even if a file were not the image it claims to be, it could run nothing here.
            ("Content-Security-Policy", "default-src 'none'; sandbox"),
        ])

    def static_file(self, environ, root, name):
        # The route allows no slashes, so a name cannot climb out of the static folder.
        path = STATIC_DIR / name
        if not path.is_file():
            return not_found(root)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response("200 OK", path.read_bytes(), [
            ("Content-Type", content_type),
            ("Cache-Control", "max-age=300"),
        ])


def not_found(root):
    return html_page(pages.problem(root, "Not found", "There is nothing here."), "404 Not Found")


def parse_date(text, errors):
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors["spent_on"] = "Enter a date like 2026-03-31."
        return None


def parse_amount(text, errors):
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text):
        errors["amount"] = "Enter an amount like 12.50."
        return None
    cents = int(Decimal(text) * 100)
    if not 0 < cents <= MAX_AMOUNT_CENTS:
        errors["amount"] = f"The amount must be more than 0 and at most {pages.money(MAX_AMOUNT_CENTS)}."
        return None
    return cents


app = ExpenseApp(ExpenseStore(data_dir()))

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/")
        server.serve_forever()
