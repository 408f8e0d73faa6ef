"""Round documents (policy, strategy, master plan) checked by content, and the
public round pages that show them with the criteria and the star bands."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfWriter

from products.models import Category
from selection.documents import round_document_add, round_document_remove
from selection.models import Criterion, Round, RoundDocument, Tier
from selection.rounds import round_close, round_create
from tests.accounts.factories import UserFactory, staff_with
from tests.selection.admin_forms import change_form_data
from tests.selection.ladder import make_round

pytestmark = pytest.mark.django_db


def pdf_bytes(pages: int = 2, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name: str = "นโยบาย OTOP.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def round_manager():
    return staff_with("manage_round", "round-manager")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.fixture
def round_():
    return make_round()


def add(round_, content, actor=None, **kwargs):
    return round_document_add(
        actor=actor or round_manager(),
        round_=round_,
        kind=kwargs.pop("kind", RoundDocument.Kind.POLICY),
        title_th=kwargs.pop("title_th", "นโยบายการคัดสรร"),
        upload=upload(content, **kwargs),
    )


# The service -------------------------------------------------------------------


def test_a_valid_pdf_is_stored_under_a_generated_name(round_, media):
    content = pdf_bytes(pages=3)
    document = add(round_, content, name="../../etc/นโยบาย.pdf")

    assert document.pages == 3
    assert document.size == len(content)
    assert document.uploaded_by.username == "round-manager"
    assert document.file.name.startswith(f"rounds/{round_.year}/")
    assert document.file.name.endswith(".pdf")
    assert "นโยบาย" not in document.file.name and ".." not in document.file.name
    [path] = stored_files(media)
    assert path.read_bytes() == content
    # Private: never under the served MEDIA_ROOT; its URL is the view's.
    assert path.is_relative_to(media) and not path.is_relative_to(media / "public")
    assert document.file.url == f"/rounds/{be(round_)}/documents/{document.pk}/"


def _truncated() -> bytes:
    content = pdf_bytes()
    return content[: len(content) // 2]


def _damaged() -> bytes:
    return b"%PDF-1.7\n" + b"\x00garbage" * 50 + b"\n%%EOF\n"


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (b"Minutes of the meeting, plain text.\n" * 20, "not_pdf", "not a PDF"),
        (b"", "empty", "empty"),
        (_truncated(), "truncated", "incomplete"),
        (_damaged(), "unreadable", "could not be read"),
        (pdf_bytes(password="secret"), "encrypted", "password-protected"),
        (pdf_bytes(password=""), "encrypted", "password-protected"),
        (pdf_bytes(pages=0), "no_pages", "no pages"),
    ],
    ids=[
        "renamed-text",
        "empty",
        "truncated",
        "damaged",
        "encrypted",
        "no-user-pw",
        "zero-pages",
    ],
)
def test_bad_files_are_refused_with_the_reason(round_, media, content, code, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        add(round_, content)

    assert refused.value.code == code
    assert words in refused.value.messages[0]
    assert not RoundDocument.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_size_cap_is_refused(round_, media, settings):
    content = pdf_bytes(pages=40)
    settings.UPLOAD_MAX_ROUND_DOCUMENT_BYTES = len(content) - 1
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        add(round_, content)

    assert refused.value.code == "too_large"
    assert "the limit is" in refused.value.messages[0]
    assert not RoundDocument.objects.exists()
    assert stored_files(media) == []
    settings.UPLOAD_MAX_ROUND_DOCUMENT_BYTES = len(content)
    assert add(round_, content).pages == 40


def test_only_round_managers_add_or_remove_documents(round_, media):
    for outsider in (UserFactory(), UserFactory(is_staff=True)):
        with pytest.raises(PermissionDenied):
            add(round_, pdf_bytes(), actor=outsider)
    assert not RoundDocument.objects.exists()
    assert stored_files(media) == []

    document = add(round_, pdf_bytes())
    with pytest.raises(PermissionDenied):
        round_document_remove(actor=UserFactory(), document=document)
    assert RoundDocument.objects.filter(pk=document.pk).exists()


def test_removing_a_document_deletes_its_file_after_commit(
    round_, media, django_capture_on_commit_callbacks
):
    document = add(round_, pdf_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        round_document_remove(actor=round_manager(), document=document)
    assert not RoundDocument.objects.exists()
    assert stored_files(media) == []


# The admin inline ----------------------------------------------------------------


@pytest.fixture
def admin_client(client, central_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(central_staff)
    return client


def test_the_round_admin_adds_a_document_through_the_service(
    admin_client, round_, central_staff
):
    url = f"/admin/selection/round/{round_.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": 1,
            "documents-0-kind": "master_plan",
            "documents-0-title_th": "แผนแม่บท OTOP",
            "documents-0-title_en": "OTOP master plan",
            "documents-0-file": upload(pdf_bytes(pages=4), name="plan.pdf"),
        }
    )
    response = admin_client.post(url, data)

    assert response.status_code == 302, response.text[:3000]
    document = RoundDocument.objects.get()
    assert (document.kind, document.pages) == ("master_plan", 4)
    assert document.uploaded_by == central_staff
    assert "plan" not in document.file.name.rsplit("/", 1)[-1]


def test_the_round_admin_shows_why_a_file_is_refused(admin_client, round_, media):
    url = f"/admin/selection/round/{round_.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": 1,
            "documents-0-kind": "policy",
            "documents-0-title_th": "นโยบาย",
            "documents-0-file": upload(b"not a pdf at all" * 10, name="policy.pdf"),
        }
    )
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "not a PDF" in response.text
    assert not RoundDocument.objects.exists()
    assert stored_files(media) == []


def test_the_round_admin_removes_a_document(admin_client, round_, media):
    document = add(round_, pdf_bytes())
    url = f"/admin/selection/round/{round_.pk}/change/"
    data = change_form_data(admin_client.get(url))
    data["documents-0-id"] = document.pk
    data["documents-0-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.text[:3000]
    assert not RoundDocument.objects.exists()


# The public pages ------------------------------------------------------------------


def be(round_: Round) -> int:
    return round_.year + 543


@pytest.fixture
def published_round(round_):
    food = Category.objects.filter(parent__isnull=True).order_by("order").first()
    Criterion.objects.create(
        round=round_,
        tier=Tier.CENTRAL,
        category=food,
        part="C",
        code="FOOD-C1",
        title_th="ความปลอดภัยของอาหาร",
        title_en="Food safety",
        max_points=Decimal(100),
    )
    document = add(
        round_,
        pdf_bytes(pages=5),
        title_th="ยุทธศาสตร์ OTOP",
        kind=RoundDocument.Kind.STRATEGY,
    )
    return round_, document, food


def test_the_round_page_shows_deadlines_criteria_bands_and_documents(
    client, published_round, english
):
    round_, document, food = published_round
    response = client.get(f"/rounds/{be(round_)}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    sheets = response.context["sheets"]
    general = [s for s in sheets if s.category is None]
    assert [s.tier for s in general] == ["amphoe", "province", "central"]
    for sheet in general:
        assert [p.part for p in sheet.parts] == ["A", "B", "C"]
        assert [p.max_points for p in sheet.parts] == [40, 30, 30]
        assert sheet.max_points == 100
    [own] = [s for s in sheets if s.category is not None]
    assert (own.tier, own.category, own.max_points) == ("central", food, 100)
    assert "FOOD-C1" in response.text and "A1" in response.text
    bands = response.context["bands"]
    assert [(b["stars"], b["min_score"], b["max"]) for b in bands] == [
        (5, 90, 100),
        (4, 80, Decimal("89.99")),
        (3, 70, Decimal("79.99")),
        (2, 50, Decimal("69.99")),
        (1, 0, Decimal("49.99")),
    ]
    assert response.context["documents"] == [document]
    link = f"/rounds/{be(round_)}/documents/{document.pk}/"
    assert link in response.text
    assert "ยุทธศาสตร์ OTOP" in response.text
    assert [d for _label, d in response.context["deadlines"]] == [
        round_.tambon_deadline,
        round_.amphoe_deadline,
        round_.province_deadline,
        round_.central_deadline,
    ]

    download = client.get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    # Browsers' PDF viewers are embedded objects: the page's policy
    # (object-src 'none') would block them.
    assert "Content-Security-Policy" not in download
    assert "Content-Security-Policy" in response
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_the_round_page_answers_in_thai_with_buddhist_era_dates(client, round_):
    response = client.get(f"/rounds/{be(round_)}/")
    assert response.status_code == 200
    assert str(be(round_)) in response.text


def test_draft_rounds_are_not_public(client, media, central_staff):
    draft = round_create(
        actor=central_staff,
        year=2031,
        title_th="ร่างรอบ 2574",
        tambon_deadline=dt.date(2031, 1, 1),
        amphoe_deadline=dt.date(2031, 2, 1),
        province_deadline=dt.date(2031, 3, 1),
        central_deadline=dt.date(2031, 4, 1),
    )
    document = add(draft, pdf_bytes())

    assert client.get("/rounds/2574/").status_code == 404
    assert client.get(f"/rounds/2574/documents/{document.pk}/").status_code == 404
    # Central staff preview a draft round's documents (the admin links them).
    client.force_login(central_staff)
    assert client.get(f"/rounds/2574/documents/{document.pk}/").status_code == 200
    client.logout()
    assert "ร่างรอบ 2574" not in client.get("/rounds/").text
    assert client.get("/rounds/2999/").status_code == 404


def test_a_document_is_found_only_under_its_own_round(
    client, published_round, central_staff
):
    round_, document, _food = published_round
    other = make_round(year=round_.year - 1, title_th="รอบก่อน")
    round_close(actor=central_staff, round_=other)

    assert client.get(f"/rounds/{be(other)}/").status_code == 200
    url = f"/rounds/{be(other)}/documents/{document.pk}/"
    assert client.get(url).status_code == 404


def test_the_round_list_shows_open_and_closed_rounds_newest_first(
    client, published_round, central_staff
):
    round_, _document, _food = published_round
    older = make_round(year=round_.year - 1, title_th="รอบก่อน")
    round_close(actor=central_staff, round_=older)

    response = client.get("/rounds/")

    assert response.status_code == 200
    assert [r.pk for r in response.context["page"]] == [round_.pk, older.pk]
    assert f"/rounds/{be(round_)}/" in response.text
    assert f"/rounds/{be(older)}/" in response.text


def test_the_round_page_costs_the_same_queries_with_more_criteria(
    client, published_round, django_assert_num_queries
):
    round_, _document, _food = published_round
    url = f"/rounds/{be(round_)}/"
    client.get(url)
    # The round, its plan, standards and types, documents, quotas, criteria,
    # bands.
    with django_assert_num_queries(8):
        client.get(url)
    add(round_, pdf_bytes(), title_th="แผน 2")
    Criterion.objects.create(
        round=round_,
        tier=Tier.AMPHOE,
        category=_food,
        part="A",
        code="FOOD-A1",
        title_th="x",
        max_points=Decimal(100),
    )
    with django_assert_num_queries(8):
        client.get(url)
