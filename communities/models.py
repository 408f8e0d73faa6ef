"""Thailand's administrative geography, keyed by the DOPA codes.

The codes are the natural primary keys: 2 digits for a province (changwat),
4 for an amphoe (district; khet in Bangkok), 6 for a tambon (subdistrict;
khwaeng in Bangkok). An area's code starts with its parent's, so area filters
can use the code alone. Rows are loaded by ``manage.py load_geography`` from the
``geothai`` package (data: GeoThai, CC BY 4.0) and are read-only in the admin.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Thai unless English is active)."""
        return self.name_en if get_language() == "en" else self.name_th


class Region(BilingualName):
    """One of the six geographical regions (ภาค) of the National Geographical
    Committee's scheme, used to group provinces in reports."""

    code = models.CharField(_("code"), max_length=16, primary_key=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="provinces",
        verbose_name=_("region"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Amphoe(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="amphoes",
        verbose_name=_("province"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("amphoe (district)")
        verbose_name_plural = _("amphoes (districts)")


class Tambon(BilingualName):
    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    amphoe = models.ForeignKey(
        Amphoe,
        on_delete=models.PROTECT,
        related_name="tambons",
        verbose_name=_("amphoe (district)"),
    )
    # Denormalised from the amphoe so province-wide lists need no join.
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="tambons",
        verbose_name=_("province"),
    )
    postal_codes = models.CharField(
        _("postal codes"),
        max_length=64,
        blank=True,
        help_text=_("Comma-separated; a few tambons have more than one."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("tambon (subdistrict)")
        verbose_name_plural = _("tambons (subdistricts)")

    @property
    def postal_code_list(self) -> list[str]:
        return [code for code in self.postal_codes.split(",") if code]
