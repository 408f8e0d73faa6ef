"""Every write to a product, its materials, photos and certificates; each
appends a ``ProductEvent`` (who changed what) in the same transaction."""

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Producer
from communities.services import ensure_manages_tambon
from products.images import make_thumbnail, validate_image
from products.models import (
    MAX_IMAGES_PER_PRODUCT,
    Category,
    Certification,
    Product,
    ProductEvent,
    ProductImage,
    RawMaterial,
    Standard,
)

PRODUCT_FIELDS = (
    "category",
    "name_th",
    "name_en",
    "description",
    "story",
    "price",
    "unit",
    "monthly_capacity",
)


def _check_category(category: Category | None) -> None:
    if category is not None and category.parent_id is None:
        raise ValidationError(
            {"category": _("Choose a sub-type, not a whole product type.")}
        )


@transaction.atomic
def product_create(*, actor: User, producer: Producer, **fields: Any) -> Product:
    ensure_manages_tambon(actor, producer.tambon)
    _check_category(fields.get("category"))
    product = Product(producer=producer, **_product_fields(fields))
    product.full_clean()
    product.save()
    _record(actor, product, ProductEvent.Action.CREATED)
    return product


@transaction.atomic
def product_update(
    *, actor: User, product: Product, producer: Producer | None = None, **fields: Any
) -> Product:
    product = (
        Product.objects.select_for_update()
        .select_related("producer__tambon")
        .get(pk=product.pk)
    )
    ensure_manages_tambon(actor, product.producer.tambon)
    before = _values(product)
    if producer is not None and producer.pk != product.producer_id:
        ensure_manages_tambon(actor, producer.tambon)
        product.producer = producer
    _check_category(fields.get("category"))
    for name, value in _product_fields(fields).items():
        setattr(product, name, value)
    product.full_clean()  # values as stored: "120.00" and 120 are one price
    product.save()
    after = _values(product)
    if changed := [name for name in after if after[name] != before[name]]:
        _record(actor, product, ProductEvent.Action.UPDATED, changed=changed)
    return product


def _values(product: Product) -> dict[str, Any]:
    """The fields an officer edits (foreign keys as ids)."""
    return {
        name: Product._meta.get_field(name).value_from_object(product)
        for name in ("producer", *PRODUCT_FIELDS)
    }


def _record(
    actor: User,
    product: Product,
    action: ProductEvent.Action,
    *,
    changed: list[str] | None = None,
    note: str = "",
) -> ProductEvent:
    return ProductEvent.objects.create(
        product=product, action=action, actor=actor, changed=changed or [], note=note
    )


def _product_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown product fields: {sorted(unknown)}")
    text = {"name_th", "name_en", "description", "story", "unit"}
    return {
        name: ("" if value is None and name in text else value)
        for name, value in fields.items()
    }


@transaction.atomic
def product_raw_materials_set(
    *, actor: User, product: Product, materials: list[tuple[str, bool]]
) -> list[RawMaterial]:
    """Replace the product's raw materials with ``(name, is_local)`` pairs."""
    ensure_manages_tambon(actor, product.producer.tambon)
    wanted = [
        (name.strip(), is_local)
        for name, is_local in materials
        if name and name.strip()
    ]
    before = list(product.raw_materials.values_list("name", "is_local"))
    product.raw_materials.all().delete()
    created = RawMaterial.objects.bulk_create(
        RawMaterial(product=product, name=name, is_local=is_local, order=i)
        for i, (name, is_local) in enumerate(wanted)
    )
    if wanted != before:
        note = ", ".join(name for name, _is_local in wanted)
        _record(actor, product, ProductEvent.Action.MATERIALS_SET, note=note)
    return created


@transaction.atomic
def product_image_add(
    *, actor: User, product: Product, upload: UploadedFile, caption: str = ""
) -> ProductImage:
    """Add a photo checked by content, with its thumbnail; the first is primary."""
    ensure_manages_tambon(actor, product.producer.tambon)
    Product.objects.select_for_update().get(pk=product.pk)  # count and insert in turn
    count, suffix = _check_photo(product, upload)
    image = ProductImage(
        product=product,
        caption=caption,
        order=(product.images.aggregate(m=Max("order"))["m"] or 0) + 1,
        is_primary=count == 0,
    )
    image.image.save(f"photo{suffix}", upload, save=False)
    image.thumbnail.save("thumb.webp", make_thumbnail(upload), save=False)
    image.save()
    _record(actor, product, ProductEvent.Action.PHOTO_ADDED, note=image.image.name)
    return image


