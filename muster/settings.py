"""Muster settings: one file, every setting from the environment.

Safe defaults for a laptop (SQLite under var/, generated keys); production must
set DEBUG=0, SECRET_KEY, MUSTER_PII_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUSTER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: the debug page shows settings such as DATABASE_URL in clear.
# `muster demo` (so `make demo`) and the tests (muster/testenv.py, so .ci/run) turn it on.
DEBUG = env_bool("DEBUG", False)


def _local_secret(name: str, make) -> str:
    """A key from the environment, or one generated once into var/ for local use.

    Refused when DEBUG is off: a production key must be managed, not minted on disk.
    """
    value = os.environ.get(name)
    if value:
        return value
    if not DEBUG:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


SECRET_KEY = _local_secret("SECRET_KEY", lambda: secrets.token_urlsafe(50))
# Fernet keys for ID numbers, newest first. One key normally (MUSTER_PII_KEY); while rotating,
# MUSTER_PII_KEYS="new,old": new numbers are encrypted with the first, every listed key decrypts,
# and `muster manage pii_rotate` re-encrypts the stored ones; then the old key is dropped.
PII_KEYS = [k.strip() for k in os.environ.get("MUSTER_PII_KEYS", "").split(",") if k.strip()] \
    or [_local_secret("MUSTER_PII_KEY", _fernet_key)]
PII_KEY = PII_KEYS[0]
# The look-up hash (HMAC, derived from this secret) must not change when the encryption key does,
# or nobody would be found by ID number any more: it defaults to the oldest key listed, and must be
# set to that key (MUSTER_PII_LOOKUP_KEY) before the key is retired from MUSTER_PII_KEYS.
# A CJK TrueType/OpenType font for PDFs, when it is not in one of Debian's usual places.
CJK_FONT = os.environ.get("MUSTER_CJK_FONT", "").strip()

# The nightly purge of what is past its retention; MUSTER_PURGE=0 turns it off (a deployment
# under a blanket legal hold, or while a policy is reviewed).
PURGE_ENABLED = os.environ.get("MUSTER_PURGE", "1").strip().lower() not in {"0", "false", "no", "off"}
PII_LOOKUP_KEY_SET = bool(os.environ.get("MUSTER_PII_LOOKUP_KEY", "").strip())
PII_LOOKUP_KEY = os.environ.get("MUSTER_PII_LOOKUP_KEY", "").strip() or PII_KEYS[-1]

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Where people reach this site from outside (scheme, host, optional port and path prefix): the
# links in SMS, e-mail and the calendar feed are built on it, never on a request's Host header.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").strip().rstrip("/") or "http://127.0.0.1:8000"

# Domain apps: the shell discovers each one's urls.py, api.py and nav.py.
DOMAIN_APPS = [app for app in ("emergencies", "notifications", "needs", "rosters", "checkpoints", "testing", "quarantine",
                                 "volunteering", "canvass")
               if (BASE_DIR / "muster" / app / "apps.py").exists()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "health_check",
    "axes",
    "muster.core",
    "muster.geo",
    "muster.people",
    "muster.accounts",
    "muster.web",
    *[f"muster.{app}" for app in DOMAIN_APPS],
    # The command post's situation page: reads every domain's selectors, so no domain may import it.
    "muster.situation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Static files from the node itself (no proxy needed); before everything that would touch a session.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "muster.core.headers.NoStoreMiddleware",
    # JSON problems on /api/ and the desk, also for failures of the session and auth middleware below.
    "muster.core.middleware.JsonProblemMiddleware",
    # A NUL byte in a page's query would reach PostgreSQL, which refuses it with a server error.
    "muster.core.guards.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "muster.core.middleware.HtmxVaryMiddleware",
    "muster.core.middleware.RequestContextMiddleware",
    "muster.core.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "muster.urls"
WSGI_APPLICATION = "muster.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "muster.web.context.shell",
            ],
        },
    }
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'muster.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is tested before reuse, so a restarted database costs one reconnect, not an error.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests run on a file too, not on Django's shared-cache in-memory database: there a second
    # connection gets "database table is locked" at once instead of waiting its turn, so the
    # concurrency tests would not see what a real deployment does. One file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# A streaming replica for heavy reads (muster/core/dbrouter.py): boards, exports, reports and the
# situation pages read from it; a browser that has just written reads the primary for a while.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
                                                 conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["muster.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("django_htmx.middleware.HtmxMiddleware") + 1, "muster.core.dbrouter.ReplicaMiddleware")
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))
REPLICA_READ_VIEWS = frozenset(v.strip() for v in os.environ.get("REPLICA_READ_VIEWS", ",".join([
    "home", "testing:board", "testing:campaign_status", "testing:unsampled", "testing:recalls", "needs:board", "needs:export",
    "people:export", "checkpoints:export", "checkpoints:hourly", "accounts:audit", "emergencies:detail",
    "api-v1:campaign_progress", "api-v1:list_campaigns"])).split(",") if v.strip())
# PgBouncer in transaction pooling (DATABASE_POOLING=transaction): a server connection serves many
# clients in turn, so nothing may outlive a transaction on it: no server-side cursors and no
# named prepared statements (PgBouncer 1.18 does not track them; the desk then sends its
# statement unnamed, see testing.actions.direct._prepared).
DATABASE_TRANSACTION_POOLING = os.environ.get("DATABASE_POOLING", "").strip().lower() == "transaction"
if DATABASE_TRANSACTION_POOLING:
    for _db in DATABASES.values():
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it counts failed sign-ins (form and /admin/) and refuses a locked pair.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))  # hours
# Per user name and address together: one address cannot guess on, and a stranger cannot
# lock a coordinator out from elsewhere in the middle of an emergency.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "muster.core.throttle.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "muster" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Hashed, compressed names once `muster serve` has run collectstatic (DEBUG=0); the app's folders while developing.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Background tasks: the database queue by default (no other server); TASKS_BACKEND=rq puts them on
# Redis at REDIS_URL. `muster worker` runs the worker that matches the backend.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend").strip()
if TASKS_BACKEND.lower() in {"rq", "redis"}:
    TASKS_BACKEND = "django_tasks_rq.RQBackend"
TASKS = {
    "default": {
        "BACKEND": TASKS_BACKEND,
    }
}
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
if TASKS_BACKEND.startswith("django_tasks_rq."):
    INSTALLED_APPS.append("django_rq")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "muster@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
# How long a worker may take to hand one message to its channel before another worker may take it
# over (under the same idempotency key). Longer than any gateway's time-out.
NOTIFICATION_LEASE_SECONDS = int(os.environ.get("NOTIFICATION_LEASE_SECONDS", "300"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
# A stale token on /api/ or the desk answers a JSON 403 (type "csrf"); pages keep Django's.
CSRF_FAILURE_VIEW = "muster.core.views.csrf_failure"
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# HSTS only where TLS ends at a proxy in front of us (a laptop demo on http must stay reachable).
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000" if BEHIND_PROXY else "0"))
# Scripts only from the node itself, never inline. Styles keep 'unsafe-inline': templates use
# many style= attributes and htmx adds its indicator style; an injected style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# One cache shared by every worker process, so the public pages' throttles hold across
# gunicorn workers and nodes: Redis when REDIS_URL is given, else a table in the database
# (created by a migration in accounts).
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "muster_cache"}}
# Sessions are read on every signed-in request: from Redis when there is one (written through
# to the database, so a Redis flush signs nobody out), else from the database alone.
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db" if os.environ.get("REDIS_URL")
                                else "django.contrib.sessions.backends.db")
RATELIMIT_IP_META_KEY = "muster.core.throttle.client_ip"
# Public result look-up: per address, per name, and a lock on the ID number after repeated misses.
LOOKUP_RATE_IP = os.environ.get("LOOKUP_RATE_IP", "30/h")
LOOKUP_RATE_NAME = os.environ.get("LOOKUP_RATE_NAME", "10/h")
LOOKUP_LOCK_MISSES = int(os.environ.get("LOOKUP_LOCK_MISSES", "5"))
LOOKUP_LOCK_SECONDS = int(os.environ.get("LOOKUP_LOCK_SECONDS", str(24 * 3600)))
# Pre-registration may create a person: a few per address per hour.
PREREGISTER_RATE_IP = os.environ.get("PREREGISTER_RATE_IP", "10/h")
VOLUNTEER_REGISTER_RATE_IP = os.environ.get("VOLUNTEER_REGISTER_RATE_IP", "10/h")
VERIFY_RATE_IP = os.environ.get("VERIFY_RATE_IP", "120/h")
# A confirmed volunteer is reminded once, this many hours before their session starts (the day before by default).
VOLUNTEER_REMIND_HOURS = float(os.environ.get("VOLUNTEER_REMIND_HOURS", "24"))
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Imports (muster/core/imports.py): rows per file from the web and from `muster import`, what an
# XLSX may unpack to, errors kept in a report, and the size above which a web upload runs as a job.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "50000"))
IMPORT_MAX_ROWS_CLI = int(os.environ.get("IMPORT_MAX_ROWS_CLI", "2000000"))
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_MB", "200")) * 1024 * 1024
# Document numbers already registered outside a coordinator's region that they may run into in a
# day (by form, API or import) before Muster stops answering: each one tells that the number exists.
ID_ELSEWHERE_PER_DAY = int(os.environ.get("MUSTER_ID_ELSEWHERE_PER_DAY", "20"))
IMPORT_MAX_ERRORS = int(os.environ.get("IMPORT_MAX_ERRORS", "200"))
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "2000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Every Muster logger is `muster.<app>`; periodic jobs log what they did at INFO,
    # which an operator must see without turning the whole framework verbose.
    "loggers": {"muster": {"level": os.environ.get("MUSTER_LOG_LEVEL", "INFO")}},
}
