"""Sessions in PostgreSQL with the signed-in user's id in a column, so all of one user's sessions can be ended
at once (a lock, a deactivation, a role or scope change: accounts.receivers). Django's documented way of
extending the database session engine ("Extending database-backed session engines"); SESSION_ENGINE names
this module.

The column is written whenever the session is saved, so it follows the session through a key rotation
(sign-in, password change) and is cleared by a sign-out.
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        try:
            obj.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            obj.user_id = None
        return obj


def sessions_end(*, user_id: int) -> int:
    """Delete every session of this user (each of their browsers is signed out on its next request)."""
    from .models import UserSession

    deleted, _ = UserSession.objects.filter(user_id=user_id).delete()
    return deleted
