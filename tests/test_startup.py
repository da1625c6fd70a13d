"""The web process's start-up (mahalla_safety/wsgi.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wsgi_import_loads_the_views_and_freezes_them():
    code = ("import gc, sys, mahalla_safety.wsgi; "
            "print(gc.get_freeze_count(), 'dashboards.views' in sys.modules, 'incidents.views' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "mahalla_safety.settings"}, check=False)
    assert done.returncode == 0, done.stderr
    frozen, dashboards_loaded, incidents_loaded = done.stdout.split()
    # Everything Django, DRF and the project's modules allocate: tens of thousands of objects.
    assert int(frozen) > 50_000
    assert dashboards_loaded == incidents_loaded == "True"
