"""The HTML pages of the app. Every value from outside goes through `escape` on its way in."""

from html import escape
from urllib.parse import urlencode

CATEGORIES = ("Travel", "Meals", "Lodging", "Mileage", "Supplies", "Other")


def layout(root, title, content):
    """A complete page around `content`, which must already be safe HTML; `root` is the escaped URL prefix."""
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{escape(title)} · Expense reports</title>
  <link rel="stylesheet" href="{root}/static/style.css">
</head>
<body>
  <header class="top-bar">
    <a class="brand" href="{root}/">Expense reports</a>
    <a class="top-action" href="{root}/expenses/new">+ New</a>
  </header>
  <main>
{content}
  </main>
</body>
</html>
"""


def money(cents):
    return f"{cents // 100:,}.{cents % 100:02d}"


def expense_list(root, expenses, view="all", signed_in=False, cursor=None, next_cursor=None, notice=None):
    """One page of the expense list.

    `view` is "mine" or "all" (with tabs to switch when `signed_in`); `cursor` is this page's
    cursor (None on the first page) and `next_cursor` the next page's; a `notice` stands in for
    the list when it could not be read.
    """
    if notice:
        body = f"""
    <section class="card notice" role="status">
      <p>{escape(notice)}</p>
    </section>"""
    elif not expenses:
        first_page = cursor is None
        body = f"""
    <section class="card empty">
      <p>{"No expenses yet." if first_page else "No older expenses."}</p>
      <a class="button" href="{root}/expenses/new">Add {"your first" if first_page else "an"} expense</a>
    </section>"""
    else:
        total = sum(expense.amount_cents for expense in expenses)
        noun = "expense" if len(expenses) == 1 else "expenses"
        on_page = " on this page" if cursor or next_cursor else ""
        rows = "\n".join(_list_row(root, expense, show_submitter=view == "all") for expense in expenses)
        more = f"""
    <a class="button secondary" href="{_list_url(root, view, next_cursor)}">Older expenses</a>""" if next_cursor else ""
        body = f"""
    <p class="summary">{len(expenses)} {noun}, {money(total)} in total{on_page}</p>
    <ul class="expense-list">
{rows}
    </ul>{more}"""
    content = f"""    <h1>Expenses</h1>{_view_tabs(root, view) if signed_in else ""}{body}"""
    return layout(root, "Expenses", content)


_CURRENT = ' aria-current="page"'


def _view_tabs(root, view):
    tabs = "".join(
        f'<a href="{_list_url(root, name)}"{_CURRENT if name == view else ""}>{label}</a>'
        for name, label in (("mine", "Mine"), ("all", "Everyone"))
    )
    return f'\n    <nav class="views" aria-label="Whose expenses">{tabs}</nav>'


def _list_url(root, view, cursor=None):
    query = {"view": view, **({"cursor": cursor} if cursor else {})}
    return f"{root}/?{escape(urlencode(query))}"


def _list_row(root, expense, show_submitter):
    if expense.has_receipt:
        picture = (f'<img class="thumbnail" src="{root}/expenses/{expense.id}/thumbnail" alt="Receipt attached"'
                   ' width="48" height="48" loading="lazy">')
    else:
        picture = '<span class="thumbnail" aria-hidden="true"></span>'
    meta = [expense.spent_on.isoformat(), _shorten(expense.description)]
    if show_submitter:
        meta.append(submitter_label(expense))
    return f"""      <li>
        <a class="expense-row" href="{root}/expenses/{expense.id}">
          {picture}
          <span class="expense-title">{escape(expense.category)} {_status_badge(expense)}</span>
          <span class="amount">{money(expense.amount_cents)}</span>
          <span class="expense-meta">{escape(" · ".join(meta))}</span>
        </a>
      </li>"""


def submitter_label(expense):
    """Who submitted the expense, for display."""
    return expense.submitter_name or ("Someone" if expense.submitter_id else "Not signed in")


def _status_badge(expense):
    return f'<span class="status status-{escape(expense.status)}">{escape(expense.status.capitalize())}</span>'


def _shorten(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expense_form(root, values, errors, today):
    """The new-expense form; `values` refills it and `errors` explains what to fix."""
    options = "\n".join(
        f'          <option{" selected" if values.get("category") == category else ""}>{escape(category)}</option>'
        for category in CATEGORIES
    )
    content = f"""    <h1>New expense</h1>
    <form class="card" method="post" action="{root}/expenses" enctype="multipart/form-data" novalidate>
      <div class="field">
        <label for="spent_on">Date</label>
        <input id="spent_on" name="spent_on" type="date" value="{escape(values.get("spent_on", today))}" required{_invalid("spent_on", errors)}>
        {_error("spent_on", errors)}
      </div>
      <div class="field">
        <label for="amount">Amount</label>
        <input id="amount" name="amount" type="text" inputmode="decimal" placeholder="0.00" value="{escape(values.get("amount", ""))}" required{_invalid("amount", errors)}>
        {_error("amount", errors)}
      </div>
      <div class="field">
        <label for="category">Category</label>
        <select id="category" name="category"{_invalid("category", errors)}>
{options}
        </select>
        {_error("category", errors)}
      </div>
      <div class="field">
        <label for="description">Description</label>
        <textarea id="description" name="description" rows="3" maxlength="500" required{_invalid("description", errors)}>{escape(values.get("description", ""))}</textarea>
        {_error("description", errors)}
      </div>
      <div class="field">
        <label for="receipt">Receipt photo (optional)</label>
        <input id="receipt" name="receipt" type="file" accept="image/jpeg,image/png,image/webp,image/gif"{_invalid("receipt", errors)}>
        {_error("receipt", errors)}
      </div>
      <button class="button" type="submit">Save expense</button>
    </form>"""
    return layout(root, "New expense", content)


def _invalid(name, errors):
    return f' aria-invalid="true" aria-describedby="{name}-error"' if name in errors else ""


def _error(name, errors):
    return f'<p class="error" id="{name}-error">{escape(errors[name])}</p>' if name in errors else ""


def expense_detail(root, expense, can_delete):
    """One expense with its receipt photo; the delete button only for those who may delete it."""
    photo = ""
    if expense.has_receipt:
        photo = f"""
      <figure class="receipt">
        <img src="{root}/expenses/{expense.id}/receipt" alt="Receipt photo for expense {expense.id}">
        <figcaption>{escape(expense.receipt_name or "receipt")}</figcaption>
      </figure>"""
    delete = f"""
    <form method="post" action="{root}/expenses/{expense.id}/delete">
      <button class="button danger" type="submit">Delete expense</button>
    </form>""" if can_delete else ""
    content = f"""    <article class="card">
      <h1>{escape(expense.category)} · {money(expense.amount_cents)}</h1>
      <dl class="facts">
        <dt>Date</dt><dd>{expense.spent_on.isoformat()}</dd>
        <dt>Category</dt><dd>{escape(expense.category)}</dd>
        <dt>Amount</dt><dd class="amount">{money(expense.amount_cents)}</dd>
        <dt>Description</dt><dd class="description">{escape(expense.description)}</dd>
        <dt>Submitted by</dt><dd>{escape(submitter_label(expense))}</dd>
        <dt>Status</dt><dd>{_status_badge(expense)}</dd>
      </dl>{photo}
    </article>{delete}
    <a class="button secondary" href="{root}/">Back to the list</a>"""
    return layout(root, f"Expense {expense.id}", content)


def problem(root, title, message, detail=None):
    """A page that explains what went wrong; `detail` (say, the platform's reason) is folded away."""
    more = f"""
      <details>
        <summary>Details</summary>
        <p>{escape(detail)}</p>
      </details>""" if detail else ""
    content = f"""    <section class="card">
      <h1>{escape(title)}</h1>
      <p>{escape(message)}</p>{more}
      <a class="button secondary" href="{root}/">Back to the list</a>
    </section>"""
    return layout(root, title, content)
