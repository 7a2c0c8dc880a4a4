"""Expense reports: a small WSGI app that records expenses with a receipt photo.

Slipway serves `app` (see "entry" in slipway.json) with gunicorn. It uses three platform
services through the Slipway SDK (`import slipway`), listed under "services" in slipway.json:
the datastore keeps the expenses, the Images service resizes receipt photos, and users tells
who is signed in.

  app.py            routing, request handling and error pages (this file)
  pages.py          the HTML pages
  expense_store.py  expenses and receipt images in the datastore
  receipt_photos.py resizing receipt photos with the Images service
  multipart_form.py reading forms with file uploads
"""

import html
import logging
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import slipway
from slipway import users

import pages
import receipt_photos
from expense_store import ExpenseStore
from multipart_form import BodyTooLarge, FormError, read_form

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_AMOUNT_CENTS = 100_000_000
MAX_DESCRIPTION_LENGTH = 500

NOT_ON_SLIPWAY = ("This app keeps its expenses in the Slipway datastore, which it can only reach "
                  "when it runs on Slipway: open it in the preview, or publish it.")

# How a failed platform service call is shown: the first class that matches the error wins.
SERVICE_PROBLEMS = (
    (slipway.NotOnSlipwayError, "503 Service Unavailable", "Not running on Slipway", NOT_ON_SLIPWAY),
    (slipway.TooManyRequestsError, "429 Too Many Requests", "Busy",
     "Too many requests at once. Please wait a moment and try again."),
    (slipway.TooLargeError, "413 Content Too Large", "Too large", "That is more than the app can store."),
    (slipway.ForbiddenError, "403 Forbidden", "Not allowed", "The platform refused this request."),
    (slipway.InvalidInputError, "400 Bad Request", "That did not work",
     "The platform could not carry out this request."),
    (slipway.SlipwayError, "503 Service Unavailable", "Please try again",
     "The expense store could not be reached just now. Please try again in a moment."),
)

log = logging.getLogger("expense-reports")


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
            ("GET", re.compile(r"/expenses/(\d{1,19})"), self.show_expense),
            ("POST", re.compile(r"/expenses/(\d{1,19})/delete"), self.delete_expense),
            ("GET", re.compile(r"/expenses/(\d{1,19})/(receipt|thumbnail)"), self.show_receipt),
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
            except slipway.SlipwayError as error:
                return service_problem(root, error)
        if allowed:
            response = html_page(pages.problem(root, "Not allowed", "That does not work here."),
                                 "405 Method Not Allowed")
            response.headers.append(("Allow", ", ".join(allowed)))
            return response
        return not_found(root)

    def list_expenses(self, environ, root):
        """The start page: the signed-in user's expenses, or everyone's (?view=all)."""
        user = users.current(environ)  # None when the app's access is "public"
        query = parse_qs(environ.get("QUERY_STRING", ""))
        view = "mine" if user is not None and query.get("view", ["mine"])[0] == "mine" else "all"
        submitter_id = user.id if user is not None and view == "mine" else None
        cursor = query.get("cursor", [None])[0]
        try:
            expenses, next_cursor = self.store.list(submitter_id, cursor)
        except slipway.NotOnSlipwayError:
            # Started outside Slipway (python3 app.py): the start page still opens and says why it is empty.
            return html_page(pages.expense_list(root, [], view, notice=NOT_ON_SLIPWAY))
        page = pages.expense_list(root, expenses, view, signed_in=user is not None, cursor=cursor,
                                  next_cursor=next_cursor)
        return html_page(page)

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
        if upload and not errors:  # a form with mistakes comes back without its file anyway
            try:
                receipt = receipt_photos.prepare(upload.data, upload.filename)
            except receipt_photos.PhotoError as error:
                errors["receipt"] = str(error)
        if errors:
            page = pages.expense_form(root, values, errors, date.today().isoformat())
            return html_page(page, "400 Bad Request")
        submitter = users.current(environ)
        expense = self.store.create(spent_on, amount_cents, values["category"], values["description"],
                                    submitter, receipt)
        return see_other(f"{environ.get('SCRIPT_NAME', '')}/expenses/{expense.id}")

    def show_expense(self, environ, root, expense_id):
        expense = self.store.get(int(expense_id))
        if expense is None:
            return not_found(root)
        return html_page(pages.expense_detail(root, expense, may_delete(users.current(environ), expense)))

    def delete_expense(self, environ, root, expense_id):
        expense = self.store.get(int(expense_id))
        if expense is None:
            return not_found(root)
        if not may_delete(users.current(environ), expense):
            message = "Only the person who submitted this expense can delete it."
            return html_page(pages.problem(root, "Not yours", message), "403 Forbidden")
        self.store.delete(expense)
        return see_other(f"{environ.get('SCRIPT_NAME', '')}/")

    def show_receipt(self, environ, root, expense_id, size):
        """The receipt photo (size "receipt") or its thumbnail, as stored."""
        expense = self.store.get(int(expense_id))
        if expense is None:
            return not_found(root)
        key = expense.receipt_photo if size == "receipt" else expense.receipt_thumbnail
        image = self.store.image(key) if key is not None else None
        if image is None:
            return not_found(root)
        return Response("200 OK", image.data, [
            ("Content-Type", image.content_type),
            # A stored image never changes: a new photo means a new expense.
            ("Cache-Control", "private, max-age=86400"),
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


def may_delete(user, expense):
    """Whoever submitted an expense may delete it; one saved by nobody signed in, anyone may."""
    return expense.submitter_id is None or (user is not None and user.id == expense.submitter_id)


def not_found(root):
    return html_page(pages.problem(root, "Not found", "There is nothing here."), "404 Not Found")


def service_problem(root, error):
    """A friendly page for a failed platform service call; the error itself goes to the app log."""
    log.warning("platform service call failed: %r", error)
    status, title, message = next(problem[1:] for problem in SERVICE_PROBLEMS if isinstance(error, problem[0]))
    response = html_page(pages.problem(root, title, message, error.detail), status)
    if isinstance(error, slipway.TooManyRequestsError) and error.retry_after:
        response.headers.append(("Retry-After", str(error.retry_after)))
    return response


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


app = ExpenseApp(ExpenseStore(slipway.datastore))

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000/ (saving needs the Slipway platform services)")
        server.serve_forever()
