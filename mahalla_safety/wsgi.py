import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mahalla_safety.settings")

application = get_wsgi_application()

from mahalla_safety.startup import freeze_loaded_objects  # noqa: E402 - needs the configured application

freeze_loaded_objects()
