"""Settings, all read from the environment (see .env.example).

With nothing set the project runs on a SQLite file with Celery tasks executed in-process;
DATABASE_URL and REDIS_URL switch it to PostgreSQL and real workers.
"""

import datetime
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_addresses, env_bool, env_int, env_list, env_path, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("TESTING", default="pytest" in sys.modules)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "committees",
    "pledges",
    "reports",
    "transfers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A new account is sent to choose its password before anything else (docs/permissions.md).
    "committees.middleware.PasswordSetRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "committees.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "committees.middleware.ScopeMiddleware",
    # A control character in a query parameter or a form field: refused, in Vietnamese (committees.text).
    "committees.middleware.InputCharactersMiddleware",
    "committees.middleware.SessionActivityMiddleware",
    # Refuses a sign-in from an address with too many failures before the password is hashed.
    "committees.lockout.SignInAddressLimitMiddleware",
    # Last: it turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "committees.context_processors.scope",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = env_url("DATABASE_URL", schemes=("sqlite", "postgres", "postgresql"))
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Tests create many users; Argon2's deliberate slowness buys nothing there.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Validates nothing: its password_changed hook revokes the account's API tokens.
    {"NAME": "committees.api_tokens.RevokeApiTokensOnPasswordChange"},
]
# The lockout check runs before the password is even looked at (django-axes).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# Ids and years are printed in templates too; figures go through committees.formatting instead.
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_path("STATIC_ROOT", BASE_DIR / "staticfiles")
MEDIA_ROOT = env_path("MEDIA_ROOT", BASE_DIR / "media")
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FONTS_DIR = BASE_DIR / "static" / "fonts"

# API tokens (django-rest-knox, committees/api_tokens.py): kept as a SHA-512 digest, valid for
# API_TOKEN_DAYS, at most API_TOKEN_LIMIT in force per account, sent as "Authorization: Token <token>".
API_TOKEN_TTL = datetime.timedelta(days=env_int("API_TOKEN_DAYS", 30, minimum=1))
API_TOKEN_LIMIT = env_int("API_TOKEN_LIMIT", 10, minimum=1)
REST_KNOX = {
    "TOKEN_TTL": API_TOKEN_TTL,
    "AUTO_REFRESH": False,  # a token's expiry is fixed when it is issued
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_LIMIT_PER_USER": API_TOKEN_LIMIT,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "committees.api.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "committees.api.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Làm theo Bác API",
    "DESCRIPTION": (
        "Tổ chức, cá nhân, bản đăng ký, học tập, mô hình, khen thưởng, số liệu và báo cáo.\n\n"
        "Xác thực: gửi tên đăng nhập và mật khẩu tới POST /api/v1/token/ để nhận token (chỉ hiện một lần) "
        "và thời điểm hết hạn, rồi gửi kèm mọi yêu cầu tiêu đề “Authorization: Token <token>”. Token hết hạn "
        f"sau {API_TOKEN_TTL.days} ngày, bị thu hồi khi đổi mật khẩu hoặc khi tài khoản bị khóa; chủ tài khoản xem "
        "và thu hồi token ở trang “Khóa truy cập API” (menu tài khoản)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed package, never from a CDN (offices are on closed networks).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind", "state", "status" or "form" of their own: name each set.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "committees.models.OrganizationKind",
        "PledgeFormEnum": "committees.models.PledgeForm",
        "PledgeKindEnum": "pledges.models.Pledge.Kind",
        "PledgeStateEnum": "pledges.models.PledgeState",
        "SessionKindEnum": "pledges.models.SessionKind",
        "ExemplarStatusEnum": "pledges.models.Exemplar.Status",
        "CommendationFormEnum": "pledges.models.CommendationForm",
        "CommendationStatusEnum": "pledges.models.Commendation.Status",
        "ReportStateEnum": "reports.models.Report.State",
        "RenderStateEnum": "reports.models.ReportRender.State",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: without REDIS_URL tasks run eagerly in the web process.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = TESTING
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # The re-queue of stuck renders must not wait behind the renders it re-queues.
    "reports.tasks.requeue_stuck_renders": {"queue": "default"},
    # Figures are brought up to date on the default queue, never behind long renders.
    "reports.tasks.tally_apply_task": {"queue": "default"},
    "reports.tasks.tally_sweep_task": {"queue": "default"},
    "reports.tasks.batch_plan_task": {"queue": "default"},
    "reports.tasks.*": {"queue": "reports"},
}
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish must fail fast when Redis is down, so a request can say so instead of hanging.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
    # An unacknowledged task comes back after this long if its worker died (acks_late).
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=30),
}
# Workers and beat reconnect for as long as Redis is away: with a limit they exit once it is
# spent and stay down until restarted. (This setting does not slow publishing: the transport
# options above bound a request's attempt.)
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000, minimum=50_000)
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A render still "rendering" this long after its claim has lost its worker and may be claimed
# again. Keep it above the render's hard time limit (300 s) and below the visibility timeout,
# or a task Redis hands back finds the job still "rendering" and leaves it to the beat task.
REPORT_RENDER_STALE_AFTER = env_int("REPORT_RENDER_STALE_AFTER", 600, minimum=1)
CELERY_BEAT_SCHEDULE: dict = {
    "requeue-stuck-renders": {"task": "reports.tasks.requeue_stuck_renders", "schedule": 120.0},
    "apply-pending-figures": {"task": "reports.tasks.tally_sweep_task", "schedule": 60.0},
    # CELERY_TIMEZONE is Asia/Ho_Chi_Minh: 07:00 local time.
    "send-daily-reminders": {"task": "pledges.tasks.send_daily_reminders", "schedule": crontab(hour=7, minute=0)},
}

