"""The Thai catalogue is complete and its compiled .mo (committed, so that a
fresh machine needs no gettext) matches the .po it was made from."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

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
