"""Settings for the e-KTP recording campaign tracker, read from the environment.

SQLite by default; PostgreSQL with DATABASE_URL. Production needs SECRET_KEY,
ALLOWED_HOSTS and (behind HTTPS on another origin) CSRF_TRUSTED_ORIGINS.
"""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
# Required unless DEBUG: without it django-environ stops start-up naming the variable.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-key-do-not-use-in-production" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The site's own address, for links in e-mails sent outside a request (send_reminders).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# E-mail through a URL (smtp+tls://user:password@host:587); the console until one is given.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ektp-tracker@localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "regions",
    "campaigns",
    "devices",
    "residents",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (a report page 6 kB → 2 kB on a phone's slow line); Django pads each
    # response against BREACH. WhiteNoise serves static files compressed already.
    "django.middleware.gzip.GZipMiddleware",
    # Below WhiteNoise, so static files keep their long cache; every page gets these three.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.middleware.NoStoreMiddleware",
    "config.middleware.SessionMiddleware",  # Django's, leaving the session alone on a 5xx
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RefuseNulMiddleware",  # after the language: its 400 page is the user's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables (counts, schedules, deadlines).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    # SQLite unless DATABASE_URL=postgres://user:pass@host:5432/ektp
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # a failed request saves nothing
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is tested before each request uses it: after the database restarts,
# the next request reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each transaction takes the write lock at BEGIN, so that one that reads, then writes
    # (the ledger's balance check) waits for the others (PostgreSQL locks a row instead).
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
else:
    # An unreachable database answers the 503 page in seconds, not after the proxy's timeout
    # (libpq waits at least 2 seconds a host address; name the server by its IP address).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=2)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 failures for one username from one address, that pair (not the whole office
# behind the address, not the user everywhere) waits 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address, through django-ipware. Behind the reverse proxy of README.md
# ("Deploying"), which appends the address it sees to X-Forwarded-For, set
# AXES_IPWARE_PROXY_COUNT=1: the address the proxy saw is then the last one of the header,
# so an address a client writes into the header itself is ignored. ipware counts only the
# proxies listed in the header, and the last proxy's own address is REMOTE_ADDR: one fewer.
# Without the variable, the connection's own address (REMOTE_ADDR) is used.
if proxies := env.int("AXES_IPWARE_PROXY_COUNT", default=0):
    AXES_IPWARE_PROXY_COUNT = proxies - 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    # Count from the right, however many addresses a client put in front.
    IPWARE_STRICT = False
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Indonesian first, English second. WITA: a report entered at 07:30 in Kefamenanu
# belongs to that day, not the day before.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
# 23/01/2024 and 5.312: config/formats/id adjusts Django's "id" formats.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Secure unless DEBUG, so that `check --deploy` is clean in production.
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER_ENABLED=True.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Everything from the app's own origin, nothing inline: no <script> or <style> in a page,
# no style="" attribute (the charts draw with SVG presentation attributes, which CSP allows).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page needs a camera, a microphone or a location; nor may anything embedded ask for one.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    ]
}

# A session ends after a working day without a request (each request starts the clock
# again: config.middleware.SessionMiddleware), so a phone left logged in overnight is
# logged out by morning.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_HOURS", default=8) * 60 * 60

# Uploaded backlog lists wait in the "imports" storage between the upload and the end of
# their import job (they hold NIKs: readable by the app's own user only; removed when the
# save ends or fails, and by `import_cleanup` a day after a dry run). A local folder by
# default; with web servers and workers on several machines, a shared backend, e.g.
# IMPORT_STORAGE='{"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {...}}'.
IMPORT_DIR = env.path("IMPORT_DIR", default=BASE_DIR / "var" / "imports")
STORAGES["imports"] = env.json(
    "IMPORT_STORAGE",
    default={
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(IMPORT_DIR),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
)
# A list that has, or unpacks to, more than this is refused by name before it is read
# (a 6 MB .xlsx can unpack to a million rows).
RESIDENT_IMPORT_MAX_ROWS = env.int("RESIDENT_IMPORT_MAX_ROWS", default=1_000_000)
RESIDENT_IMPORT_MAX_UNPACKED_MB = env.int("RESIDENT_IMPORT_MAX_UNPACKED_MB", default=500)
# An import job whose worker has given no sign of life for this long was stopped half way.
IMPORT_JOB_STALE_MINUTES = env.int("IMPORT_JOB_STALE_MINUTES", default=10)
IMPORT_KEEP_HOURS = env.int("IMPORT_KEEP_HOURS", default=24)

# Background jobs (the import) through Django's Tasks API (django-tasks until Django 6),
# queued in the database and run by `manage.py db_worker`; TASKS_BACKEND can name another
# backend (e.g. Celery or RQ) without changing the code.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}

# Whole-NIK searches a day by someone who sees NIKs masked (residents.services.nik_lookup_record).
NIK_LOOKUPS_PER_DAY = env.int("NIK_LOOKUPS_PER_DAY", default=10)

# How long the audit log (campaigns.AuditEntry, and the logs of exports and whole-NIK
# searches) is kept: `manage.py purge_audit` removes older entries. Two years by default.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)
# UU 27/2022: a closed campaign's residents (names, NIKs, birth dates) are removed by
# `manage.py purge_residents` this many days after its last day or its closing, whichever
# is later; every count stays (residents.services.residents_purge).
RESIDENT_RETENTION_DAYS = env.int("RESIDENT_RETENTION_DAYS", default=180)

# Every handler masks NIKs (residents.log); runserver's request lines go through it too.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_niks": {"()": "residents.log.MaskNiks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_niks"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_niks"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
