"""Photo uploads checked by content, never by name or browser-sent type."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.uploads import IMAGE, check_size, size_limit, sniff

# A photo of 40 megapixels is plenty; beyond it we refuse rather than decode
# (a small PNG can claim billions of pixels: a decompression bomb).
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
THUMBNAIL_SIZE = (480, 480)


def validate_image(upload: UploadedFile, *, max_bytes: int | None = None) -> str:
    """Check an uploaded photo; return its real format's file suffix.

    Refuses files over the image size cap (``core.uploads``), files that do
    not start as a JPEG, PNG or WebP file does or that Pillow cannot open, and
    images with more pixels than ``MAX_PIXELS``.
    """
    check_size(upload, max_bytes or size_limit(IMAGE), _("photo"))
    kind = sniff(upload)
    if kind in {"gif", "tiff", "bmp", "heic", "avif"}:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP (this one is %(format)s).")
            % {"format": kind.upper()},
            code="bad_format",
        )
    if kind not in {"png", "jpeg", "webp"}:
        raise ValidationError(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP."),
            code="not_an_image",
        )
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(ALLOWED_FORMATS)) as image:
            image_format = image.format
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The photo is too large (%(w)s × %(h)s pixels).")
                    % {"w": width, "h": height},
                    code="too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(
            _("The photo claims too many pixels to be opened safely."),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP."),
            code="not_an_image",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Photos must be JPEG, PNG or WebP (this one is %(format)s).")
            % {"format": image_format},
            code="bad_format",
        )
    return ALLOWED_FORMATS[image_format]


def make_thumbnail(upload: UploadedFile) -> ContentFile:
    upload.seek(0)
    with Image.open(upload) as image:
        image.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at reduced size
        thumb = image.convert("RGB")
        thumb.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        thumb.save(out, "WEBP", quality=80)
    upload.seek(0)
    return ContentFile(out.getvalue(), name="thumb.webp")