def _check_photo(product: Product, upload: UploadedFile) -> tuple[int, str]:
    """The product's photo count and the upload's file suffix, or the reason
    the upload cannot be added."""
    count = product.images.count()
    if count >= MAX_IMAGES_PER_PRODUCT:
        raise ValidationError(
            _("A product can have at most %(max)s photos.")
            % {"max": MAX_IMAGES_PER_PRODUCT}
        )
    return count, validate_image(upload)


@transaction.atomic
def product_image_set_primary(*, actor: User, image: ProductImage) -> ProductImage:
    ensure_manages_tambon(actor, image.product.producer.tambon)
    Product.objects.select_for_update().get(pk=image.product_id)
    ProductImage.objects.filter(product_id=image.product_id, is_primary=True).update(
        is_primary=False
    )
    ProductImage.objects.filter(pk=image.pk).update(is_primary=True)
    image.is_primary = True
    _record(
        actor,
        image.product,
        ProductEvent.Action.PRIMARY_PHOTO_SET,
        note=image.image.name,
    )
    return image


@transaction.atomic
def product_image_delete(*, actor: User, image: ProductImage) -> None:
    product = image.product
    ensure_manages_tambon(actor, product.producer.tambon)
    Product.objects.select_for_update().get(pk=product.pk)
    was_primary = image.is_primary
    files = [image.image, image.thumbnail]
    note = image.image.name
    image.delete()
    _record(actor, product, ProductEvent.Action.PHOTO_REMOVED, note=note)
    if was_primary:
        successor = product.images.order_by("order", "pk").first()
        if successor is not None:
            ProductImage.objects.filter(pk=successor.pk).update(is_primary=True)
    # Files go only once the rows are gone for good.
    transaction.on_commit(lambda: [f.delete(save=False) for f in files if f])


@transaction.atomic
def certification_add(
    *, actor: User, product: Product, standard: Standard, number: str, **dates: Any
) -> Certification:
    ensure_manages_tambon(actor, product.producer.tambon)
    certification = Certification(
        product=product,
        standard=standard,
        number=number.strip(),
        issued_on=dates.get("issued_on"),
        expires_on=dates.get("expires_on"),
    )
    certification.full_clean()
    certification.save()
    _record(
        actor,
        product,
        ProductEvent.Action.CERTIFICATE_ADDED,
        note=_certificate_note(certification),
    )
    return certification


@transaction.atomic
def certification_delete(*, actor: User, certification: Certification) -> None:
    product = certification.product
    ensure_manages_tambon(actor, product.producer.tambon)
    note = _certificate_note(certification)
    certification.delete()
    _record(actor, product, ProductEvent.Action.CERTIFICATE_REMOVED, note=note)


def _certificate_note(certification: Certification) -> str:
    return f"{certification.standard.code} {certification.number}"


# The product page's save ---------------------------------------------------------

_CERTIFICATE_KEY = re.compile(r"certificates-(?P<index>\d+)-(?P<field>\w+)")


