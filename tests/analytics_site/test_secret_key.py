"""Outside DEBUG the product refuses to start without a real signing key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from analytics_site.env import DEVELOPMENT_SECRET_KEY, env_secret_key

ROOT = Path(__file__).resolve().parents[2]


def test_a_missing_key_stops_the_start_outside_debug(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        env_secret_key("SECRET_KEY", debug=False)


@pytest.mark.parametrize(
    "key", [DEVELOPMENT_SECRET_KEY, "change-me-to-a-long-random-string", "short-key"]
)
def test_a_placeholder_or_short_key_stops_the_start_outside_debug(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ImproperlyConfigured):
        env_secret_key("SECRET_KEY", debug=False)


def test_debug_runs_on_the_development_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert env_secret_key("SECRET_KEY", debug=True) == DEVELOPMENT_SECRET_KEY


def test_a_long_random_key_is_used(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 20 + "0123456789abcdefghij")
    assert env_secret_key("SECRET_KEY", debug=False) == "k" * 20 + "0123456789abcdefghij"


def test_the_settings_module_refuses_to_load_without_a_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", "import analytics_site.settings"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
