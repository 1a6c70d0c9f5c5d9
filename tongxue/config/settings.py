"""Settings, driven by the environment (docs/deployment.md lists every variable).

Defaults give a working single-machine install on SQLite; production sets
``TONGXUE_ENV=production``, ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL`` and
``ALLOWED_HOSTS``. Per-organisation policy (profiles, justifications) is data, not here.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TONGXUE_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


PRODUCTION = os.environ.get("TONGXUE_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when TONGXUE_ENV=production")
    SECRET_KEY = "dev-only-not-secret-" + "x" * 40
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    # CAS single sign-on: the session ↔ ticket table that single logout needs (#14)
    "django_cas_ng",
    "django_tasks",
    "django_tasks_db",
    "tongxue.core",
    "tongxue.jobs",
    "tongxue.notifications",
    "tongxue.organisations",
    "tongxue.congresses",
    "tongxue.compliance",
    "tongxue.business",
    "tongxue.publicity",
    "tongxue.elections",
    "tongxue.voting",
    "tongxue.cadres",
    "tongxue.voice",
    "tongxue.advocacy",
    "tongxue.disclosure",
    "tongxue.finances",
    "tongxue.clubs",
    "tongxue.surveys",
    "tongxue.projects",
    "tongxue.evaluations",
    "tongxue.accounts",
    "tongxue.snapshots",
    "tongxue.search",
    "tongxue.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A cookie holding a NUL (a quoted "\000") is dropped before the session looks it up.
    "tongxue.core.middleware.DropMalformedCookiesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongxue.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every answer to a signed-in user.
    "tongxue.core.caching.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits (TONGXUE_SESSION_IDLE, SESSION_COOKIE_AGE).
    "tongxue.accounts.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NUL bytes and invalid UTF-8 in the path, query or form: a 400, never a 500 (its
    # answer still passes the security headers, CSP and frame denial above).
    "tongxue.core.middleware.RejectMalformedInputMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongxue.config.urls"
WSGI_APPLICATION = "tongxue.config.wsgi.application"

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
                "tongxue.core.context.site",
                # unread_notifications: the signed-in user's unread count, on first use
                "tongxue.notifications.context.unread",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'tongxue.sqlite3'}",
        conn_max_age=int(
            os.environ.get("DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")
        ),
        # A `SELECT 1` before each request's first query on a kept connection: a round
        # trip and about 0.4 ms of CPU a request (#17), so that a connection that died
        # since (PostgreSQL restarted, a failover) costs no user a failed request.
        # DB_CONN_HEALTH_CHECKS=0 trades that for speed: the first request on a dead
        # connection then fails whole and Django closes it, as the cast fast path does.
        conn_health_checks=os.environ.get("DB_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
#: The cast statement (tongxue.voting.services) is prepared once per database connection
#: instead of parsed and planned on every ballot. Django's own queries are unaffected
#: (they bind parameters on the client and are never prepared). Turn off with
#: DB_PREPARED_STATEMENTS=0 behind a pooler that cannot keep prepared statements
#: (PgBouncer in transaction mode before 1.21).
TONGXUE_PREPARED_CAST = os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"
if DATABASES["default"]["ENGINE"].endswith("postgresql") and TONGXUE_PREPARED_CAST:
    # psycopg prepares nothing while prepare_threshold is None (Django's default)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while the importer writes; a short busy wait instead of
    # failing at once when two writers meet.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Stateless processes: sessions in the database, caches in Redis (or the database).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tongxue",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tongxue_cache",
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends after SESSION_IDLE_MINUTES without a request, and SESSION_MAX_HOURS
# after signing in whatever the activity (tongxue/accounts/sessions.py).
TONGXUE_SESSION_IDLE = int(os.environ.get("SESSION_IDLE_MINUTES", "120")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 60 * 60

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The one-time link to a student's school mailbox (docs/accounts.md, "Activating
    # the roster"); after axes, which checks its lockouts first.
    "sesame.backends.ModelBackend",
    # Campus single sign-on (docs/sso.md): each only takes its own credentials.
    "tongxue.accounts.sso_backends.CASBackend",
    "tongxue.accounts.sso_backends.OIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Background jobs (#14, tongxue/jobs, docs/deployment.md): Django's Tasks API through the
# django-tasks backport, queued in the database (SQLite for `tongxue up`, PostgreSQL in
# production, where any number of `tongxue worker` processes share the queue).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Workers (tongxue worker, docs/jobs.md): each writes a heartbeat every
# JOBS_HEARTBEAT_SECONDS; a running job whose worker has not been seen for
# JOBS_STALE_SECONDS goes back to the queue, at most JOBS_MAX_ATTEMPTS runs in all;
# finished jobs and task results are deleted after JOBS_KEEP_DAYS.
TONGXUE_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "10"))
TONGXUE_JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", "60"))
TONGXUE_JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
TONGXUE_JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "30"))

# Activating the roster (docs/accounts.md, "Activating the roster (students)"): class
# sheets of activation codes, valid ACTIVATION_DAYS; failed codes throttled per client
# address and per student number within a window (in the default cache).
ACTIVATION_DAYS = int(os.environ.get("ACTIVATION_DAYS", "30"))
ACTIVATION_THROTTLE = {
    "window": int(os.environ.get("ACTIVATION_THROTTLE_MINUTES", "15")) * 60,
    "address": int(os.environ.get("ACTIVATION_ADDRESS_LIMIT", "10")),
    "number": int(os.environ.get("ACTIVATION_NUMBER_LIMIT", "5")),
}
# The school mailbox of a student, e.g. "{student_number}@stu.example.edu.cn": when
# set, a student may ask for a one-time sign-in link there (django-sesame).
TONGXUE_SCHOOL_MAILBOX = os.environ.get("TONGXUE_SCHOOL_MAILBOX", "")
SESAME_MAX_AGE = int(os.environ.get("SESAME_MAX_AGE_MINUTES", "30")) * 60
SESAME_ONE_TIME = True

# Campus single sign-on, 统一身份认证 (#14, docs/sso.md, tongxue/accounts/sso.py): CAS
# 2.0/3.0 and OpenID Connect, each off until its server is named; read per request.
CAS_SERVER_URL = os.environ.get("TONGXUE_CAS_SERVER_URL", "")
if CAS_SERVER_URL and not CAS_SERVER_URL.endswith("/"):
    CAS_SERVER_URL += "/"  # "…/cas" + "login" must be "…/cas/login"
CAS_VERSION = os.environ.get("TONGXUE_CAS_VERSION", "3")
#: The CAS attribute holding the student number ("": the CAS user name is it).
TONGXUE_CAS_MATCH_ATTRIBUTE = os.environ.get("TONGXUE_CAS_MATCH_ATTRIBUTE", "")
#: The CAS attribute holding a teacher's or League cadre's registry identifier.
TONGXUE_CAS_IDENT_ATTRIBUTE = os.environ.get("TONGXUE_CAS_IDENT_ATTRIBUTE", "")
CAS_STORE_NEXT = True  # the service URL registered at the campus has no query
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
TONGXUE_OIDC_ISSUER = os.environ.get("TONGXUE_OIDC_ISSUER", "")
# Explicit endpoints, for a provider without discovery (each overrides discovery).
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get(
    "TONGXUE_OIDC_AUTHORIZATION_ENDPOINT", ""
)
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TONGXUE_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("TONGXUE_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("TONGXUE_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("TONGXUE_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("TONGXUE_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("TONGXUE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("TONGXUE_OIDC_SCOPES", "openid profile")
#: The claim holding the student number, and one holding a staff identifier.
TONGXUE_OIDC_MATCH_CLAIM = os.environ.get(
    "TONGXUE_OIDC_MATCH_CLAIM", "preferred_username"
)
TONGXUE_OIDC_IDENT_CLAIM = os.environ.get("TONGXUE_OIDC_IDENT_CLAIM", "")
OIDC_USE_PKCE = env_bool("TONGXUE_OIDC_PKCE", True)
# client_secret_basic (the standard's default), or client_secret_post when false.
OIDC_TOKEN_USE_BASIC_AUTH = env_bool("TONGXUE_OIDC_TOKEN_BASIC_AUTH", True)
# A campus sign-in is no password attempt: axes neither blocks nor counts it.
AXES_WHITELIST_CALLABLE = "tongxue.accounts.sso.axes_exempt"

LOGIN_URL = "login"
# Sign-in lands on the personal home (我的): what awaits the user (#14).
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling (django-axes, tongxue/accounts/lockout.py): within 15 minutes,
# 5 failures for one user name from one address, 30 failures from one address across
# user names (spraying), or 10 failures for one user name across addresses lock sign-in
# for 15 minutes (docs/accounts.md; unlock: tongxue manage axes_reset_ip / _username).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
#: Limits of the other counters (the user name and address pair: AXES_FAILURE_LIMIT).
TONGXUE_LOCKOUT_LIMITS = {
    "ip_address": int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30")),
    "username": int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "10")),
}
AXES_HANDLER = "tongxue.accounts.lockout.TieredHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongxue.accounts.lockout.lockout_response"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Masked in the failure records (axes' defaults, and a mailbox link's token).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "sesame"]
#: Where the client's address is read in production, behind nginx (X-Real-IP).
PROXY_CLIENT_IP_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Content security policy (django-csp): same-origin scripts and styles only; htmx is
# served from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the reverse proxy (deploy/nginx.conf), axes reads the client address the
    # proxy sets (django-ipware); the app server listens on loopback only.
    AXES_IPWARE_META_PRECEDENCE_ORDER = PROXY_CLIENT_IP_ORDER

# Who is mailed when verify_auditlog finds the audit log changed (mail_admins), and how.
ADMINS = [("", a) for a in env_list("TONGXUE_ADMINS")]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# Mail of notifications (#14, docs/notifications.md): printed to the console until an
# installation sets EMAIL_BACKEND (SMTP: django.core.mail.backends.smtp.EmailBackend with
# EMAIL_HOST …; production defaults to SMTP), from DEFAULT_FROM_EMAIL.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SERVER_EMAIL)
#: The site's address as users reach it ("https://tongxue.example.edu.cn"): links in mails.
TONGXUE_SITE_URL = os.environ.get("TONGXUE_SITE_URL", "")
#: Where notifications go besides the inbox (dotted paths of channel classes).
TONGXUE_NOTIFICATION_CHANNELS = env_list(
    "TONGXUE_NOTIFICATION_CHANNELS", "tongxue.notifications.channels.EmailChannel"
)
#: Above this many recipients a notification's inbox rows are written by a job.
TONGXUE_NOTIFY_JOB_THRESHOLD = int(os.environ.get("TONGXUE_NOTIFY_JOB_THRESHOLD", 2000))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The profile an organisation follows when neither it nor any ancestor names one.
TONGXUE_DEFAULT_PROFILE = os.environ.get("TONGXUE_DEFAULT_PROFILE", "gansu-2017")
# Extra folders holding derived profiles (TOML), beside the built-in ones.
TONGXUE_PROFILE_DIRS = env_list("TONGXUE_PROFILE_DIRS")
# Public holidays (ISO dates) and weekend days worked in exchange (调休) for counting
# notice periods in working days (ELE-4); the calendar of each year is set by the State
# Council, so an installation lists the days it needs.
TONGXUE_HOLIDAYS = env_list("TONGXUE_HOLIDAYS")
TONGXUE_EXTRA_WORKING_DAYS = env_list("TONGXUE_EXTRA_WORKING_DAYS")

# Snapshot files (docs/snapshot.md, "Limits"): a file over a limit is refused before it
# is parsed, with a message naming the limit. The demo province (29 MB of JSON, or a
# 5 MB workbook holding 58 MB of XML; 212,000 rows, 107,524 in its largest table) fits
# under each with room to spare.
#: Largest file the web import accepts (nginx's client_max_body_size is 50m).
SNAPSHOT_MAX_UPLOAD_BYTES = int(os.environ.get("SNAPSHOT_MAX_UPLOAD_BYTES", 48 << 20))
#: Largest JSON snapshot read (a parsed document takes about six times its size).
SNAPSHOT_MAX_JSON_BYTES = int(os.environ.get("SNAPSHOT_MAX_JSON_BYTES", 64 << 20))
#: A workbook's parts, uncompressed, in total (declared and actually read).
SNAPSHOT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("SNAPSHOT_MAX_UNCOMPRESSED_BYTES", 128 << 20)
)
#: Uncompressed / compressed size of a workbook part above 1 MiB (the province: 13).
SNAPSHOT_MAX_COMPRESSION_RATIO = int(
    os.environ.get("SNAPSHOT_MAX_COMPRESSION_RATIO", 100)
)
#: Rows of all tables together (a sheet's declared dimension counts, empty rows too).
SNAPSHOT_MAX_ROWS = int(os.environ.get("SNAPSHOT_MAX_ROWS", 500_000))
#: Sheets of a workbook (a snapshot has ten).
SNAPSHOT_MAX_SHEETS = int(os.environ.get("SNAPSHOT_MAX_SHEETS", 20))
# Long imports and exports run as background jobs (#14, docs/snapshot.md "Large files"):
#: a web import of a JSON file larger than this, or of a workbook whose parts unpack to
#: more, runs as a job (the demo school: 6 MB of JSON; the province: 29 MB).
SNAPSHOT_IMPORT_JOB_BYTES = int(os.environ.get("SNAPSHOT_IMPORT_JOB_BYTES", 2 << 20))
#: a web export of a subtree of more organisations than this runs as a job.
SNAPSHOT_EXPORT_JOB_ORGANISATIONS = int(
    os.environ.get("SNAPSHOT_EXPORT_JOB_ORGANISATIONS", 500)
)
