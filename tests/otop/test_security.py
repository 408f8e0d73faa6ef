"""Deploy settings and the Content-Security-Policy: every page is sent a
policy without 'unsafe-inline', and no template brings inline code back."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.accounts.factories import UserFactory

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"

# E-mail bodies are not web pages: no CSP applies, and mail clients ignore
# stylesheets, so their styles stay inline.
EMAIL_TEMPLATES = {"notifications/email.html"}
# <script> elements the browser does not run: data blocks, which CSP ignores.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}

STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^<>]*\sstyle\s*=", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^<>]*\s(on[a-z]+)\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
SCRIPT_TYPE = re.compile(r"""\stype\s*=\s*["']([^"']+)["']""", re.I)


def inline_code(html: str) -> list[str]:
    """What a strict CSP would block: <style> elements, style attributes,
    on… handler attributes, and <script> elements that run without src."""
    found = [f"<style> at {m.start()}" for m in STYLE_ELEMENT.finditer(html)]
    found += [f"style= at {m.start()}" for m in STYLE_ATTRIBUTE.finditer(html)]
    found += [f"{m.group(1)}= at {m.start()}" for m in HANDLER_ATTRIBUTE.finditer(html)]
    for m in SCRIPT_TAG.finditer(html):
        attributes = m.group(1)
        kind = SCRIPT_TYPE.search(attributes)
        if "src=" in attributes or (kind and kind.group(1) in DATA_SCRIPT_TYPES):
            continue
        found.append(f"inline <script> at {m.start()}")
    return found


def test_the_detector_finds_each_kind_of_inline_code():
    html = (
        '<style>p{}</style><p style="x"><a href="#" onclick="f()">'
        '<script>f()</script><script type="module">g()</script>'
        '<script src="/s.js"></script><script type="application/ld+json">{}</script>'
    )

    found = inline_code(html)

    assert len(found) == 5, found
    assert any("onclick" in f for f in found)


def test_no_template_has_inline_script_style_or_handlers():
    offenders = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in EMAIL_TEMPLATES:
            continue
        if found := inline_code(path.read_text(encoding="utf-8")):
            offenders[name] = found
    assert not offenders, offenders


# The policy each response carries.


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/registry/", "/accounts/login/", "/admin/login/", "/api/docs/"]
)
def test_public_pages_are_sent_a_strict_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_strict(directives(response))


@pytest.mark.django_db
def test_the_404_page_is_sent_the_policy_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_strict(directives(response))


@pytest.fixture
def admin_client_(client, central_staff):
    client.force_login(central_staff)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/axes/accessattempt/",
        "/admin/communities/producer/export/",
        "/officer/",
    ],
)
def test_signed_in_pages_have_no_inline_code_and_a_strict_policy(admin_client_, path):
    response = admin_client_.get(path)

    assert response.status_code == 200
    assert_strict(directives(response))
    assert not inline_code(response.content.decode())


def test_a_change_form_has_no_inline_code(admin_client_):
    user = UserFactory(username="somsri")

    response = admin_client_.get(f"/admin/accounts/user/{user.pk}/change/")

    assert response.status_code == 200
    assert not inline_code(response.content.decode())


def test_the_export_page_uses_the_projects_csp_safe_template(admin_client_):
    html = admin_client_.get("/admin/communities/producer/export/").content.decode()

    assert "js/export-select-toggle.js" in html
    assert 'class="select-toggle"' in html  # the box the script binds


# Production settings.


def run_with_production_settings(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "otop.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "otop.example.go.th",
    }
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_production_settings():
    result = run_with_production_settings(
        "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_keeps_the_strict_policy_and_trusts_one_proxy():
    result = run_with_production_settings(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(d['script-src'], d['style-src'], "
        "d.get('upgrade-insecure-requests'), s.TRUSTED_PROXY_COUNT, "
        "s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "[\"'self'\"] [\"'self'\"] True 1 ('HTTP_X_FORWARDED_PROTO', 'https') True"
    )
