"""Images: read an image's format and size, and resize, crop, rotate or re-encode it.

::

    from slipway import images

    info = images.info(data)                      # ImageInfo(format='jpeg', width=4032, ...)
    thumb = images.thumbnail(data, 256, format="webp")
    with open("thumb.webp", "wb") as out:
        out.write(thumb.data)

A transform spec is the protocol's JSON object, as a dict::

    images.transform(data, {"operations": [{"op": "rotate", "degrees": 90},
                                           {"op": "resize", "width": 800}],
                            "output": {"format": "jpeg", "quality": 85}})
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Union

from ._default import default_client
from ._transport import MAX_IMAGE_BYTES, Transport

__all__ = ["Images", "ImageInfo", "Image", "info", "transform", "resize", "thumbnail"]

BytesLike = Union[bytes, bytearray, memoryview]


@dataclass(frozen=True)
class ImageInfo:
    """What ``images/info`` reports; width and height are as displayed (after EXIF orientation)."""

    format: str
    width: int
    height: int
    #: The EXIF orientation (1–8) when the image has one.
    orientation: Optional[int]
    has_alpha: bool
    #: The image's size in bytes.
    bytes: int


@dataclass(frozen=True)
class Image:
    """A transformed image: its encoded ``data``, ``content_type`` and pixel size."""

    data: bytes
    content_type: str
    width: Optional[int]
    height: Optional[int]

    @property
    def format(self) -> str:
        """``jpeg``, ``png`` or ``webp``, from the content type."""
        return self.content_type.split(";")[0].strip().split("/")[-1]


def _image_bytes(data: Any) -> bytes:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"image data must be bytes, not {type(data).__name__}")
    return bytes(data)


def _int_header(headers: Mapping[str, str], name: str) -> Optional[int]:
    value = headers.get(name.lower(), "")
    return int(value) if value.strip().isdigit() else None


def _output(format: Optional[str], quality: Optional[int]) -> Dict[str, Any]:
    output: Dict[str, Any] = {}
    if format is not None:
        output["format"] = format
    if quality is not None:
        output["quality"] = quality
    return output


class Images:
    """The image operations of one client (see the module documentation)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def info(self, data: BytesLike) -> ImageInfo:
        """The format, size and orientation of the image in ``data``."""
        answer = self._transport.send(
            "images", "info", _image_bytes(data), "application/octet-stream", max_bytes=MAX_IMAGE_BYTES
        ).json()
        return ImageInfo(
            format=answer["format"],
            width=answer["width"],
            height=answer["height"],
            orientation=answer.get("orientation"),
            has_alpha=bool(answer.get("hasAlpha", False)),
            bytes=answer.get("bytes", len(data)),
        )

    def transform(self, data: BytesLike, spec: Mapping[str, Any]) -> Image:
        """Applies ``spec`` (``operations``, ``output``, ``autoOrient``) to the image in ``data``."""
        header = json.dumps(dict(spec), separators=(",", ":"), allow_nan=False)
        answer = self._transport.send(
            "images",
            "transform",
            _image_bytes(data),
            "application/octet-stream",
            headers={"Slipway-Image-Spec": header},
            max_bytes=MAX_IMAGE_BYTES,
            accept="image/*, application/problem+json",
        )
        return Image(
            data=answer.body,
            content_type=answer.headers.get("content-type", "application/octet-stream"),
            width=_int_header(answer.headers, "Slipway-Image-Width"),
            height=_int_header(answer.headers, "Slipway-Image-Height"),
        )

    def resize(
        self,
        data: BytesLike,
        width: Optional[int] = None,
        height: Optional[int] = None,
        fit: Optional[str] = None,
        format: Optional[str] = None,
        quality: Optional[int] = None,
    ) -> Image:
        """Scales the image to ``width`` and/or ``height`` (``fit``: cover, contain, inside, outside, fill)."""
        if width is None and height is None:
            raise ValueError("resize needs a width, a height or both")
        operation: Dict[str, Any] = {"op": "resize"}
        for name, value in (("width", width), ("height", height), ("fit", fit)):
            if value is not None:
                operation[name] = value
        return self.transform(data, _spec(operation, format, quality))

    def thumbnail(self, data: BytesLike, size: int, format: Optional[str] = None, quality: Optional[int] = None) -> Image:
        """A ``size`` × ``size`` square: scaled to cover it and cropped around the centre."""
        return self.transform(data, _spec({"op": "thumbnail", "size": size}, format, quality))


def _spec(operation: Dict[str, Any], format: Optional[str], quality: Optional[int]) -> Dict[str, Any]:
    spec: Dict[str, Any] = {"operations": [operation]}
    output = _output(format, quality)
    if output:
        spec["output"] = output
    return spec


def info(data: BytesLike) -> ImageInfo:
    """The format, size and orientation of an image (see :meth:`Images.info`)."""
    return default_client().images.info(data)


def transform(data: BytesLike, spec: Mapping[str, Any]) -> Image:
    """Transforms an image by a spec (see :meth:`Images.transform`)."""
    return default_client().images.transform(data, spec)


def resize(
    data: BytesLike,
    width: Optional[int] = None,
    height: Optional[int] = None,
    fit: Optional[str] = None,
    format: Optional[str] = None,
    quality: Optional[int] = None,
) -> Image:
    """Scales an image (see :meth:`Images.resize`)."""
    return default_client().images.resize(data, width, height, fit, format, quality)


def thumbnail(data: BytesLike, size: int, format: Optional[str] = None, quality: Optional[int] = None) -> Image:
    """A square thumbnail of an image (see :meth:`Images.thumbnail`)."""
    return default_client().images.thumbnail(data, size, format, quality)
