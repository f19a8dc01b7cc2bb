"""Settings shared by every environment, read from the process environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
# The checkout root: where node_modules and the default SQLite file live.
PROJECT_DIR = Path(os.environ.get("PMO_HOME", PACKAGE_DIR.parent.parent)).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false)")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
]
# pmo's own apps, in dependency order. Each may provide ``urls`` (web pages),
# ``api.urls`` (a ``register(router)`` function and optional ``urlpatterns``) and
# ``demo`` (a ``build(context)`` step of the demo organisation); see pmo.config.urls.
PMO_APPS = [
    "pmo.core",
    "pmo.accounts",
    "pmo.portfolios",
    "pmo.jobs",
    "pmo.schedules",
    "pmo.resources",
    "pmo.finance",
    "pmo.risks",
    "pmo.intake",
    "pmo.reporting",
]
INSTALLED_APPS += PMO_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pmo.core.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "pmo.config.urls"
WSGI_APPLICATION = "pmo.config.wsgi.application"
ASGI_APPLICATION = "pmo.config.asgi.application"

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
                "pmo.core.context_processors.navigation",
            ],
        },
    },
]

DEFAULT_SQLITE = PROJECT_DIR / "var" / "pmo.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to the same file: WAL lets readers run
    # beside a writer and IMMEDIATE transactions queue writers instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
PMO_CURRENCY = os.environ.get("PMO_CURRENCY", "EUR")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "var" / "static"))
# WhiteNoise serves from here (after collectstatic) and warns on every request when it
# is missing, as it is in a fresh checkout's tests.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = Path(os.environ.get("PMO_NODE_MODULES", PROJECT_DIR / "node_modules"))
# Front-end packages come from npm (package.json) and are served from node_modules,
# never copied into the repository.
STATICFILES_DIRS = [
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", PROJECT_DIR / "var" / "media"))
MEDIA_URL = "media/"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("PMO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pmo.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pmo API",
    "DESCRIPTION": "Portfolios, programs, projects and everything a PMO runs on.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}


def _choice_enum_names() -> dict[str, str]:
    """Name every choice set of every app in the OpenAPI schema after its class.

    Several apps have fields called "status" or "level" with different choices; without
    names drf-spectacular invents hashed ones (and warns). Read from the source, not
    imported, because settings load before apps; choice sets with the same values (job
    and run statuses, say) share one name, as the schema cannot tell them apart.
    """
    import re

    block = re.compile(
        r"^class (\w+)\(models\.(?:Text|Integer)Choices\):\n((?:[ \t]+.*\n|\n)*)", re.M
    )
    member = re.compile(r"^\s+[A-Z][A-Z0-9_]* = \(?\s*([^,\n]+),", re.M)
    by_values: dict[tuple[str, ...], tuple[str, str]] = {}
    counts: dict[str, int] = {}
    found = []
    for path in sorted(PACKAGE_DIR.glob("*/choices.py")):
        for name, body in block.findall(path.read_text(encoding="utf-8")):
            values = tuple(sorted(v.strip() for v in member.findall(body)))
            found.append((name, path.parent.name, values))
            counts[name] = counts.get(name, 0) + 1
    # The shortest class name is the most general one ("Level" over "SnapshotScope").
    for name, app, values in sorted(found, key=lambda item: (len(item[0]), item[1])):
        label = f"{app.title()}{name}" if counts[name] > 1 else name
        by_values.setdefault(values, (f"{label}Enum", f"pmo.{app}.choices.{name}"))
    return dict(by_values.values())


SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = _choice_enum_names()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
