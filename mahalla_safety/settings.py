"""One settings module for every environment: everything that differs comes from the environment.

See `.env.example` for the variables; `docs/SECURITY.md` for what production must set.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Keys that were published with this code (the old default, .env.example's, docker-compose's old default): anyone
# holding one can forge sessions, password-reset links and the audit trail's hashes. `make run` writes a random key
# to .env (scripts/setup.sh); the test suite makes one per run (tests/settings.py).
DEV_SECRET_KEY = "insecure-dev-key-only-for-local-runs-never-in-production"  # noqa: S105 - DEBUG runs only
PUBLISHED_SECRET_KEYS = frozenset({
    DEV_SECRET_KEY, "change-me-to-50-random-characters", "compose-demo-secret-key-change-me-in-any-real-deployment",
})
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY.strip() or SECRET_KEY in PUBLISHED_SECRET_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is missing or is a key published with the code; with DJANGO_DEBUG off the platform "
            "refuses to start. Set it (50+ random characters) in the environment or in .env.")
    SECRET_KEY = SECRET_KEY.strip() or DEV_SECRET_KEY
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    # The admin, with every save recorded in the audit trail's change store (audit/admin_site.py).
    "audit.admin_site.AuditedAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "leaflet",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Project apps, lowest layer first (see README: layers).
    "core",
    "mahallas",
    "audit",
    "accounts",
    "territories",
    "incidents",
    "roadmaps",
    "surveillance",
    "zones",
    "risk",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "audit.context.AuditRequestContextMiddleware",
    "core.middleware.RequestLimitsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditDeniedMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "mahalla_safety.urls"
WSGI_APPLICATION = "mahalla_safety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgis://postgres@127.0.0.1:5432/mahalla_safety"),
}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
# A Redis outage degrades the cache (misses, no writes) instead of failing requests: core/cache.py.
# The timeouts bound what an unreachable server costs; the cache's commands are small and local.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailSoftRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="ms"),
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT, "socket_timeout": REDIS_SOCKET_TIMEOUT},
    }
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "uz"
LANGUAGES = [
    ("uz", _("O'zbekcha")),
    ("ru", _("Русский")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Numbers and dates follow the page's language (Django's uz/ru conventions: "0,11", "06.12.2026"); English keeps
# its "." decimal mark but writes dates day first like the rest of the platform; every language groups thousands
# with a narrow no-break space (core/locale_formats).
# USE_THOUSAND_SEPARATOR stays off: it would also group ids written into links and form values; figures meant
# for people are grouped explicitly (core.formats.number, the `number` filter, floatformat:"0g").
FORMAT_MODULE_PATH = ["core.locale_formats"]
TIME_ZONE = "Asia/Tashkent"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.AuditedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a bounded nesting depth (accounts/parsers.py); the other two are DRF's defaults.
    "DEFAULT_PARSER_CLASSES": [
        "accounts.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.PerTokenOrUserRateThrottle",
        "accounts.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_RATE_USER", default="600/min"),
        "anon": env.str("API_RATE_ANON", default="60/min"),
    },
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mahalla Safety API",
    "DESCRIPTION": "Territories, field work, surveillance alerts, crime-free zone status, roadmaps and dashboards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI's files come from the sidecar package: the intranet has no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DistrictKindEnum": "mahallas.models.District.Kind",
        "IncidentStatusEnum": "incidents.models.IncidentStatus",
        "VisitKindEnum": "incidents.models.VisitKind",
        "SupportCaseStatusEnum": "incidents.models.CaseStatus",
        "AlertStatusEnum": "surveillance.models.AlertStatus",
        "CameraStatusEnum": "surveillance.models.CameraStatus",
        "PullVendorEnum": "surveillance.serializers.PULL_VENDOR_CHOICES",
        "VendorEnum": "surveillance.models.Vendor",
        "RoadmapStatusEnum": "roadmaps.models.RoadmapStatus",
        "RoadmapItemStatusEnum": "roadmaps.models.ItemStatus",
        "ZoneColourEnum": "zones.models.Colour",
        "ChangeRequestKindEnum": "incidents.models.ChangeKind",
        "ChangeRequestStatusEnum": "incidents.models.ChangeRequestStatus",
        "RiskRankedByEnum": "risk.models.RankedBy",
        "RiskSpotKindEnum": "risk.models.SpotKind",
    },
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Periodic tasks expire after their interval: a backlog of missed runs never piles up.
    "surveillance-alerts-sweep": {"task": "surveillance.tasks.alerts_sweep", "schedule": 15.0,
                                  "options": {"expires": 15}},
    "surveillance-cameras-mark-offline": {"task": "surveillance.tasks.cameras_mark_offline", "schedule": 60.0,
                                          "options": {"expires": 60}},
    "surveillance-alert-media-purge": {"task": "surveillance.tasks.alert_media_purge", "schedule": 3600.0,
                                       "options": {"expires": 3600}},
    # Zone status: re-ring for dirty mahallas whose message was lost; every mahalla recomputed nightly.
    "zones-status-sweep": {"task": "zones.tasks.zone_status_sweep", "schedule": 60.0, "options": {"expires": 60}},
    "zones-status-nightly": {"task": "zones.tasks.zone_status_recompute_nightly",
                             "schedule": crontab(hour=0, minute=10), "options": {"expires": 3600}},
    # Dashboards: what changed since the watermark (visits send no signal); every pre-aggregate nightly.
    "dashboards-stats-sweep": {"task": "dashboards.tasks.dashboards_stats_sweep", "schedule": 300.0,
                               "options": {"expires": 300}},
    "dashboards-stats-rebuild": {"task": "dashboards.tasks.dashboards_stats_rebuild",
                                 "schedule": crontab(hour=1, minute=30), "options": {"expires": 3600}},
    # Risk scores, hot spots and backtest of the week that has just begun: Monday night (Tashkent), after the
    # nightly rebuilds; a missed run expires (the next Monday computes its own week, last week's scores stay).
    "risk-compute-weekly": {"task": "risk.tasks.risk_compute_weekly",
                            "schedule": crontab(day_of_week="mon", hour=2, minute=30),
                            "options": {"expires": 6 * 3600}},
}

# --- Surveillance (camera alerts) ---------------------------------------------------------------------
# A camera with no heartbeat and no alert for this long is shown offline.
CAMERA_OFFLINE_AFTER_SECONDS = env.int("CAMERA_OFFLINE_AFTER_SECONDS", default=10 * 60)
# Pictures and raw payloads of alerts not held as evidence (no incident) are deleted after this.
ALERT_RETENTION_DAYS = env.int("ALERT_RETENTION_DAYS", default=30)
# Alerts of one camera and event type this close together form one group.
ALERT_GROUP_WINDOW_SECONDS = env.int("ALERT_GROUP_WINDOW_SECONDS", default=5 * 60)
# Raw events one task claims and processes in one transaction.
SURVEILLANCE_BATCH_SIZE = env.int("SURVEILLANCE_BATCH_SIZE", default=500)
# A claim older than this is taken to belong to a dead worker. Taking a live worker's claim over cannot
# process anything twice (the batch's rows stay locked until its transaction commits processed_at), so this
# only has to outlast the moment between a claim's commit and that lock; it bounds how long a killed
# worker's events wait (this plus the sweep's interval).
SURVEILLANCE_CLAIM_STALE_SECONDS = env.int("SURVEILLANCE_CLAIM_STALE_SECONDS", default=20)
# The sweep (CELERY_BEAT_SCHEDULE) re-enqueues events stored at least this long ago and still unprocessed: after
# a lost doorbell (Redis down, broker wiped) an event waits at most this plus the sweep's interval. A fresh
# event's own task is usually done within a second, so this re-enqueues almost nothing twice (and twice is
# harmless).
SURVEILLANCE_SWEEP_AFTER_SECONDS = env.int("SURVEILLANCE_SWEEP_AFTER_SECONDS", default=15)
SURVEILLANCE_SWEEP_LIMIT = env.int("SURVEILLANCE_SWEEP_LIMIT", default=20_000)
# Requests per integration token (DRF rate syntax).
SURVEILLANCE_INGEST_RATE = env.str("SURVEILLANCE_INGEST_RATE", default="6000/min")
# Refused tokens (unknown, revoked, malformed) per client address: past it the address gets 429 before any
# token is looked up, so guessing tokens costs the database nothing and gets nowhere.
SURVEILLANCE_REFUSED_TOKENS_PER_IP = env.str("SURVEILLANCE_REFUSED_TOKENS_PER_IP", default="30/min")
# How long a process may trust what it read about a token without reading the database again. Rotation
# and revocation reach every process at once through Redis; this only bounds a copy whose notice Redis lost.
SURVEILLANCE_TOKEN_CACHE_SECONDS = env.int("SURVEILLANCE_TOKEN_CACHE_SECONDS", default=30)
SURVEILLANCE_BATCH_MAX = env.int("SURVEILLANCE_BATCH_MAX", default=1000)
SURVEILLANCE_PICTURE_MAX_BYTES = env.int("SURVEILLANCE_PICTURE_MAX_BYTES", default=2 * 1024 * 1024)
MQTT_URL = env.str("MQTT_URL", default="mqtt://127.0.0.1:1883")
MQTT_TOPIC = env.str("MQTT_TOPIC", default="frigate/events")
# Fixed, so the broker keeps this consumer's session (and queues QoS 1 messages) across restarts.
MQTT_CLIENT_ID = env.str("MQTT_CLIENT_ID", default="mahalla-safety-ingest")
# The integration MQTT events are stored as (its district's cameras are the ones they can match).
MQTT_INTEGRATION = env.str("MQTT_INTEGRATION", default="")
# Pulled devices (manage.py ingest_pull): their passwords are encrypted with these Fernet keys, comma-separated,
# newest first (surveillance/credentials.py; rotate with manage.py device_credentials_rotate). Never SECRET_KEY.
DEVICE_CREDENTIAL_KEYS = env.list("DEVICE_CREDENTIAL_KEYS", default=[])
# A stream silent for this long (no event, no keep-alive: Hikvision and Dahua send one every few seconds) is
# taken for dead: the pull process marks it offline and reconnects, well within the minute pages allow.
PULL_READ_TIMEOUT_SECONDS = env.float("PULL_READ_TIMEOUT_SECONDS", default=30.0)
# NVRs mostly have self-signed certificates: for https devices, set this to false only on a closed network.
PULL_VERIFY_TLS = env.bool("PULL_VERIFY_TLS", default=True)
# The pull process re-reads the device list this often (new, changed, disabled devices).
PULL_RELOAD_SECONDS = env.float("PULL_RELOAD_SECONDS", default=30.0)
# Database connections the pull process stores its batches through, in parallel.
PULL_WRITERS = env.int("PULL_WRITERS", default=3)
# Events the pull process holds in memory while the database is away; past it, it stops reading the streams.
PULL_BUFFER_EVENTS = env.int("PULL_BUFFER_EVENTS", default=20_000)

# Map: no outside tile server is reachable from government intranets, so by default the map draws
# only our own layers; an operator with an internal tile server sets MAP_TILES_URL.
MAP_TILES_URL = env.str("MAP_TILES_URL", default="")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (41.3, 64.5),
    "DEFAULT_ZOOM": 5,
    "MIN_ZOOM": 4,
    "MAX_ZOOM": 18,
    "TILES": [(_("Map"), MAP_TILES_URL, {"attribution": "&copy; OpenStreetMap"})] if MAP_TILES_URL else [],
    "ATTRIBUTION_PREFIX": "Mahalla Safety",
    "RESET_VIEW": False,
}

DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Mahalla-Demo-2026")

# A report must be decided (registered, found unfounded, referred) within this many days of being reported;
# past it the report is flagged overdue on the district's pages and in the count-changes report.
INCIDENT_DECISION_DAYS = env.int("INCIDENT_DECISION_DAYS", default=3)

# --- Risk model ----------------------------------------------------------------------------------------
# The weekly run waits this long for a table lock before it fails (and is retried); the last scores stay.
RISK_LOCK_TIMEOUT_MS = env.int("RISK_LOCK_TIMEOUT_MS", default=30_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every step of every PDF at INFO, and at WARNING each browser-only rule of the stylesheet.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"},
                "fontTools": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6, which cannot sandbox spatial-reference lookups (gis.W001). Boundary files
# are imported only by administrators from the command line, never uploaded by users.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Trust baseline (docs/SECURITY.md) -------------------------------------------------------------
# TLS terminates at the operator's proxy; DJANGO_HTTPS=true turns on everything that assumes HTTPS.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# The client IP is taken from X-Forwarded-For only when the request comes from one of these proxies.
TRUSTED_PROXY_IPS = env.list("TRUSTED_PROXY_IPS", default=[])

# CJIS-style session rules: 30 minutes idle, 12 hours absolute.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# PostgreSQL sessions that know their user, so a lock or a role change ends all of them (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
LOGIN_URL_PATH = "/accounts/login/"

REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_ALLOWED_CONTENT_TYPES = {
    "application/json", "application/xml", "text/xml", "multipart/form-data",
    "application/x-www-form-urlencoded",
}

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    # Leaflet and HTMX set element styles from script, which CSP allows; markup stays free of style="".
    "style-src": "'self'",
    "img-src": "'self' data: blob:" + (f" {MAP_TILES_URL.split('/{')[0]}" if MAP_TILES_URL else ""),
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

AUTHENTICATION_BACKENDS = ["accounts.backends.LockoutAwareModelBackend"]
LOCKOUT_THRESHOLD = env.int("LOCKOUT_THRESHOLD", default=5)
LOCKOUT_WINDOW_SECONDS = env.int("LOCKOUT_WINDOW_SECONDS", default=15 * 60)
# A lock releases itself after this long (CJIS: "10 minutes or until an administrator releases it").
LOCKOUT_DURATION_SECONDS = env.int("LOCKOUT_DURATION_SECONDS", default=15 * 60)
# Failed sign-in and two-factor attempts per client IP and per username in SIGNIN_THROTTLE_WINDOW_SECONDS.
# The IP limit is generous: one office (or one mobile carrier's NAT) signs in from one address.
SIGNIN_THROTTLE_IP_FAILURES = env.int("SIGNIN_THROTTLE_IP_FAILURES", default=60)
SIGNIN_THROTTLE_USERNAME_FAILURES = env.int("SIGNIN_THROTTLE_USERNAME_FAILURES", default=10)
SIGNIN_THROTTLE_WINDOW_SECONDS = env.int("SIGNIN_THROTTLE_WINDOW_SECONDS", default=15 * 60)

# API tokens (django-rest-knox): stored as SHA-512 digests, sent as "Authorization: Token <token>".
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

OTP_TOTP_ISSUER = "Mahalla Safety"
# The admin never shows a device's seed (key) or its QR code: whoever reads it can mint codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Paths a signed-in user of a two-factor role may reach before the second factor is verified.
TWO_FACTOR_EXEMPT_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/i18n/", "/static/", "/healthz")
