"""The settings of the test run: the project's own, with a secret key made for this run.

With DJANGO_DEBUG off (as in production and in every test) the settings refuse to start without a real key, and
no key is ever committed: a fresh random one per run serves. Subprocesses started by tests inherit it.

Under pytest-xdist (`make test-fast`) each worker process is one more test run beside the others: pytest-django
gives it a test database of its own (test_<name>_gw0, _gw1, ...), and here its Redis keys get a prefix of their own
(cache and Celery broker), so that the workers never see each other's rate counters, doorbells or queued tasks.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from mahalla_safety.settings import *  # noqa: E402, F403
from mahalla_safety.settings import CACHES  # noqa: E402

XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

if XDIST_WORKER:
    CACHES["default"]["KEY_PREFIX"] = f"{CACHES['default']['KEY_PREFIX']}-{XDIST_WORKER}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{XDIST_WORKER}:"}
