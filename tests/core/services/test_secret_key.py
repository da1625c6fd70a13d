"""With DJANGO_DEBUG off the platform refuses to start with a missing or published DJANGO_SECRET_KEY."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent.parent
PUBLISHED = ["insecure-dev-key-only-for-local-runs-never-in-production", "change-me-to-50-random-characters",
             "compose-demo-secret-key-change-me-in-any-real-deployment", ""]


def _start(**env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.SECRET_KEY))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "mahalla_safety.settings", **env},
                          check=False)


@pytest.mark.parametrize("key", PUBLISHED)
def test_a_published_or_empty_key_is_refused_without_debug(key):
    done = _start(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=key)
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr and "DJANGO_SECRET_KEY" in done.stderr


def test_debug_runs_may_use_the_development_key():
    done = _start(DJANGO_DEBUG="true", DJANGO_SECRET_KEY="")
    assert done.returncode == 0, done.stderr


def test_a_real_key_starts():
    done = _start(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 50
