from django.contrib.auth.backends import ModelBackend


class LockoutAwareModelBackend(ModelBackend):
    """The model backend, refusing locked accounts even with the right password."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.locked_at is None
