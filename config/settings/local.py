"""Local development: `make run`. DEBUG on, mail to the console, MFA not required for the demo."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import MAILERS

DEBUG = env_bool("DJANGO_DEBUG", True)
MAILERS["delivery"] = {"BACKEND": env_str("EMAIL_BACKEND_PATH", "django.core.mail.backends.console.EmailBackend")}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
