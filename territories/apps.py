from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    """The territory pages (national, region, district, mahalla, "my mahallas"). They show who works where,
    so they sit above `accounts`; `mahallas` below knows the territory tree and nothing of people."""

    name = "territories"
