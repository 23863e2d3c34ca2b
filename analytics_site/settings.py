"""The one settings file. Every value can be set from the environment.

Defaults suit development on one machine; `.env.example` lists every
variable and docs/settings.md explains them.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from analytics_site.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret_key,
    env_str,
    proxy_ssl_header,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_mysql",
    "accounts",
    "tracking",
    "reports",
    "billing",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "analytics_site.urls"
WSGI_APPLICATION = "analytics_site.wsgi.application"

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
            ],
        },
    },
]

# One MySQL-compatible database for everything. Connections are persistent
# (CONN_MAX_AGE) and health-checked, in web and worker processes alike: one
# connection per thread, reused, never one per hit.
# DB_ENGINE=singlestore: the MySQL backend with SingleStore's needs
# (analytics_site/singlestore/base.py says which and why); its clusters keep
# their own time zone, so the session time zone is left alone (run them in UTC).
DB_ENGINE = env_str("DB_ENGINE", "mysql")
if DB_ENGINE not in ("mysql", "singlestore"):
    raise ImproperlyConfigured(f"DB_ENGINE must be mysql or singlestore, got {DB_ENGINE!r}")
_DB_INIT = "SET sql_mode='STRICT_TRANS_TABLES'"
if DB_ENGINE == "mysql":
    _DB_INIT += ", time_zone='+00:00'"
DATABASES = {
    "default": {
        "ENGINE": {
            "mysql": "django.db.backends.mysql",
            "singlestore": "analytics_site.singlestore",
        }[DB_ENGINE],
        "NAME": env_str("DB_NAME", "analytics"),
        "USER": env_str("DB_USER", "root"),
        "PASSWORD": env_str("DB_PASSWORD", ""),
        "HOST": env_str("DB_HOST", "127.0.0.1"),
        "PORT": env_str("DB_PORT", "3306"),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "charset": "utf8mb4",
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
            "init_command": _DB_INIT,
            "isolation_level": "read committed",
        },
        "TEST": {"NAME": env_str("DB_TEST_NAME", "test_analytics"), "CHARSET": "utf8mb4"},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The database is the only cache and key/value store: no Redis anywhere.
CACHES = {
    "default": {
        "BACKEND": "django_mysql.cache.MySQLCache",
        "LOCATION": "analytics_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:site_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
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

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS (docs/deployment.md, "Production settings"). Off by default so that
# development on http://127.0.0.1 works; `manage.py check --deploy` is silent
# with the production values documented there (tests/analytics_site/test_deploy_check.py).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Probes over plain HTTP from inside the host (the image's HEALTHCHECK, a
# balancer's health check, a Prometheus scrape on an internal bind) are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The header a TLS-terminating proxy of ours sets to "https" (e.g.
# X-Forwarded-Proto); empty: rely on gunicorn's FORWARDED_ALLOW_IPS or a direct TLS socket.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}

# --- Queue (SQS through Dramatiq) -------------------------------------------
# SQS_ENDPOINT_URL empty means real AWS SQS; the project's scripts point it at
# a local SQS-compatible server in development and tests.
SQS_ENDPOINT_URL = env_str("SQS_ENDPOINT_URL", "http://127.0.0.1:9324") or None
SQS_REGION = env_str("SQS_REGION", "us-east-1")
SQS_NAMESPACE = env_str("SQS_NAMESPACE", "analytics")
SQS_HITS_QUEUE = env_str("SQS_HITS_QUEUE", "hits")
# Seconds a received message stays hidden while a worker holds it. A batch is
# one transaction that takes well under a second; 60 s leaves room for a slow
# database without letting a dead worker's message wait long.
SQS_VISIBILITY_TIMEOUT = env_int("SQS_VISIBILITY_TIMEOUT", 60)
# After this many receives without success (worker crashes) SQS moves the
# message to the dead-letter queue.
SQS_MAX_RECEIVE_COUNT = env_int("SQS_MAX_RECEIVE_COUNT", 5)
# Retry backoff for transient database errors, in ms; capped below SQS's
# 15-minute delay limit so a retried message can always be re-enqueued.
QUEUE_RETRY_MIN_BACKOFF_MS = env_int("QUEUE_RETRY_MIN_BACKOFF_MS", 1000)
QUEUE_RETRY_MAX_BACKOFF_MS = env_int("QUEUE_RETRY_MAX_BACKOFF_MS", 60_000)
# Leave both empty on AWS to use boto3's own credential chain (instance or
# task role); a local SQS server takes any pair, "local" by default.
AWS_ACCESS_KEY_ID = env_str("AWS_ACCESS_KEY_ID", "")
AWS_SECRET_ACCESS_KEY = env_str("AWS_SECRET_ACCESS_KEY", "")

# --- Collector ----------------------------------------------------------------
# Hits are gathered for up to this long (or up to the size bound) and sent to
# SQS as one message; each request waits for its message to be accepted.
COLLECTOR_BATCH_WINDOW_MS = env_float("COLLECTOR_BATCH_WINDOW_MS", 5.0)
COLLECTOR_BATCH_MAX_HITS = env_int("COLLECTOR_BATCH_MAX_HITS", 200)
COLLECTOR_SEND_TIMEOUT_S = env_float("COLLECTOR_SEND_TIMEOUT_S", 5.0)
COLLECTOR_MAX_BODY_BYTES = env_int("COLLECTOR_MAX_BODY_BYTES", 8192)
# How often each web process re-reads the list of known sites.
SITE_CACHE_REFRESH_S = env_float("SITE_CACHE_REFRESH_S", 5.0)
# Sites with engaged bounce on: a one-page visit engaged this long is no bounce.
ENGAGED_BOUNCE_SECONDS = env_int("ENGAGED_BOUNCE_SECONDS", 10, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger prints the client address on some errors;
        # the collector never needs it, so only warnings and above pass.
        "django.server": {"level": "WARNING"},
    },
}
# A header set by our own proxies that holds the client address (X-Real-IP,
# or X-Forwarded-For, appended to by each proxy). Empty: use the socket's
# address. Never set it when clients reach gunicorn directly, or they could
# choose their own address. (Read from COLLECTOR_CLIENT_IP_HEADER too, its
# name before the throttles used it.)
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", env_str("COLLECTOR_CLIENT_IP_HEADER", ""))
# How many proxies of ours append to that header (a CDN and a load balancer:
# 2): the entry that many places from the right is the client (common/http.py).
CLIENT_IP_TRUSTED_HOPS = env_int("CLIENT_IP_TRUSTED_HOPS", 1, minimum=1)

# --- Worker -------------------------------------------------------------------
# Each worker thread holds one persistent database connection.
WORKER_PROCESSES = env_int("WORKER_PROCESSES", 1)
WORKER_THREADS = env_int("WORKER_THREADS", 8)
# Workers run the daily jobs (billing, data retention) themselves, once a day
# across all of them (analytics_site/daily_jobs.py). False: run them from cron.
DAILY_JOBS_IN_WORKER = env_bool("DAILY_JOBS_IN_WORKER", True)

# --- Metrics (docs/deployment.md, "Metrics") ----------------------------------
# /metrics on the web answers only `Authorization: Bearer <METRICS_TOKEN>`;
# empty: 404. The worker serves its own on WORKER_METRICS_BIND (an internal
# address such as 127.0.0.1:9191, no token); empty: not served.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
WORKER_METRICS_BIND = env_str("WORKER_METRICS_BIND", "")
if WORKER_METRICS_BIND and not WORKER_METRICS_BIND.rpartition(":")[2].isdigit():
    raise ImproperlyConfigured(
        f"WORKER_METRICS_BIND must be host:port such as 127.0.0.1:9191, got {WORKER_METRICS_BIND!r}"
    )

# --- Dashboards ---------------------------------------------------------------
# Filtered views of ranges holding more pageviews and events than this read a
# sample of visitors holding about this many (reports/stats/sampling.py); 0: always exact.
SAMPLE_ABOVE_HITS = env_int("SAMPLE_ABOVE_HITS", 50_000)

# --- Email --------------------------------------------------------------------
# Sign-up verification, password resets, invitations and usage notices.
# Development: the console or file backend; production: SMTP.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / ".state" / "emails"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Analytics <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Reports and alerts (docs/emails.md): each worker process's email thread wakes
# every EMAIL_JOBS_INTERVAL_S and sends at most EMAIL_BATCH_SIZE emails, starting
# none after EMAIL_BATCH_SECONDS; a failed send is tried EMAIL_MAX_ATTEMPTS times.
EMAIL_JOBS_INTERVAL_S = env_int("EMAIL_JOBS_INTERVAL_S", 60, minimum=1)
EMAIL_BATCH_SIZE = env_int("EMAIL_BATCH_SIZE", 50, minimum=1)
EMAIL_BATCH_SECONDS = env_float("EMAIL_BATCH_SECONDS", 30.0)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5, minimum=1)

# --- Accounts -----------------------------------------------------------------
# Failed logins allowed per email address (and, 4x as many, per client
# address) within the window before further attempts are refused.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_FAILURE_WINDOW_S = env_int("LOGIN_FAILURE_WINDOW_S", 900)
# Password-reset emails per address (and, 3x as many, per client address)
# within the window; further requests are refused without sending anything.
PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 3)
PASSWORD_RESET_WINDOW_S = env_int("PASSWORD_RESET_WINDOW_S", 3600)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
EMAIL_VERIFICATION_DAYS = env_int("EMAIL_VERIFICATION_DAYS", 3)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600 * 24)
# Days after a site's deletion during which `purge_old_facts` deletes data
# that queued hits may still have written for it.
SITE_DELETION_SWEEP_DAYS = env_int("SITE_DELETION_SWEEP_DAYS", 3)

# The REST API (api/, docs/api.md): keys only, JSON only, one error shape.
# Calls per key and window, counted in the database cache (docs/settings.md).
API_STATS_RATE = env_int("API_STATS_RATE", 60, minimum=1)
API_STATS_WINDOW_S = env_int("API_STATS_WINDOW_S", 60, minimum=1)
API_ENTITY_RATE = env_int("API_ENTITY_RATE", 2000, minimum=1)
API_ENTITY_WINDOW_S = env_int("API_ENTITY_WINDOW_S", 3600, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.BearerKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Analytics API",
    "DESCRIPTION": "Stats, sites and account of the analytics product; see docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Billing (docs/billing.md) -------------------------------------------------
# False for a self-hosted install: no trials, plan prompts, billing pages or
# links, usage emails or Stripe calls; usage is still shown. Turning it on
# later starts a trial for every account without one (billing/services.py).
BILLING_ENABLED = env_bool("BILLING_ENABLED", True)
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
BILLING_CURRENCY = env_str("BILLING_CURRENCY", "usd")
BILLING_TRIAL_DAYS = env_int("BILLING_TRIAL_DAYS", 30)
# Days over the plan's limit before members are asked to upgrade.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)

# --- Single sign-on (OpenID Connect, docs/settings.md) -------------------------
# mozilla-django-oidc reads the OIDC_* names below. Endpoints are given
# explicitly (the provider's /.well-known/openid-configuration lists them).
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
PASSWORD_LOGIN_ENABLED = env_bool("PASSWORD_LOGIN_ENABLED", True)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_S", 10)
OIDC_CREATE_USERS = env_bool("OIDC_CREATE_USERS", False)
OIDC_CREATE_USER = OIDC_CREATE_USERS  # mozilla-django-oidc's name
OIDC_DEFAULT_ACCOUNT = env_int("OIDC_DEFAULT_ACCOUNT", 0) or None
OIDC_DEFAULT_ROLE = env_str("OIDC_DEFAULT_ROLE", "viewer")
OIDC_CALLBACK_CLASS = "accounts.views.sso.CallbackView"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.sso.SsoBackend")
    _missing = [
        name
        for name in (
            "OIDC_OP_ISSUER", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT", "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
        )
        if not globals()[name]
    ]  # fmt: skip
    if _missing:
        raise ImproperlyConfigured(f"OIDC_ENABLED needs {', '.join(_missing)}")
if not PASSWORD_LOGIN_ENABLED and not OIDC_ENABLED:
    raise ImproperlyConfigured(
        "PASSWORD_LOGIN_ENABLED=false needs OIDC_ENABLED: nobody could log in"
    )
if OIDC_DEFAULT_ROLE not in ("admin", "viewer"):
    raise ImproperlyConfigured(
        f"OIDC_DEFAULT_ROLE must be admin or viewer, got {OIDC_DEFAULT_ROLE!r}"
    )