# The daily reminders are mailed in chunks of this many secretaries, each chunk a task of its own.
REMINDER_CHUNK_SIZE = env_int("REMINDER_CHUNK_SIZE", 50, minimum=1)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
# The relay's account; the password is a secret (error reports print it as stars).
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# STARTTLS on a plain connection (usually port 587), or TLS from the start (usually 465).
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set one (STARTTLS, port 587: EMAIL_USE_TLS; "
        "TLS from the start, port 465: EMAIL_USE_SSL)"
    )
# Seconds before a silent mail server counts as down: a reminder run must not hang on it.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "lamtheobac@localhost")
# Error reports (a server error, with DEBUG off) go to ADMINS from SERVER_EMAIL.
SERVER_EMAIL = env_str("SERVER_EMAIL") or DEFAULT_FROM_EMAIL
ADMINS = env_addresses("ADMINS")
EMAIL_SUBJECT_PREFIX = "[Làm theo Bác] "
# The address users reach the site at, for links in mails (reminders, password reset):
# scheme and host, no trailing path. committees.links.absolute_url builds on it.
SITE_URL = (env_url("SITE_URL", schemes=("http", "https")) or "http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form refused by the CSRF check gets a page in Vietnamese saying what to do.
CSRF_FAILURE_VIEW = "committees.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Health probes (load balancer, container runtime) call the process directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^suc-khoe/$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: every script and style comes from our own static files; no inline
# script, style element or style attribute runs (templates use classes and static/js instead).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# Failed logins (django-axes). A committee office shares one public address, so a lockout is
# for one user name from one address, never for the address alone: the others in the office
# keep logging in, and the same user can still log in from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
# Failures from one address across user names (a spray of names, each tried once) within the
# same cool-off, after which every sign-in from that address is refused before any password is
# hashed (committees.lockout.SignInAddressLimitMiddleware). Above what a whole office mistypes.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
# A try during the lockout neither counts nor extends it: the page can tell the real wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "committees.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "committees.lockout.client_ip"
# Number of proxies in front of the application that append to X-Forwarded-For (nginx: 1).
# 0 trusts no header: the address is the TCP peer's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Failures are kept (in the database, for the cool-off) but no login is recorded forever, and
# the log lines name neither the user nor the address.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]

if not DEBUG and not TESTING:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_COOKIE_HTTPONLY = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Server errors mailed to ADMINS (nothing without ADMINS, nor in development). The
        # report keeps the traceback and leaves out who asked and what they sent: the same
        # rule as the log lines (no names, user names, addresses, IP addresses, secrets).
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
            "reporter_class": "committees.error_reports.PrivateExceptionReporter",
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request and security errors; their lines also reach the console via root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Lockouts and failures are warnings; every successful login need not be a line.
        "axes": {"level": "WARNING"},
    },
}
