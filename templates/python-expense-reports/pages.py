"""The HTML pages of the app. Every value from outside goes through `escape` on its way in."""

from html import escape

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


def expense_list(root, expenses):
    total = sum(expense.amount_cents for expense in expenses)
    noun = "expense" if len(expenses) == 1 else "expenses"
    rows = "\n".join(_list_row(root, expense) for expense in expenses)
    empty = "" if expenses else f"""
    <section class="card empty">
      <p>No expenses yet.</p>
      <a class="button" href="{root}/expenses/new">Add your first expense</a>
    </section>"""
    content = f"""    <h1>Expenses</h1>
    <p class="summary">{len(expenses)} {noun}, {money(total)} in total</p>{empty}
    <ul class="expense-list">
{rows}
    </ul>"""
    return layout(root, "Expenses", content)


def _list_row(root, expense):
    photo = '<span class="has-photo" title="Receipt attached">📎</span>' if expense.receipt_file else ""
    return f"""      <li>
        <a class="expense-row" href="{root}/expenses/{expense.id}">
          <span class="expense-title">{escape(expense.category)}{photo}</span>
          <span class="amount">{money(expense.amount_cents)}</span>
          <span class="expense-meta">{expense.spent_on.isoformat()} · {escape(_shorten(expense.description))}</span>
        </a>
      </li>"""


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


def expense_detail(root, expense):
    photo = ""
    if expense.receipt_file:
        photo = f"""
      <figure class="receipt">
        <img src="{root}/expenses/{expense.id}/receipt" alt="Receipt photo for expense {expense.id}">
        <figcaption>{escape(expense.receipt_name or "receipt")}</figcaption>
      </figure>"""
    content = f"""    <article class="card">
      <h1>{escape(expense.category)} · {money(expense.amount_cents)}</h1>
      <dl class="facts">
        <dt>Date</dt><dd>{expense.spent_on.isoformat()}</dd>
        <dt>Category</dt><dd>{escape(expense.category)}</dd>
        <dt>Amount</dt><dd class="amount">{money(expense.amount_cents)}</dd>
        <dt>Description</dt><dd class="description">{escape(expense.description)}</dd>
      </dl>{photo}
    </article>
    <form method="post" action="{root}/expenses/{expense.id}/delete">
      <button class="button danger" type="submit">Delete expense</button>
    </form>
    <a class="button secondary" href="{root}/">Back to the list</a>"""
    return layout(root, f"Expense {expense.id}", content)


def problem(root, title, message):
    content = f"""    <section class="card">
      <h1>{escape(title)}</h1>
      <p>{escape(message)}</p>
      <a class="button secondary" href="{root}/">Back to the list</a>
    </section>"""
    return layout(root, title, content)
