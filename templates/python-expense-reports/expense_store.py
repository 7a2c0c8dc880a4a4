"""Stores expense reports in SQLite and their receipt photos as files, both in one data folder."""

import os
import secrets
import sqlite3
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

# Only image formats that browsers show and that cannot carry scripts are accepted; the type is
# read from the file's first bytes, never taken from the upload's claimed type or name.
# (WebP is checked on its own: its signature has the file size in the middle.)
RECEIPT_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS expense (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    spent_on      TEXT    NOT NULL,
    amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
    category      TEXT    NOT NULL,
    description   TEXT    NOT NULL,
    receipt_file  TEXT,
    receipt_type  TEXT,
    receipt_name  TEXT,
    created_at    TEXT    NOT NULL
)
"""


@dataclass(frozen=True)
class Receipt:
    """A receipt photo about to be saved."""

    data: bytes
    content_type: str
    extension: str
    original_name: str


@dataclass(frozen=True)
class Expense:
    """One saved expense. The receipt fields are None when no photo was attached."""

    id: int
    spent_on: date
    amount_cents: int
    category: str
    description: str
    receipt_file: str | None
    receipt_type: str | None
    receipt_name: str | None
    created_at: str


def receipt_from_upload(data, original_name):
    """A Receipt if the bytes are a JPEG, PNG, GIF or WebP image, else None."""
    webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if webp:
        return Receipt(data, "image/webp", ".webp", original_name)
    for signature, content_type, extension in RECEIPT_SIGNATURES:
        if data.startswith(signature):
            return Receipt(data, content_type, extension, original_name)
    return None


class ExpenseStore:
    """All expenses of this app. Safe to share between threads: each call opens its own connection."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.receipts_dir = self.data_dir / "receipts"
        self.receipts_dir.mkdir(parents=True, exist_ok=True)
        self.database_path = self.data_dir / "expenses.sqlite3"
        with self._connection() as connection:
            # WAL lets readers continue while a request writes.
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(SCHEMA)

    def list(self):
        """All expenses, most recent first."""
        with self._connection() as connection:
            rows = connection.execute("SELECT * FROM expense ORDER BY spent_on DESC, id DESC").fetchall()
        return [_expense_from_row(row) for row in rows]

    def get(self, expense_id):
        """The expense with this id, or None."""
        with self._connection() as connection:
            row = connection.execute("SELECT * FROM expense WHERE id = ?", (expense_id,)).fetchone()
        return _expense_from_row(row) if row else None

    def create(self, spent_on, amount_cents, category, description, receipt=None):
        """Saves a new expense (and its receipt photo) and returns it."""
        receipt_file = self._save_receipt(receipt) if receipt else None
        try:
            with self._connection() as connection:
                cursor = connection.execute(
                    "INSERT INTO expense (spent_on, amount_cents, category, description,"
                    " receipt_file, receipt_type, receipt_name, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        spent_on.isoformat(), amount_cents, category, description, receipt_file,
                        receipt.content_type if receipt else None,
                        receipt.original_name if receipt else None,
                        datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    ),
                )
                expense_id = cursor.lastrowid
        except BaseException:
            if receipt_file:
                (self.receipts_dir / receipt_file).unlink(missing_ok=True)
            raise
        return self.get(expense_id)

    def delete(self, expense_id):
        """Deletes an expense and its photo; returns False if there was no such expense."""
        expense = self.get(expense_id)
        if expense is None:
            return False
        with self._connection() as connection:
            connection.execute("DELETE FROM expense WHERE id = ?", (expense_id,))
        if expense.receipt_file:
            (self.receipts_dir / expense.receipt_file).unlink(missing_ok=True)
        return True

    def receipt_path(self, expense):
        """Where the expense's photo is stored, or None if it has none."""
        return self.receipts_dir / expense.receipt_file if expense.receipt_file else None

    def _save_receipt(self, receipt):
        # A random name: nothing the user typed ever becomes part of a path.
        file_name = secrets.token_hex(16) + receipt.extension
        target = self.receipts_dir / file_name
        temporary = target.with_suffix(".part")
        # Write a temporary file and rename it, so a photo is either complete or absent.
        with open(temporary, "wb") as file:
            file.write(receipt.data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        return file_name

    @contextmanager
    def _connection(self):
        """A connection that commits on success, rolls back on error, and is always closed."""
        with closing(sqlite3.connect(self.database_path, timeout=10)) as connection:
            connection.row_factory = sqlite3.Row
            with connection:
                yield connection


def _expense_from_row(row):
    return Expense(
        id=row["id"],
        spent_on=date.fromisoformat(row["spent_on"]),
        amount_cents=row["amount_cents"],
        category=row["category"],
        description=row["description"],
        receipt_file=row["receipt_file"],
        receipt_type=row["receipt_type"],
        receipt_name=row["receipt_name"],
        created_at=row["created_at"],
    )
