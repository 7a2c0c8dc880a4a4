"""Stores expenses and their receipt photos in the Slipway datastore.

Two kinds of entities:

  Expense       one expense: spent_on (a UTC datetime: midnight of the day), amount_cents (int),
                category, description, status, submitter_id and submitter_name (None when
                nobody was signed in), created_at, and, when it has a receipt: receipt_name (the
                file name the phone sent) and the keys of its receipt_photo and receipt_thumbnail
  ReceiptImage  one JPEG: data (bytes), content_type, width, height; keyed by a random name

Photos are separate entities so that listing expenses does not load them. Their keys are
random names made here, so one put writes an expense and its images together, or none of them.

"My expenses" filters by submitter_id and sorts by spent_on: a query on two properties, which
needs the composite index declared in slipway.json under "datastore".
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from slipway.datastore import Entity, Key

EXPENSE_KIND = "Expense"
IMAGE_KIND = "ReceiptImage"
PAGE_SIZE = 50
# The datastore's numeric ids run from 1 to 2**63 - 1; anything else in a URL is no expense.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Expense:
    """One saved expense. The receipt fields are None when no photo was attached."""

    id: int
    spent_on: date
    amount_cents: int
    category: str
    description: str
    status: str
    submitter_id: str | None
    submitter_name: str | None
    receipt_name: str | None
    receipt_photo: Key | None
    receipt_thumbnail: Key | None

    @property
    def has_receipt(self):
        return self.receipt_photo is not None


@dataclass(frozen=True)
class StoredImage:
    """A receipt image as stored: JPEG bytes and their content type."""

    data: bytes
    content_type: str


class ExpenseStore:
    """All expenses of this app, in the datastore it is given (`slipway.datastore` on Slipway)."""

    def __init__(self, datastore):
        self.datastore = datastore

    def list(self, submitter_id=None, cursor=None):
        """One page of expenses, the latest spent first: (expenses, cursor of the next page or None).

        With `submitter_id`, only that user's expenses. `cursor` continues a previous page.
        """
        query = self.datastore.query(EXPENSE_KIND)
        if submitter_id is not None:
            query = query.filter("submitter_id", "=", submitter_id)
        # Expenses of the same day come newest first: ties are broken by key, in the sort's direction.
        query = query.order("spent_on", descending=True).limit(PAGE_SIZE).start_cursor(cursor)
        page = query.fetch()
        return [_expense_from_entity(entity) for entity in page], page.cursor

    def get(self, expense_id):
        """The expense with this id, or None."""
        if not 1 <= expense_id <= MAX_ID:
            return None
        entity = self.datastore.get(Key(EXPENSE_KIND, expense_id))
        return _expense_from_entity(entity) if entity is not None else None

    def create(self, spent_on, amount_cents, category, description, submitter=None, receipt=None):
        """Saves a new expense, and its receipt photos (receipt_photos.ReceiptPhotos) if given.

        `submitter` is the signed-in slipway.users.User, or None.
        """
        expense = Entity(Key(EXPENSE_KIND), {
            "spent_on": datetime.combine(spent_on, time(), tzinfo=timezone.utc),
            "amount_cents": amount_cents,
            "category": category,
            "description": description,
            "status": "submitted",
            "submitter_id": submitter.id if submitter else None,
            "submitter_name": (submitter.name or submitter.email) if submitter else None,
            "created_at": datetime.now(timezone.utc),
            "receipt_name": None,
            "receipt_photo": None,
            "receipt_thumbnail": None,
        })
        entities = [expense]
        if receipt is not None:
            photo, thumbnail = _image_entity(receipt.photo), _image_entity(receipt.thumbnail)
            expense.update(receipt_name=receipt.original_name, receipt_photo=photo.key,
                           receipt_thumbnail=thumbnail.key)
            entities += [photo, thumbnail]
        # One call: the expense gets its id, and everything is written or nothing is.
        self.datastore.put_multi(entities)
        return _expense_from_entity(expense)

    def delete(self, expense):
        """Deletes an expense and its receipt photos."""
        keys = [Key(EXPENSE_KIND, expense.id)]
        keys += [key for key in (expense.receipt_photo, expense.receipt_thumbnail) if key is not None]
        self.datastore.delete_multi(keys)

    def image(self, key):
        """The stored receipt image with this key, or None."""
        entity = self.datastore.get(key)
        return StoredImage(entity["data"], entity["content_type"]) if entity is not None else None


def _image_entity(image):
    return Entity(Key(IMAGE_KIND, secrets.token_hex(16)), {
        "data": image.data,
        "content_type": image.content_type,
        "width": image.width,
        "height": image.height,
    })


def _expense_from_entity(entity):
    return Expense(
        id=entity.key.id,
        spent_on=entity["spent_on"].date(),
        amount_cents=entity["amount_cents"],
        category=entity["category"],
        description=entity["description"],
        status=entity.get("status", "submitted"),
        submitter_id=entity.get("submitter_id"),
        submitter_name=entity.get("submitter_name"),
        receipt_name=entity.get("receipt_name"),
        receipt_photo=entity.get("receipt_photo"),
        receipt_thumbnail=entity.get("receipt_thumbnail"),
    )
