"""The Open Graph image of a programme: 1200×630 PNG with its name, country and theme (Pillow, offline)."""

import io
import textwrap
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

FONTS = (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
         Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
WIDTH, HEIGHT = 1200, 630
INK, PAPER, ACCENT = (20, 33, 61), (255, 255, 255), (0, 104, 139)


def _font(bold: bool, size: int):
    path = FONTS[0 if bold else 1]
    return ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)


def card_png(programme) -> HttpResponse:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 24), fill=ACCENT)
    y = 80
    for line in textwrap.wrap(str(programme), width=34)[:4]:
        draw.text((72, y), line, font=_font(True, 56), fill=INK)
        y += 72
    draw.text((72, y + 24), f"{programme.country.name} · {programme.get_theme_display()}", font=_font(False, 36),
              fill=ACCENT)
    if programme.is_illustrative:
        draw.text((72, HEIGHT - 150), _("Illustrative example, not a real programme"), font=_font(True, 32), fill=INK)
    draw.text((72, HEIGHT - 90), "Minga · " + _("Quito Process"), font=_font(False, 32), fill=INK)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return HttpResponse(buffer.getvalue(), content_type="image/png")
