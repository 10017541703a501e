"""
Product pictures for the demo catalog, drawn with Pillow so seeding needs no downloads.

One picture per (silhouette, colour) pair: a few dozen files that thousands of products share, as a
shop's placeholder photography would. Pictures are drawn at twice their size and halved, which
smooths their edges cheaply (about 25 ms a picture).
"""

import io

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.utils.text import slugify
from PIL import Image, ImageDraw

from catalog.demo_catalog import COLOURS
from catalog.renditions import write_renditions

SIZE = 560
DIRECTORY = "products/demo"

# Silhouettes in a 100 x 100 box, body first: polygons, plus ellipses ("e"), rounded boxes ("r"),
# half-disc domes ("dome") and handles ("handle", an arc from a start to an end angle) where a
# polygon would look crude. The body is drawn in the colour, the parts after it a shade darker.
SHAPES = {
    "shirt": [
        (
            "poly",
            [
                (31, 18),
                (43, 13),
                (50, 19),
                (57, 13),
                (69, 18),
                (89, 36),
                (79, 47),
                (70, 41),
                (70, 86),
                (30, 86),
                (30, 41),
                (21, 47),
                (11, 36),
            ],
        )
    ],
    "coat": [
        (
            "poly",
            [
                (32, 12),
                (44, 9),
                (50, 16),
                (56, 9),
                (68, 12),
                (84, 30),
                (86, 80),
                (76, 80),
                (72, 40),
                (72, 92),
                (28, 92),
                (28, 40),
                (24, 80),
                (14, 80),
                (16, 30),
            ],
        )
    ],
    "trousers": [("poly", [(31, 12), (69, 12), (74, 90), (56, 90), (50, 38), (44, 90), (26, 90)])],
    "dress": [("poly", [(41, 10), (59, 10), (62, 34), (80, 90), (20, 90), (38, 34)])],
    "shoe": [
        (
            "poly",
            [
                (12, 68),
                (16, 40),
                (22, 30),
                (40, 30),
                (52, 44),
                (76, 54),
                (88, 62),
                (88, 70),
                (12, 70),
            ],
        ),
        ("r", (10, 68, 90, 78)),
    ],
    "tent": [("poly", [(50, 16), (90, 82), (10, 82)]), ("poly", [(50, 46), (62, 82), (38, 82)])],
    "bag": [("r", (22, 34, 78, 88)), ("handle", (34, 14, 66, 54, 180, 360))],
    "helmet": [("dome", (16, 26, 84, 94)), ("r", (12, 58, 88, 66))],
    "lamp": [("r", (26, 34, 74, 66)), ("e", (56, 40, 70, 60))],
    "pan": [("e", (12, 28, 66, 82)), ("r", (62, 50, 94, 60))],
    "mug": [("r", (22, 28, 66, 84)), ("handle", (50, 38, 82, 72, 270, 90))],
    "box": [("r", (20, 58, 80, 86)), ("r", (24, 38, 76, 62)), ("r", (28, 18, 72, 42))],
}


def image_name(shape: str, colour: str) -> str:
    """Storage name of the picture of ``shape`` in ``colour`` (it may not be generated yet)."""
    return f"{DIRECTORY}/{shape}-{slugify(colour)}.jpg"


def draw(shape: str, colour: str) -> bytes:
    """A JPEG of ``shape`` in ``colour`` on a light tint of that colour."""
    rgb = COLOURS[colour]
    scale = SIZE * 2 / 100
    background = tuple(round(c + (255 - c) * 0.86) for c in rgb)
    shade = tuple(round(c * 0.72) for c in rgb)
    image = Image.new("RGB", (SIZE * 2, SIZE * 2), background)
    pen = ImageDraw.Draw(image)
    pen.ellipse(
        [v * scale for v in (20, 92, 80, 98)], fill=tuple(round(c * 0.9) for c in background)
    )
    for index, (kind, points) in enumerate(SHAPES[shape]):
        fill = rgb if index == 0 else shade
        if kind == "poly":
            pen.polygon([(x * scale, y * scale) for x, y in points], fill=fill)
        elif kind == "r":
            pen.rounded_rectangle([v * scale for v in points], radius=4 * scale, fill=fill)
        elif kind == "e":
            pen.ellipse([v * scale for v in points], fill=fill)
        elif kind == "dome":
            pen.pieslice([v * scale for v in points], 180, 360, fill=fill)
        elif kind == "handle":
            *box, start, end = points
            pen.arc([v * scale for v in box], start, end, fill=fill, width=round(5 * scale))
    buffer = io.BytesIO()
    image.reduce(2).save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def ensure_demo_images(storage: Storage = default_storage) -> int:
    """Write every demo picture missing from ``storage``, and its missing renditions; return how
    many pictures were written."""
    written = 0
    for shape in SHAPES:
        for colour in COLOURS:
            name = image_name(shape, colour)
            if not storage.exists(name):
                storage.save(name, ContentFile(draw(shape, colour)))
                written += 1
            write_renditions(name, storage)
    return written
