"""The policy, strategy and master-plan PDFs attached to a round, kept
private and served by the round page's view."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.buddhist_era import to_be
from core.storage import PrivateStorage
from selection.models.rounds import Round

# Round documents (issue #10) ---------------------------------------------------------


def _round_document_path(instance: "RoundDocument", filename: str) -> str:
    """A generated name under the round's year: never the uploader's name."""
    return f"rounds/{instance.round.year}/{uuid.uuid4().hex}.pdf"


class RoundDocumentFile(FieldFile):
    """A round document's file: private, so its URL is the round page's view
    (which checks the round is announced), never a media path."""

    @property
    def url(self) -> str:
        document = self.instance
        return reverse(
            "rounds:document", args=[to_be(document.round.year), document.pk]
        )


class RoundDocumentField(models.FileField):
    attr_class = RoundDocumentFile


class RoundDocument(models.Model):
    """A policy, strategy or master-plan PDF central staff attach to a round;
    listed on the round's public page."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Policy")
        STRATEGY = "strategy", _("Strategy")
        MASTER_PLAN = "master_plan", _("Master plan")
        CRITERIA = "criteria", _("Criteria and guidelines")
        OTHER = "other", _("Other")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    # Private: the round page's view serves it, and only once the round is
    # announced (central staff may open a draft round's documents).
    file = RoundDocumentField(
        _("PDF file"), upload_to=_round_document_path, storage=PrivateStorage()
    )
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["round", "uploaded_at", "pk"]
        verbose_name = _("round document")
        verbose_name_plural = _("round documents")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return (
            self.title_en if get_language() == "en" and self.title_en else self.title_th
        )
