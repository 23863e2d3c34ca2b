"""Safe defaults: `manage.py check --deploy` is silent with the documented production settings.

The settings are read from the ```env block of docs/deployment.md ("Production
settings"), so the documentation and this test cannot drift apart.
"""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from analytics_site.env import proxy_ssl_header

ROOT = Path(__file__).resolve().parents[2]


def documented_production_settings() -> dict[str, str]:
    text = (ROOT / "docs" / "deployment.md").read_text()
    section = text[text.index("## Production settings") :]
    block = re.search(r"```env\n(.*?)```", section, re.S)
    assert block, "docs/deployment.md has no ```env block under Production settings"
    values = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    if values.get("SECRET_KEY", "").startswith("<"):
        values["SECRET_KEY"] = secrets.token_urlsafe(50)  # the placeholder says: a real one
    return values


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_silent_with_the_documented_production_settings():
    settings = documented_production_settings()
    assert {"SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER"} <= set(
        settings
    )
    result = check_deploy(settings)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_check_deploy_warns_without_them():
    result = check_deploy({"SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "false"})
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no SSL redirect


def test_the_processes_refuse_to_start_with_the_development_key_outside_debug():
    settings = {**documented_production_settings(), "SECRET_KEY": ""}
    result = check_deploy(settings)
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr


def test_a_bad_hsts_value_stops_the_start():
    result = check_deploy({**documented_production_settings(), "SECURE_HSTS_SECONDS": "a year"})
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be an integer" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")), ("", None)],
)
def test_the_proxy_ssl_header_is_read_from_a_header_name(monkeypatch, raw, expected):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", raw)
    assert proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == expected


def test_a_proxy_ssl_header_that_is_no_header_name_stops_the_start(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    with pytest.raises(ImproperlyConfigured, match="header name"):
        proxy_ssl_header("SECURE_PROXY_SSL_HEADER")


@pytest.mark.django_db
def test_the_ssl_redirect_spares_health_checks_and_the_proxy_header_marks_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 300
    assert client.get("/login/").status_code == 301
    assert client.get("/health").status_code == 200
    over_https = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert over_https.status_code == 200
    assert over_https["Strict-Transport-Security"].startswith("max-age=300")
