"""The Thai catalogue is complete and its compiled .mo (committed, so that a
fresh machine needs no gettext) matches the .po it was made from."""

import json
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"))


def _messages(catalogue):
    return {
        (entry.msgctxt, entry.msgid): (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        )
        for entry in catalogue
        if not entry.obsolete and "fuzzy" not in entry.flags and entry.msgid
    }


def test_there_is_a_thai_catalogue():
    assert Path(settings.BASE_DIR, "locale/th/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated(po_path):
    catalogue = polib.pofile(po_path)
    assert not catalogue.metadata_is_fuzzy
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_compiled_catalogue_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"run: manage.py compilemessages ({mo_path} missing)"
    assert _messages(polib.mofile(mo_path)) == _messages(polib.pofile(po_path)), (
        f"{mo_path} is stale: run manage.py compilemessages"
    )


def test_the_admins_own_words_are_in_thai():
    """Django's Thai catalogue leaves some admin words in English; the portal's
    translates them (core/django_thai.py names them for makemessages)."""
    from core.django_thai import WORDS

    with translation.override("th"):
        assert [word for word in WORDS if gettext(word) == word] == []
        assert gettext("Start typing to filter…") == "พิมพ์เพื่อค้นหาเมนู…"
        assert (
            ngettext(
                "Please correct the error below.", "Please correct the errors below.", 1
            )
            == "กรุณาแก้ไขข้อผิดพลาดด้านล่าง"
        )


@pytest.mark.django_db
def test_the_admins_javascript_counts_the_selection_in_thai(admin_client):
    """The change list's "0 of 12 selected" comes from the admin's JavaScript
    catalogue, whose Thai Django leaves half English."""
    catalogue = admin_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="th")

    assert catalogue.status_code == 200
    thai = json.dumps("เลือกแล้ว %(sel)s จาก %(cnt)s รายการ")
    assert thai in catalogue.content.decode()
