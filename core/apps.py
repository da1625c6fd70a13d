from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every app uses and no domain owns: errors, the API base, HTMX rendering, periods, spreadsheets,
    the fail-soft cache and the doorbell queue. It imports no other app of the project."""

    name = "core"
    verbose_name = "Core"
