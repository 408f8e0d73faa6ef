"""Product photos drawn with Pillow (nothing is downloaded): the product
type's colours, a motif, and the product's names (Thai when a Thai font is
installed, English always)."""

import functools
import io
import math
import random
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageChops, ImageDraw, ImageFont

from devdata.demo.data import DemoProduct

PHOTO_SIZE = (800, 600)
# Per product type: the gradient's top and bottom colours and the motif's ink.
PALETTES = {
    "FOOD": ((250, 208, 137), (214, 108, 58), (255, 244, 224)),
    "DRINK": ((150, 206, 180), (38, 103, 104), (240, 250, 245)),
    "TEXTILE": ((120, 134, 200), (31, 45, 104), (236, 238, 255)),
    "HOUSEHOLD": ((226, 180, 120), (120, 72, 34), (255, 243, 225)),
    "HERBAL": ((190, 222, 150), (62, 120, 66), (245, 255, 236)),
}
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts")
THAI_FONTS = (
    "Garuda-Bold",
    "Loma-Bold",
    "Sarabun-Bold",
    "NotoSansThai-Bold",
    "Garuda",
    "Loma",
    "Kinnari",
)
LATIN_FONTS = ("DejaVuSans-Bold", "LiberationSans-Bold", "Arial Bold", "DejaVuSans")


@functools.cache
def _font_file(names: tuple[str, ...]) -> str | None:
    """The first installed font of ``names`` (a Thai font may be missing: the
    photo then carries the English name only)."""
    for name in names:
        for folder in FONT_DIRS:
            for suffix in (".ttf", ".otf"):
                found = next(Path(folder).glob(f"**/{name}{suffix}"), None)
                if found is not None:
                    return str(found)
    return None


def _font(names: tuple[str, ...], size: int):
    path = _font_file(names)
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size) if names is LATIN_FONTS else None


def _fitted(draw, text: str, names: tuple[str, ...], size: int, width: int):
    font = _font(names, size)
    while font is not None and size > 14 and draw.textlength(text, font=font) > width:
        size -= 2
        font = _font(names, size)
    return font


