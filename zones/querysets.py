from django.db import models

from mahallas.scope import scope_of


class MahallaStatusQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="mahalla")


class ColourChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_of(user).apply(self, mahalla_path="mahalla")
