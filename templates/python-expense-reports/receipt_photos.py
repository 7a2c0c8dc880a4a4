"""Turns an uploaded receipt photo into the two JPEGs the app keeps, with Slipway's Images service.

A phone photo is large (often 4000×3000 pixels and several MB) and is often stored sideways
with an EXIF orientation tag that says how to turn it. The Images service turns it upright,
drops its metadata (GPS position included) and re-encodes it:

  photo      a JPEG at most 1600 pixels on its longest side, for the detail page
  thumbnail  a 160×160 JPEG cropped around the centre, for the list

Both are stored in the datastore, whose entities hold at most 1 MiB (bytes count a third more
there: they travel as base64), so a photo must stay under MAX_STORED_PHOTO_BYTES.
"""

from dataclasses import dataclass

import slipway
from slipway import images

THUMBNAIL_SIZE = 160
MAX_STORED_PHOTO_BYTES = 600 * 1024
# Longest side and JPEG quality to try in turn, until the photo is small enough to store.
# Receipts nearly always fit at the first; a very detailed photo is made smaller.
PHOTO_SETTINGS = ((1600, 80), (1200, 70), (900, 60))

NOT_A_PHOTO = "The receipt must be a JPEG, PNG, WebP or GIF photo."


class PhotoError(ValueError):
    """The upload cannot be used as a receipt photo; the message says why, for the form."""


@dataclass(frozen=True)
class ReceiptPhotos:
    """A receipt ready to store: the photo, its thumbnail and the file name the phone sent."""

    photo: images.Image
    thumbnail: images.Image
    original_name: str


def prepare(data, original_name):
    """Makes the photo and the thumbnail from uploaded image bytes; raises PhotoError.

    Other platform errors (the service is unreachable or busy) are not the photo's fault: they
    are raised as they are, for the app to show as a "try again" page.
    """
    try:
        photo = _photo_that_fits(data)
        # The thumbnail is made from the photo: it is already upright, and far smaller to send.
        thumbnail = images.thumbnail(photo.data, THUMBNAIL_SIZE, format="jpeg", quality=75)
    except (slipway.InvalidInputError, slipway.UnsupportedError):
        raise PhotoError(NOT_A_PHOTO) from None
    except slipway.TooLargeError as error:
        raise PhotoError(f"The photo is too large to process: {error.detail}.") from None
    return ReceiptPhotos(photo, thumbnail, original_name)


def _photo_that_fits(data):
    for longest_side, quality in PHOTO_SETTINGS:
        # "inside": scaled down (never up) until both sides fit, keeping the proportions.
        photo = images.resize(data, width=longest_side, height=longest_side, fit="inside",
                              format="jpeg", quality=quality)
        if len(photo.data) <= MAX_STORED_PHOTO_BYTES:
            return photo
    raise PhotoError("This photo has too much fine detail to store, even made smaller. "
                     "Please take it again, closer to the receipt.")
