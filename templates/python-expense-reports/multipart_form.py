"""Reads HTML form submissions, including file uploads (multipart/form-data).

The standard library's `cgi` module used to do this, but it is deprecated (PEP 594) and gone
in Python 3.13. A multipart/form-data body is a MIME multipart message, so the `email`
package parses it; this module adds the limits a web app needs around it.
"""

import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

MAX_FIELD_BYTES = 10_000
MAX_PARTS = 20
READ_CHUNK_BYTES = 64 * 1024
MAX_FILENAME_LENGTH = 100
# Past this, a body too large is not read to its end (the gateway refuses bodies over 50 MB).
MAX_DISCARD_BYTES = 64 * 1024 * 1024


class FormError(ValueError):
    """The request body is not a form this app accepts; answer 400."""


class BodyTooLarge(FormError):
    """The request body exceeds the limit; answer 413."""


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file. Its name and type come from the browser: treat them as hints only."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class FormData:
    """The text fields and the files of one submitted form."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)

    def get(self, name, default=""):
        return self.fields.get(name, default)


def read_form(environ, max_body_bytes):
    """Reads and parses the body of a POSTed form; raises FormError or BodyTooLarge."""
    content_type = environ.get("CONTENT_TYPE", "")
    body = _read_body(environ, max_body_bytes)
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return _parse_urlencoded(body)
    if media_type == "multipart/form-data":
        return _parse_multipart(content_type, body)
    raise FormError(f"unsupported form encoding {media_type or '(none)'}")


def safe_filename(name):
    """A file name fit for display: no folders, no control characters, not too long."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = "".join(char for char in name if char.isprintable()).strip().lstrip(".")
    return name[-MAX_FILENAME_LENGTH:] or "upload"


def _read_body(environ, max_body_bytes):
    try:
        length = int(environ.get("CONTENT_LENGTH") or "0")
    except ValueError:
        raise FormError("invalid Content-Length") from None
    if length < 0:
        raise FormError("invalid Content-Length")
    stream = environ["wsgi.input"]
    if length > max_body_bytes:
        _discard(stream, length)
        raise BodyTooLarge(f"the form is larger than {max_body_bytes} bytes")
    chunks = []
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_CHUNK_BYTES))
        if not chunk:
            raise FormError("the request body ended early")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _discard(stream, length):
    """Reads and drops a body too large to use, so that the browser gets the answer.

    A proxy in front of the app (Slipway's gateway) is still sending the body; if the app
    answered and closed the connection first, the proxy would report an error instead.
    """
    remaining = min(length, MAX_DISCARD_BYTES)
    while remaining > 0:
        chunk = stream.read(min(remaining, READ_CHUNK_BYTES))
        if not chunk:
            break
        remaining -= len(chunk)


def _parse_urlencoded(body):
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, max_num_fields=MAX_PARTS,
                          encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise FormError(f"malformed form: {error}") from None
    return FormData(fields=dict(pairs))


def _parse_multipart(content_type, body):
    if "\r" in content_type or "\n" in content_type:
        raise FormError("malformed Content-Type")
    # Give the email parser the one header it needs to find the boundary, then the body.
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts = message.get_payload()
    if not message.is_multipart() or not isinstance(parts, list):
        raise FormError("malformed multipart body")
    if len(parts) > MAX_PARTS:
        raise FormError(f"more than {MAX_PARTS} form fields")

    fields, files = {}, {}
    for part in parts:
        if not isinstance(part, Message):
            raise FormError("malformed multipart part")
        name = part.get_param("name", header="content-disposition")
        if part.get_content_disposition() != "form-data" or not name or part.is_multipart():
            raise FormError("malformed multipart part")
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes):
            raise FormError("malformed multipart part")
        filename = part.get_filename()
        if filename is not None:
            if data:  # browsers send an empty part when no file was chosen
                files[name] = UploadedFile(safe_filename(filename), part.get_content_type(), data)
        elif len(data) > MAX_FIELD_BYTES:
            raise FormError(f"the field {name!r} is too long")
        else:
            fields[name] = _decode_text(data, name)
    return FormData(fields=fields, files=files)


def _decode_text(data, name):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError(f"the field {name!r} is not UTF-8 text") from None
