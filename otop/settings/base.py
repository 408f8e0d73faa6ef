"""Settings shared by every environment, read from the environment once.

Every value a deployment may change comes from an environment variable (or a
``.env`` file beside ``manage.py``); see README.md for the list.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Applications

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "import_export",
    "ninja",  # serves its Swagger UI from its own static files, not a CDN
    "csp",
    "axes",
    "core",
    "otop",
    "accounts",
    "communities",
    "products",
    "committees",
    "selection",
    "support",
    "notifications",
    "registry",
    "reports",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.ApiAnswersMiddleware",  # /api/ errors as JSON, HEAD bodiless
    "core.middleware.RefuseHostileInputMiddleware",  # a 400 before any view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # a 503, above the session
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.BadRequestPageMiddleware",  # a view's BadRequest: the 400 page
    # Last: turns a login that axes refused into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# RefuseHostileInputMiddleware: a longer path, or query-string key or value,
# is a 400 (characters, after percent-decoding).
REQUEST_MAX_PATH_CHARS = 2_000
REQUEST_MAX_PARAM_CHARS = 1_000

ROOT_URLCONF = "otop.urls"
WSGI_APPLICATION = "otop.wsgi.application"

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
                "notifications.context_processors.bell",
                "otop.navigation.menu",
            ],
            "builtins": ["core.templatetags.thai_dates", "core.templatetags.thai_text"],
        },
    },
]

# Cache: each process's memory unless CACHE_URL says otherwise (e.g.
# redis://127.0.0.1:6379/1 shares it between processes). What the registry
# caches is keyed by its last change, so a per-process copy is never stale.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Database: an embedded SQLite file unless DATABASE_URL says otherwise.

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's queries are short: JIT compiling them costs more than it
    # saves (70-85 ms on the registry's facet query at 100,000 entries).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an in-process task writes; IMMEDIATE
    # takes the write lock at BEGIN so concurrent writers wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Test databases are made from template0 in UTF-8, so that pg_trgm treats
    # Thai letters as word characters (Thai search, DESIGN.md §7).
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and permissions

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Public pages need no object permissions for anonymous visitors, so guardian
# does not create its "AnonymousUser" row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # each role's own work page (otop.navigation)
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): five failures for one username from one
# address lock that pair for 15 minutes, counted from the fifth failure
# (attempts while locked do not extend it); the login page and /admin/login/
# alike. Staff unlock early from the admin ("Access attempts").
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_ip"
# How many reverse proxies append to X-Forwarded-For in front of the app: 0
# means none, so the address is REMOTE_ADDR and the header is never trusted.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: Thai first, English available; Buddhist-Era years in Thai.

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

# Content-Security-Policy on every response (django-csp): no inline script or
# style anywhere, so pages, the admin and the API docs keep their code and CSS
# in static files. JSON-LD data blocks are not scripts and need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],  # the shipped Thai face, never a font CDN
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Static and uploaded files: WhiteNoise serves static files, no CDN.

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.PackageFilesFinder",
]
# Static files served from installed packages (core/staticfiles.py): the Thai
# typeface, Sarabun (OFL-1.1), from the fontpkg-sarabun wheel, as the faces
# static/css/fonts.css declares, with its licence beside them.
STATIC_PACKAGE_FILES = {
    "fonts/sarabun": (
        "fontpkg_sarabun",
        {
            "Sarabun-Regular.ttf": "files/Sarabun-Regular.ttf",
            "Sarabun-Italic.ttf": "files/Sarabun-Italic.ttf",
            "Sarabun-SemiBold.ttf": "files/Sarabun-SemiBold.ttf",
            "Sarabun-Bold.ttf": "files/Sarabun-Bold.ttf",
            "OFL.txt": "LICENSE",
        },
    ),
}
# WhiteNoise knows woff and woff2 but would serve .ttf as application/octet-stream,
# and types a file by its own name: fonts/sarabun/OFL.txt is the package's LICENSE.
WHITENOISE_MIMETYPES = {".ttf": "font/ttf", "license": "text/plain"}
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded spreadsheets waiting to be imported: never served. Web and Celery
# hosts must share it (a network volume) when they are separate machines.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# Files with at least this many rows are checked and imported by Celery tasks.
IMPORT_ASYNC_ROWS = env.int("IMPORT_ASYNC_ROWS", default=5000)
# Upload limits (core/uploads.py): size caps per kind, rows per import, and
# the XLSX bomb guard (uncompressed at most 100 MB and 100 times the file).
UPLOAD_MAX_IMAGE_BYTES = env.int("UPLOAD_MAX_IMAGE_BYTES", default=5 * 1024**2)
UPLOAD_MAX_DOCUMENT_BYTES = env.int("UPLOAD_MAX_DOCUMENT_BYTES", default=10 * 1024**2)
UPLOAD_MAX_IMPORT_BYTES = env.int("UPLOAD_MAX_IMPORT_BYTES", default=50 * 1024**2)
UPLOAD_MAX_ROUND_DOCUMENT_BYTES = env.int(
    "UPLOAD_MAX_ROUND_DOCUMENT_BYTES", default=20 * 1024**2
)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024**2
XLSX_MAX_RATIO = 100
XLSX_MAX_MEMBERS = 1000
# Files above 2.5 MB stream to a temporary file; other fields stay under 2.5 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Email: EMAIL_URL (e.g. smtp+tls://user:pass@host:587) or the console by default.

vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="OTOP Portal <no-reply@otop.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("DJANGO_EMAIL_TIMEOUT", default=10)
# Links in emails point here.
SITE_URL = env("DJANGO_SITE_URL", default="http://127.0.0.1:8000")

# Celery: with no broker configured, tasks run eagerly in-process (after commit,
# as callers schedule them with transaction.on_commit).

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "selection.tasks.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),  # 08:00 in Asia/Bangkok
    },
    "sweep-outbox": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": 60,
    },
    "expire-memberships": {
        "task": "committees.tasks.expire_memberships",
        "schedule": 60 * 60,
    },
    "registration-renewals": {
        "task": "communities.tasks.mark_registrations_renewal_due",
        "schedule": crontab(hour=7, minute=0),  # 07:00 in Asia/Bangkok
    },
    "sweep-import-jobs": {
        "task": "products.tasks.sweep_import_jobs",
        "schedule": 5 * 60,
    },
}
# OTOP producer registration (communities.services.registrations): how long an
# approval or a renewal holds, and how many days before its end the daily task
# marks it due for renewal and tells the tambon's officers.
OTOP_REGISTRATION_YEARS = env.int("OTOP_REGISTRATION_YEARS", default=2)
OTOP_REGISTRATION_REMINDER_DAYS = env.int("OTOP_REGISTRATION_REMINDER_DAYS", default=60)

# How long /healthz waits for the broker before calling it "down".
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=2.0)

# Logging: one line per record to the console; the platform collects it.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Failed logins and lockouts (warnings), not axes' line per login.
    "loggers": {"axes": {"level": "WARNING"}},
}
