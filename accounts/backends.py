from django.contrib.auth.backends import ModelBackend

from .lockout import lock_in_force


class LockoutAwareModelBackend(ModelBackend):
    """The model backend, refusing accounts whose lock is in force even with the right password."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not lock_in_force(user)