@transaction.atomic
def product_save(
    *,
    actor: User,
    product: Product | None = None,
    producer: Producer,
    fields: dict[str, Any],
    raw_materials: list[tuple[str, bool]],
    remove_photos: Iterable[ProductImage] = (),
    primary_photo: ProductImage | None = None,
    remove_certifications: Iterable[Certification] = (),
    certificates: Iterable[dict[str, Any]] = (),
    photo: UploadedFile | None = None,
    photo_caption: str = "",
) -> Product:
    """Create a product (``product`` None) or update it with everything the
    product page sends, all or nothing: a refusal anywhere leaves the product,
    its materials, photos and certificates (and their trail) as they were.

    ``fields`` are ``PRODUCT_FIELDS``; ``raw_materials`` ``(name, is_local)``
    pairs replacing the current ones; ``certificates`` the new certificates,
    each a dict of ``certification_add``'s keywords (``standard``, ``number``,
    ``issued_on``, ``expires_on``); ``photo`` a new photo.

    Raises ``PermissionDenied`` for an actor who does not manage the tambon,
    else one ``ValidationError`` whose ``error_dict`` is keyed by where each
    message belongs:

    - a product field (``name_th``, ``category`` …) or ``__all__`` (a Thai
      name the producer already uses): the product itself. These stop the
      save at once; nothing else can be checked against a product not saved.
    - ``certificates-<i>-<field>``: row ``i`` (from 0) of ``certificates``,
      ``field`` one of its keys or ``__all__`` for the row as a whole (a
      certificate the product already has); ``certificate_row_of`` reads it.
    - ``photo``: the new photo.
    - ``remove_photos``, ``primary_photo``, ``remove_certifications``: a photo
      or certificate of another product.

    Past the product, every certificate row and the photo are checked, so one
    refusal names every problem. The photo is stored only when all else has
    passed: its file goes to storage, which a rollback does not undo.
    """
    remove_photos = list(remove_photos)
    remove_certifications = list(remove_certifications)
    try:
        if product is None:
            product = product_create(actor=actor, producer=producer, **fields)
        else:
            product = product_update(
                actor=actor, product=product, producer=producer, **fields
            )
    except ValidationError as error:
        raise ValidationError(_keyed(error)) from error
    errors = _others(product, remove_photos, primary_photo, remove_certifications)
    if errors:
        raise ValidationError(errors)
    product_raw_materials_set(actor=actor, product=product, materials=raw_materials)
    for image in remove_photos:
        product_image_delete(actor=actor, image=image)
    removed, chosen = {image.pk for image in remove_photos}, primary_photo
    if chosen is not None and not chosen.is_primary and chosen.pk not in removed:
        product_image_set_primary(actor=actor, image=chosen)
    for certification in remove_certifications:
        certification_delete(actor=actor, certification=certification)
    for index, row in enumerate(certificates):
        try:
            certification_add(
                actor=actor,
                product=product,
                standard=row["standard"],
                number=row["number"],
                issued_on=row.get("issued_on"),
                expires_on=row.get("expires_on"),
            )
        except ValidationError as error:
            errors.update(_keyed(error, prefix=f"certificates-{index}-"))
    if photo is not None:
        try:
            if errors:
                _check_photo(product, photo)
            else:
                product_image_add(
                    actor=actor, product=product, upload=photo, caption=photo_caption
                )
        except ValidationError as error:
            errors.update(_keyed(error, default="photo"))
    if errors:
        raise ValidationError(errors)
    return product


def certificate_row_of(key: str) -> tuple[int, str] | None:
    """``(i, field)`` for ``product_save``'s error key of certificate row
    ``i``, None for any other key."""
    if match := _CERTIFICATE_KEY.fullmatch(key):
        return int(match["index"]), match["field"]
    return None


def _keyed(
    error: ValidationError, *, prefix: str = "", default: str = NON_FIELD_ERRORS
) -> dict[str, list[ValidationError]]:
    """``error``'s messages keyed ``prefix`` + field (``default`` if it has none)."""
    if hasattr(error, "error_dict"):
        return {f"{prefix}{name}": found for name, found in error.error_dict.items()}
    return {f"{prefix}{default}": error.error_list}


def _others(
    product: Product,
    photos: list[ProductImage],
    primary: ProductImage | None,
    certifications: list[Certification],
) -> dict[str, list[str]]:
    """The photos and certificates asked for that are not ``product``'s."""
    errors = {}
    if any(image.product_id != product.pk for image in photos):
        errors["remove_photos"] = [_("Choose photos of this product only.")]
    if primary is not None and primary.product_id != product.pk:
        errors["primary_photo"] = [_("Choose photos of this product only.")]
    if any(cert.product_id != product.pk for cert in certifications):
        errors["remove_certifications"] = [
            _("Choose certificates of this product only.")
        ]
    return errors
