"""Forum minutes: a PDF or a photo of the signed paper, checked by content."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from products.images import validate_image

MAX_MINUTES_BYTES = 10 * 1024 * 1024


def validate_minutes(upload: UploadedFile) -> str:
    """Return the file's real suffix (``.pdf``, ``.jpg`` …) or refuse it."""
    if upload.size is not None and upload.size > MAX_MINUTES_BYTES:
        raise ValidationError(
            _("The minutes file is %(size).1f MB; the limit is 10 MB.")
            % {"size": upload.size / 1024 / 1024}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return ".pdf"
    try:
        return validate_image(upload)
    except ValidationError:
        raise ValidationError(
            _("The minutes must be a PDF or a JPEG, PNG or WebP photo.")
        ) from None