def _motif(photo: Image.Image, type_code: str, ink, rng: random.Random) -> None:
    draw = ImageDraw.Draw(photo, "RGBA")
    cx, cy = PHOTO_SIZE[0] // 2, 215
    soft = (*ink, 90)
    if type_code == "FOOD":  # a plate with a few morsels
        draw.ellipse((cx - 190, cy - 150, cx + 190, cy + 150), fill=(*ink, 235))
        draw.ellipse((cx - 140, cy - 105, cx + 140, cy + 105), outline=soft, width=6)
        colour = rng.choice(((200, 70, 40), (120, 150, 50), (170, 110, 40)))
        for _ in range(7):
            x, y, r = rng.randint(-90, 90), rng.randint(-60, 60), rng.randint(16, 30)
            box = (cx + x - r, cy + y - r, cx + x + r, cy + y + r)
            draw.ellipse(box, fill=(*colour, 220))
    elif type_code == "DRINK":  # a cup with steam
        body = (cx - 110, cy - 70, cx + 90, cy + 150)
        draw.rounded_rectangle(body, 30, fill=(*ink, 235))
        handle = (cx + 50, cy - 20, cx + 160, cy + 90)
        draw.arc(handle, -90, 90, fill=(*ink, 235), width=22)
        for dx in (-60, -10, 40):
            steam = [(cx + dx, cy - 90), (cx + dx + 18, cy - 130), (cx + dx, cy - 170)]
            draw.line(steam, fill=soft, width=10)
    elif type_code == "TEXTILE":  # rows of mudmee / khit diamonds
        half = rng.choice((30, 36, 42))
        accent = rng.choice(((235, 190, 90), (220, 120, 120), ink))
        for row in range(420 // (2 * half) + 1):
            y = 50 + row * 2 * half
            for col in range(-1, PHOTO_SIZE[0] // (2 * half) + 2):
                x = col * 2 * half + (half if row % 2 else 0)
                diamond = [
                    (x, y),
                    (x + half, y + half),
                    (x, y + 2 * half),
                    (x - half, y + half),
                ]
                draw.polygon(diamond, outline=(*ink, 200), width=5)
                draw.rectangle(
                    (x - 6, y + half - 6, x + 6, y + half + 6), fill=(*accent, 200)
                )
    elif type_code == "HOUSEHOLD":  # a woven lattice in a round frame
        box = (cx - 170, cy - 170, cx + 170, cy + 170)
        lattice = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
        weave = ImageDraw.Draw(lattice)
        gap = rng.choice((32, 40, 48))
        for d in range(-340, 341, gap):
            weave.line(
                [(cx + d - 170, cy - 170), (cx + d + 170, cy + 170)],
                fill=soft,
                width=12,
            )
            weave.line(
                [(cx + d + 170, cy - 170), (cx + d - 170, cy + 170)],
                fill=soft,
                width=12,
            )
        frame = Image.new("L", PHOTO_SIZE, 0)
        ImageDraw.Draw(frame).ellipse(box, fill=255)
        clipped = Image.new("RGBA", PHOTO_SIZE, (0, 0, 0, 0))
        clipped.paste(lattice, mask=ImageChops.multiply(lattice.getchannel("A"), frame))
        photo.paste(clipped, mask=clipped.getchannel("A"))
        draw.ellipse(box, outline=(*ink, 235), width=14)
    else:  # HERBAL: leaves around a round soap or balm
        turn = rng.choice((0, 22))
        for angle in range(turn, 360 + turn, 45):
            rad = math.radians(angle)
            x = cx + int(150 * math.cos(rad))
            y = cy + int(120 * math.sin(rad))
            draw.ellipse((x - 55, y - 28, x + 55, y + 28), fill=(*ink, 170))
        draw.ellipse((cx - 95, cy - 95, cx + 95, cy + 95), fill=(*ink, 240))


def product_photo(product: DemoProduct, province_en: str) -> SimpleUploadedFile:
    """A pleasant placeholder photo: the type's colours, a motif, the names."""
    type_code = product.category.split("-")[0]
    top, bottom, ink = PALETTES[type_code]
    w, h = PHOTO_SIZE
    mask = Image.linear_gradient("L").resize(PHOTO_SIZE)
    photo = Image.composite(
        Image.new("RGB", PHOTO_SIZE, bottom), Image.new("RGB", PHOTO_SIZE, top), mask
    )
    rng = random.Random(f"photo|{product.key}")  # noqa: S311 (drawing, not secrets)
    _motif(photo, type_code, ink, rng)
    draw = ImageDraw.Draw(photo, "RGBA")
    tag = _font(LATIN_FONTS, 22)
    draw.rounded_rectangle(
        (24, 22, 60 + draw.textlength(f"OTOP · {province_en}", font=tag), 62),
        18,
        fill=(255, 255, 255, 200),
    )
    draw.text((42, 30), f"OTOP · {province_en}", font=tag, fill=(60, 40, 30))
    draw.rounded_rectangle((36, h - 178, w - 36, h - 30), 26, fill=(255, 255, 255, 225))
    thai = _fitted(draw, product.name_th, THAI_FONTS, 46, w - 120)
    english = _fitted(draw, product.name_en, LATIN_FONTS, 30 if thai else 40, w - 120)
    if thai is not None:
        draw.text((60, h - 168), product.name_th, font=thai, fill=(40, 30, 25))
        draw.text((60, h - 92), product.name_en, font=english, fill=(95, 80, 70))
    else:
        draw.text((60, h - 130), product.name_en, font=english, fill=(40, 30, 25))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(
        f"{product.key}.jpg", out.getvalue(), content_type="image/jpeg"
    )
