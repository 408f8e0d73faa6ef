"""The Thai typeface ships with the portal (issue #20): Sarabun comes from the
``fontpkg-sarabun`` package, the portal serves it itself (staticfiles, WhiteNoise,
collectstatic), every page and the admin use it, and no font file is in git."""

import json
import os
import re
from pathlib import Path

import fontpkg_sarabun
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings

from core.staticfiles import PackageFilesFinder

FACES = ("Regular", "Italic", "SemiBold", "Bold")
TTF_MAGIC = b"\x00\x01\x00\x00"
NOT_OURS = {".git", ".venv", "node_modules", "staticfiles", "media", "private"}


def _read(static_path: str) -> str:
    return Path(finders.find(static_path)).read_text(encoding="utf-8")


@pytest.mark.parametrize("face", FACES)
def test_the_staticfiles_finders_find_each_face_in_the_installed_package(face):
    found = Path(finders.find(f"fonts/sarabun/Sarabun-{face}.ttf"))
    assert found.read_bytes()[:4] == TTF_MAGIC
    assert Path(fontpkg_sarabun.ROOT) in found.parents  # the wheel's, not a copy


def test_the_licence_travels_with_the_font():
    licence = _read("fonts/sarabun/OFL.txt")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Sarabun Project Authors" in licence


def test_no_font_binary_is_kept_in_the_repository():
    kept = []
    for folder, subfolders, files in os.walk(settings.BASE_DIR):
        subfolders[:] = [name for name in subfolders if name not in NOT_OURS]
        kept += [
            Path(folder, name)
            for name in files
            if Path(name).suffix.lower() in {".ttf", ".otf", ".woff", ".woff2"}
        ]
    assert kept == []


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/static/fonts/sarabun/Sarabun-Regular.ttf", "font/ttf"),
        ("/static/fonts/sarabun/Sarabun-Bold.ttf", "font/ttf"),
        ("/static/fonts/sarabun/OFL.txt", "text/plain"),
        ("/static/css/fonts.css", "text/css"),
    ],
)
def test_the_portal_serves_the_font_itself(client, path, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    body = b"".join(response.streaming_content)
    assert body == Path(finders.find(path.removeprefix("/static/"))).read_bytes()


def test_the_stylesheet_declares_regular_and_bold_that_swap_in():
    css = _read("css/fonts.css")
    faces = re.findall(r"@font-face\s*{([^}]*)}", css)
    declared = {
        (re.search(r"font-weight:\s*(\d+)", face)[1], "italic" in face)
        for face in faces
    }
    assert {("400", False), ("700", False)} <= declared
    for face in faces:
        assert 'font-family: "Sarabun"' in face and "font-display: swap" in face
        url = re.search(r'url\("\.\./([^"]+)"\)', face)[1]
        assert finders.find(url), url  # every face points at a served file
    stack = re.search(r"--font-thai:([^;]+);", css)[1]
    names = [name.strip().strip('"') for name in stack.split(",")]
    assert names[0] == "Sarabun" and names[-1] == "sans-serif"
    assert {"Noto Sans Thai", "Leelawadee UI", "Tahoma", "system-ui"} <= set(names)


@pytest.mark.parametrize(
    ("stylesheet", "rule"),
    [
        ("css/site.css", "font-family: var(--font-thai"),
        ("css/admin.css", "--font-family-primary: var(--font-thai"),
        ("css/ranking-print.css", "font-family: var(--font-thai"),
    ],
)
def test_the_portal_the_admin_and_the_printed_ranking_use_the_face(stylesheet, rule):
    assert rule in _read(stylesheet)


def test_the_portal_pages_link_the_face(client, db):
    page = client.get("/").content.decode()
    assert 'href="/static/css/fonts.css"' in page
    assert (
        '<link rel="preload" href="/static/fonts/sarabun/Sarabun-Regular.ttf" '
        'as="font" type="font/ttf" crossorigin>'
    ) in page


def test_every_admin_page_links_the_face_and_the_admin_stylesheet(client, db):
    page = client.get("/admin/login/").content.decode()
    assert 'href="/static/css/fonts.css"' in page
    assert 'href="/static/css/admin.css"' in page


def test_the_content_security_policy_takes_fonts_from_the_portal_only(client, db):
    policy = client.get("/")["Content-Security-Policy"]
    assert "font-src 'self'" in policy


def test_the_footer_credits_the_typeface_and_its_licence(client, db):
    page = client.get("/").content.decode()
    assert "Sarabun" in page
    assert 'href="/static/fonts/sarabun/OFL.txt"' in page


def test_collectstatic_gathers_the_faces_for_production(tmp_path):
    production_storage = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=production_storage):
        call_command("collectstatic", interactive=False, verbosity=0)
    for face in FACES:
        assert (tmp_path / f"fonts/sarabun/Sarabun-{face}.ttf").is_file()
    assert (tmp_path / "fonts/sarabun/OFL.txt").is_file()
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    hashed_font = manifest["fonts/sarabun/Sarabun-Regular.ttf"]
    hashed_css = (tmp_path / manifest["css/fonts.css"]).read_text()
    assert f'url("../{hashed_font}")' in hashed_css  # cache-busted, still relative


def test_a_missing_package_or_file_is_a_system_check_error():
    declared = {
        "fonts/gone": ("no_such_font_package", {"Gone.ttf": "Gone.ttf"}),
        "fonts/sarabun": ("fontpkg_sarabun", {"Moved.ttf": "files/Moved.ttf"}),
    }
    with override_settings(STATIC_PACKAGE_FILES=declared):
        finder = PackageFilesFinder()
        errors = {error.id for error in finder.check()}
        assert finder.find("fonts/sarabun/Moved.ttf") is None
        assert list(finder.list([])) == []
    assert errors == {"core.E001", "core.E002"}


def test_whitenoise_lists_the_faces_from_the_finders(tmp_path):
    """WhiteNoise (production, and runserver with finders) lists every
    finder's files with no ignore patterns (None) when it starts."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    names = {name for name, _storage in PackageFilesFinder().list(None)}
    assert "Sarabun-Regular.ttf" in {Path(name).name for name in names}
    with override_settings(
        STATIC_ROOT=tmp_path, WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=False
    ):
        middleware = WhiteNoiseMiddleware(get_response=lambda request: None)
    assert any("Sarabun-Regular.ttf" in url for url in middleware.files)
