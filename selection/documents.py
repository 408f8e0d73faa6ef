"""Round documents: the policy, strategy and master-plan PDFs central staff
attach to a round (issue #10). Uploads are checked by content, never by
their name or the type the browser claims: the ``%PDF-`` signature, the
end-of-file marker, a parse with pypdf, no encryption, at least one page
and a size cap (``UPLOAD_MAX_ROUND_DOCUMENT_BYTES``, 20 MB by default, checked
like every other upload by :mod:`core.uploads`)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader

from accounts.models import User
from core.uploads import ROUND_DOCUMENT, check_size, is_pdf, size_limit
from selection.models import Round, RoundDocument

EOF_MARKER = b"%%EOF"
TAIL_BYTES = 1024  # where a complete PDF keeps its %%EOF marker


def validate_round_pdf(upload: UploadedFile) -> int:
    """Check an uploaded PDF by its content; return its number of pages."""
    size = check_size(upload, size_limit(ROUND_DOCUMENT), _("PDF file"))
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if not is_pdf(upload):
        raise ValidationError(
            _("The file is not a PDF: its content lacks the PDF signature."),
            code="not_pdf",
        )
    upload.seek(max(size - TAIL_BYTES, 0))
    if EOF_MARKER not in upload.read():
        raise ValidationError(
            _("The PDF is incomplete (it has no end-of-file marker): upload it again."),
            code="truncated",
        )
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many kinds of errors on damaged files
        raise ValidationError(
            _("The PDF could not be read: the file is damaged."), code="unreadable"
        ) from None
    finally:
        upload.seek(0)
    if encrypted:
        raise ValidationError(
            _("The PDF is password-protected: upload an unprotected copy."),
            code="encrypted",
        )
    if pages == 0:
        raise ValidationError(_("The PDF has no pages."), code="no_pages")
    return pages


def _manage_round(actor: User) -> None:
    if not actor.has_perm("selection.manage_round"):
        raise PermissionDenied(_("Only central staff can manage rounds."))


@transaction.atomic
def round_document_add(
    *,
    actor: User,
    round_: Round,
    kind: str,
    title_th: str,
    upload: UploadedFile,
    title_en: str = "",
) -> RoundDocument:
    """Attach a checked PDF to a round under a generated name."""
    _manage_round(actor)
    pages = validate_round_pdf(upload)
    document = RoundDocument(
        round=round_,
        kind=kind,
        title_th=(title_th or "").strip(),
        title_en=(title_en or "").strip(),
        size=upload.size,
        pages=pages,
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])  # checked before any file is stored
    document.file.save("document.pdf", upload, save=False)  # name is generated
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)  # no orphan file if the row is refused
        raise
    return document


@transaction.atomic
def round_document_remove(*, actor: User, document: RoundDocument) -> None:
    """Take a document off the round; its file goes once the row is gone."""
    _manage_round(actor)
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
