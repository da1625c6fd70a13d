"""The settings of the test run: the project's own, with a secret key made for this run.

With DJANGO_DEBUG off (as in production and in every test) the settings refuse to start without a real key, and
no key is ever committed: a fresh random one per run serves. Subprocesses started by tests inherit it.
"""

import os
import secrets

os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

from mahalla_safety.settings import *  # noqa: E402, F403
