"""
Smaller copies of product pictures, so a card downloads a picture the size it shows.

Each picture gets a rendition per width in ``WIDTHS`` narrower than itself, stored next to it as
``<name>-<width>w<ext>`` (``products/demo/shirt-navy-320w.jpg``), written when a picture is saved
and by ``seed_catalog`` for the demo pictures. Pages list only the renditions that exist, so a
picture without them still shows, at its full size.
"""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db.models.signals import post_save
from django.dispatch import receiver
from PIL import Image

WIDTHS = (160, 320, 480, 960)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int


def rendition_name(name: str, width: int) -> str:
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}-{width}w{path.suffix}"))


def write_renditions(name: str, storage: Storage = default_storage) -> int:
    """Write the missing renditions of the picture ``name``; return how many were written."""
    if not storage.exists(name):
        return 0
    with storage.open(name) as file, Image.open(file) as original:
        original.load()
    written = 0
    for width in WIDTHS:
        target = rendition_name(name, width)
        if width >= original.width or storage.exists(target):
            continue
        copy = original.copy()
        copy.thumbnail((width, original.height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, original.format, quality=82)
        storage.save(target, ContentFile(buffer.getvalue()))
        written += 1
    return written


def renditions(name: str, storage: Storage = default_storage) -> list[Rendition]:
    """The renditions of ``name`` that exist, narrowest first."""
    return [
        Rendition(storage.url(target), width)
        for width in WIDTHS
        if storage.exists(target := rendition_name(name, width))
    ]


def rendition_url(name: str, width: int, storage: Storage = default_storage) -> str:
    """The URL of the ``width`` rendition of ``name``, or of the picture itself if it has none."""
    target = rendition_name(name, width)
    return storage.url(target if storage.exists(target) else name)


@receiver(post_save, sender="catalog.ProductImage")
def _picture_saved(*, instance, **kwargs) -> None:
    # Before commit, so the pages the save retires are rendered again with the renditions; a
    # rollback leaves files no row points at, which is harmless.
    write_renditions(instance.image.name, instance.image.storage)
