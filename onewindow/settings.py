"""Settings, read from environment variables.

Production defaults are safe (DEBUG off, a secret key required, secure cookies). Development needs
nothing: `DEBUG=1` gives SQLite in WAL mode and files under var/ (what `make run` does).
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ONEWINDOW_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        # No insecure default: Django refuses an empty key wherever one is needed (sessions, signing), and
        # the WSGI entry point checks it at start. Commands that sign nothing (makemigrations) still run.
        return ""
    # Development: one random key per checkout, kept under var/ so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # serves the API docs' scripts from our static files (no CDN, no inline script: CSP below)
    "onewindow.core",
    "onewindow.accounts",
    "onewindow.audit",
    "onewindow.catalog",
    "onewindow.workdays",
    "onewindow.registry",
    "onewindow.certificates",
    "onewindow.cases",
    "onewindow.exchange",
    "onewindow.ratings",
    "onewindow.stats",
    "onewindow.portal",
    "onewindow.hall",
    "onewindow.evaluations",
    "onewindow.operations",
    "onewindow.volunteers",
    "onewindow.demo",  # demo data and benchmark loaders, above the domain apps
]

MIDDLEWARE = [
    "onewindow.operations.middleware.RequestMiddleware",  # request id, JSON log context, latency by view
    "django.middleware.security.SecurityMiddleware",
    "onewindow.core.limits.BodySizeLimitMiddleware",  # refuse oversized bodies before reading them
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "onewindow.audit.middleware.AuditContextMiddleware",
    "onewindow.core.limits.BadInputMiddleware",  # NUL characters and database-refused values: 400/422, not 500
    "onewindow.exchange.middleware.PlatformRequestLogMiddleware",
]

ROOT_URLCONF = "onewindow.urls"
WSGI_APPLICATION = "onewindow.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.core.context_processors.site",
                "onewindow.evaluations.context_processors.nav",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling the plan of a summary or queue query cost more (60-100 ms) than running it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue instead of failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/workbench/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("ONEWINDOW_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("ONEWINDOW_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
# Each uploaded file is counted as it streams; past ONEWINDOW_UPLOAD_MAX_BYTES + 1 byte it is dropped (core/limits.py).
FILE_UPLOAD_HANDLERS = [
    "onewindow.core.limits.StreamingSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A database cache so that rate limits and throttles hold across web processes without another server
# (the table is made by `onewindow createcachetable`, which `make run` and the test set-up run).
# `pages`: whole public pages in each process's memory, checked against a generation in the shared cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "onewindow_cache",
                "OPTIONS": {"MAX_ENTRIES": 50000}},  # rate limits, throttles, months of figures
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages",
              "OPTIONS": {"MAX_ENTRIES": 2000}},
}

# Several app servers: one Redis as the shared cache (sessions stay in the database), e.g. redis://10.0.0.5:6379/0.
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                         "LOCATION": os.environ["REDIS_URL"], "KEY_PREFIX": "onewindow"}

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS in production (docs/security.md): HSTS and a redirect to https (not for the health check). Behind a
# reverse proxy that terminates TLS, its X-Forwarded-Proto is believed only when ONEWINDOW_TRUSTED_PROXIES
# names a proxy (which must then set the header itself).
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Subdomains and preload bind the department's whole domain for a year: its own decision (the two env
# variables above), so their reminders are silenced rather than the defaults forced on.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$", r"^readyz$", r"^metrics$"]  # probes and scrapes on the internal network
if os.environ.get("ONEWINDOW_TRUSTED_PROXIES"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Content Security Policy: our own scripts only (the one inline script carries the nonce; the two inline
# handlers, window.print() and this.form.submit(), are allowed by hash); inline styles and data: images
# (QR codes) are used by the pages.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_HASHES, "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='",
                   "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")  # json: one object per line, with request_id
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "onewindow.operations.logs.JsonFormatter"}},
    "filters": {"request": {"()": "onewindow.operations.logs.RequestFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"],
                             **({"formatter": "json"} if LOG_FORMAT == "json" else {})}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- OneWindow settings -------------------------------------------------------------------
# The department running this installation; printed on notices and certificates.
ONEWINDOW_DEPARTMENT_NAME = os.environ.get("ONEWINDOW_DEPARTMENT_NAME", "湖南省民政厅")
ONEWINDOW_DEPARTMENT_CODE = os.environ.get("ONEWINDOW_DEPARTMENT_CODE", "11430000006122340X")
ONEWINDOW_AREA_CODE = os.environ.get("ONEWINDOW_AREA_CODE", "430000")
ONEWINDOW_PUBLIC_URL = os.environ.get("ONEWINDOW_PUBLIC_URL", "http://127.0.0.1:8000")
ONEWINDOW_UPLOAD_MAX_BYTES = int(os.environ.get("ONEWINDOW_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Audit chain (audit/keys.py): the head key (empty: derived from SECRET_KEY) and the signed anchors' file,
# both outside the database.
ONEWINDOW_AUDIT_KEY = os.environ.get("ONEWINDOW_AUDIT_KEY", "")
# The reverse proxies whose X-Forwarded-For is believed (audit.context.client_ip_of); none by default.
# Hosts an administrator allows as status-callback receivers although internal (exchange/destinations.py).
ONEWINDOW_CALLBACK_ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ONEWINDOW_CALLBACK_ALLOWED_HOSTS", "").split(",")
                                    if h.strip()]
ONEWINDOW_TRUSTED_PROXIES = [a.strip() for a in os.environ.get("ONEWINDOW_TRUSTED_PROXIES", "").split(",") if a.strip()]
ONEWINDOW_AUDIT_ANCHOR_FILE = os.environ.get("ONEWINDOW_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
# Outbound exchange: retry backoff (seconds) and how long a claimed batch is held before it is resent.
EXCHANGE_RETRY_BASE_SECONDS = float(os.environ.get("EXCHANGE_RETRY_BASE_SECONDS", "2"))
EXCHANGE_RETRY_CAP_SECONDS = float(os.environ.get("EXCHANGE_RETRY_CAP_SECONDS", "300"))
EXCHANGE_LEASE_SECONDS = float(os.environ.get("EXCHANGE_LEASE_SECONDS", "60"))
# Operations: who may read /metrics (a bearer token, and/or client addresses); nobody when both are empty.
ONEWINDOW_METRICS_TOKEN = os.environ.get("ONEWINDOW_METRICS_TOKEN", "")
ONEWINDOW_METRICS_ADDRESSES = env_list("ONEWINDOW_METRICS_ADDRESSES", "127.0.0.1,::1" if DEBUG else "")
# /readyz: not ready when a due task has waited, or the oldest pending outbox row is, older than this.
ONEWINDOW_READY_MAX_LAG_SECONDS = int(os.environ.get("ONEWINDOW_READY_MAX_LAG_SECONDS", "600"))
# Set by the systemd unit for gunicorn's worker processes (prometheus_client reads it too; operations/metrics.py).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
# The Ed25519 key that signs certificates and volunteer records (core/signing.py).
ONEWINDOW_SIGNING_KEY_FILE = os.environ.get("ONEWINDOW_SIGNING_KEY_FILE", str(VAR_DIR / "signing_key.pem"))

# --- Local rules of each app. This is the only place that reads the environment: each app's conf module reads
# these settings when it is called, so a test changes one with pytest-django's `settings` fixture.
# Cases (cases/conf.py): the case-number format (fields item_code, date, seq; default 实施编码 + YYYYMMDD +
# 4-digit daily sequence) and the issuing organ's abbreviation at the head of notice numbers.
ONEWINDOW_CASE_NO_FORMAT = os.environ.get("ONEWINDOW_CASE_NO_FORMAT", "{item_code}{date:%Y%m%d}{seq:04d}")
ONEWINDOW_DOCUMENT_PREFIX = os.environ.get("ONEWINDOW_DOCUMENT_PREFIX", "湘民")
# Ratings (ratings/conf.py): local practice differs, so every period is configuration.
ONEWINDOW_RATING_PERIOD_DAYS = int(os.environ.get("ONEWINDOW_RATING_PERIOD_DAYS", "15"))
ONEWINDOW_RATING_PAD_MINUTES = int(os.environ.get("ONEWINDOW_RATING_PAD_MINUTES", "30"))
ONEWINDOW_RATING_DEFAULT_LEVEL = os.environ.get("ONEWINDOW_RATING_DEFAULT_LEVEL", "satisfied")
ONEWINDOW_RECTIFICATION_VISIT_DAYS = int(os.environ.get("ONEWINDOW_RECTIFICATION_VISIT_DAYS", "2"))
ONEWINDOW_RECTIFICATION_DAYS = int(os.environ.get("ONEWINDOW_RECTIFICATION_DAYS", "5"))
ONEWINDOW_COMPLAINT_REPLY_DAYS = int(os.environ.get("ONEWINDOW_COMPLAINT_REPLY_DAYS", "15"))
# Hall queue (hall/conf.py).
ONEWINDOW_HALL_ELDERLY_AGE = int(os.environ.get("ONEWINDOW_HALL_ELDERLY_AGE", "65"))
ONEWINDOW_HALL_PAD_MINUTES = int(os.environ.get("ONEWINDOW_HALL_PAD_MINUTES", "30"))
ONEWINDOW_HALL_TAKES_PER_MINUTE = int(os.environ.get("ONEWINDOW_HALL_TAKES_PER_MINUTE", "0"))
ONEWINDOW_HALL_AUTO_STANDBY = os.environ.get("ONEWINDOW_HALL_AUTO_STANDBY", "0") == "1"
# Evaluations (evaluations/conf.py): points out of 100 at which evaluators disagree on an indicator.
ONEWINDOW_EVALUATION_DISAGREEMENT = os.environ.get("ONEWINDOW_EVALUATION_DISAGREEMENT", "20")
# Volunteers (volunteers/conf.py).
VOLUNTEER_RECORD_DEADLINE_WORKDAYS = int(os.environ.get("VOLUNTEER_RECORD_DEADLINE_WORKDAYS", "20"))
VOLUNTEER_CHECKIN_EARLY_MINUTES = int(os.environ.get("VOLUNTEER_CHECKIN_EARLY_MINUTES", "60"))
VOLUNTEER_CHECKOUT_GRACE_HOURS = int(os.environ.get("VOLUNTEER_CHECKOUT_GRACE_HOURS", "12"))
VOLUNTEER_CERTIFICATE_WORD = os.environ.get("VOLUNTEER_CERTIFICATE_WORD", "志证")
# Portal: SMS delivery (portal/sms.py: console, file, memory or http), collection-slot capacity, and the
# applicants' idle session length.
PORTAL_SMS_BACKEND = os.environ.get("PORTAL_SMS_BACKEND", "console")
PORTAL_SMS_FILE = os.environ.get("PORTAL_SMS_FILE", str(VAR_DIR / "sms.jsonl"))
PORTAL_SMS_HTTP_URL = os.environ.get("PORTAL_SMS_HTTP_URL", "")
PORTAL_SMS_HTTP_TOKEN = os.environ.get("PORTAL_SMS_HTTP_TOKEN", "")
PORTAL_SMS_HTTP_TIMEOUT = float(os.environ.get("PORTAL_SMS_HTTP_TIMEOUT", "5"))
PORTAL_SLOT_CAPACITY = int(os.environ.get("PORTAL_SLOT_CAPACITY", "20"))
PORTAL_SESSION_SECONDS = int(os.environ.get("PORTAL_SESSION_SECONDS", "1800"))
# Limits of the rate limiter's policies that an installation may change (core/ratelimit.py).
ONEWINDOW_PUBLIC_RATE_LIMIT = int(os.environ.get("ONEWINDOW_PUBLIC_RATE_LIMIT", "60"))
ONEWINDOW_STAFF_SIGNIN_ACCOUNT_LIMIT = int(os.environ.get("ONEWINDOW_STAFF_SIGNIN_ACCOUNT_LIMIT", "5"))
ONEWINDOW_STAFF_SIGNIN_ADDRESS_LIMIT = int(os.environ.get("ONEWINDOW_STAFF_SIGNIN_ADDRESS_LIMIT", "20"))
ONEWINDOW_SMS_ADDRESS_LIMIT = int(os.environ.get("ONEWINDOW_SMS_ADDRESS_LIMIT", "20"))
