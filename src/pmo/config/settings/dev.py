"""Development and demo: debug on by default, a fixed key so sessions survive restarts."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
