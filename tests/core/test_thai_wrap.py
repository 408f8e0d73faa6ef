"""Thai names break between words only (issue #20): ``thai_wrap`` marks the
words PyThaiNLP finds (each kept whole, a ``<wbr>`` between two) and escapes
what it is given."""

import re
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.template import Context, Template
from django.utils.safestring import SafeData, mark_safe

from core.thai_text import thai_words, thai_wrap, warm_up
from selection.models import QueueNomination
from tests.communities.factories import ProducerFactory
from tests.products.factories import ProductFactory
from tests.registry.factories import make_entry

WORD = '<span class="thai-word">{}</span>'


def _render(value) -> str:
    return Template("{{ value|thai_wrap }}").render(Context({"value": value}))


def _text(html: str) -> str:
    return re.sub("<[^>]+>", "", html)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ผ้าครามลายขิด", ("ผ้าคราม", "ลายขิด")),  # browsers: "ผ้าครา|มลายขิด"
        ("ห้วยยาง", ("ห้วยยาง",)),  # a tambon's name is one word
        ("เจ้าหน้าที่", ("เจ้าหน้าที่",)),
        ("วิสาหกิจชุมชนทอผ้าห้วยยาง", ("วิสาหกิจชุมชน", "ทอผ้า", "ห้วยยาง")),
        ("เห็ดหอมอบกรอบ", ("เห็ดหอม", "อบ", "กรอบ")),
    ],
)
def test_a_name_splits_between_its_words_only(name, words):
    assert thai_words(name) == words


def test_the_filter_keeps_each_word_whole_and_breaks_between_them():
    html = _render("ผ้าครามลายขิด")
    assert html == WORD.format("ผ้าคราม") + "<wbr>" + WORD.format("ลายขิด")
    assert _text(html) == "ผ้าครามลายขิด"  # nothing added to the text itself
    assert _render("ห้วยยาง") == WORD.format("ห้วยยาง")


def test_spaces_latin_and_digits_stay_as_they_are():
    html = _render("น้ำพริกหนุ่ม OTOP 5 ดาว")
    assert _text(html) == "น้ำพริกหนุ่ม OTOP 5 ดาว"
    assert " OTOP 5 " in html
    assert _render("Hom Mali Rice & Co") == "Hom Mali Rice &amp; Co"


def test_the_filter_escapes_what_it_is_given():
    html = _render("<script>alert('ผ้าไหม')</script>")
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&#x27;")
    assert WORD.format("ผ้าไหม") in html
    html = _render('ผ้าไหม"><img src=x onerror=alert(1)>')
    assert "<img" not in html and "&quot;&gt;&lt;img" in html


def test_markup_already_safe_and_nothing_are_left_alone():
    safe = mark_safe("<b>ผ้าไหม</b>")
    assert _render(safe) == "<b>ผ้าไหม</b>"
    assert _render(None) == "" and _render("") == ""
    assert isinstance(thai_wrap("ผ้าไหม"), SafeData)


def test_the_registry_list_breaks_names_and_places_between_words(client, geography):
    producer = ProducerFactory(name_th="วิสาหกิจชุมชนทอผ้าห้วยยาง")
    make_entry(product=ProductFactory(name_th="ผ้าครามลายขิด", producer=producer))

    page = client.get("/registry/").content.decode()

    assert WORD.format("ผ้าคราม") + "<wbr>" + WORD.format("ลายขิด") in page
    assert WORD.format("วิสาหกิจชุมชน") + "<wbr>" + WORD.format("ทอผ้า") in page


def test_the_scoring_queue_columns_break_between_words():
    queue = admin.site._registry[QueueNomination]
    nomination = SimpleNamespace(
        pk=7,
        conflicted=False,
        product="ผ้าครามลายขิด",
        tambon_name="ห้วยยาง",
        amphoe_name="หางดง",
        province_name="เชียงใหม่",
    )
    assert WORD.format("ผ้าคราม") + "<wbr>" in queue.product_link(nomination)
    assert queue.area(nomination) == (
        WORD.format("ห้วยยาง") + " · " + WORD.format("หางดง")
    )
    assert queue.province(nomination) == WORD.format("เชียงใหม่")


def test_a_web_process_builds_the_dictionary_in_the_background():
    """otop/wsgi.py warms the dictionary up so that no visitor waits for it."""
    thread = warm_up()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert thai_words("ห้วยยาง") == ("ห้วยยาง",)
