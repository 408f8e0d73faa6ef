"""Forum minutes: a PDF or a photo of the signed paper, checked by content."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from core.uploads import DOCUMENT, check_size, is_pdf, size_limit
from products.images import validate_image


def validate_minutes(upload: UploadedFile) -> str:
    """Return the file's real suffix (``.pdf``, ``.jpg`` …) or refuse it."""
    check_size(upload, size_limit(DOCUMENT), _("minutes file"))
    if is_pdf(upload):
        return ".pdf"
    try:
        return validate_image(upload, max_bytes=size_limit(DOCUMENT))
    except ValidationError as error:
        if error.code not in {"not_an_image", "bad_format"}:
            raise
        raise ValidationError(
            _("The minutes must be a PDF or a JPEG, PNG or WebP photo."),
            code="bad_format",
        ) from None
