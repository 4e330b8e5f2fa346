"""Local development: `make run`. DEBUG on, mail to the console, MFA not required for the demo."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import MAILERS

DEBUG = env_bool("DJANGO_DEBUG", True)
# Where `make run` serves (scripts/devserver.py): the site's links (sitemap, feeds, emails) point there.
WAGTAILADMIN_BASE_URL = env_str(
    "WAGTAILADMIN_BASE_URL", f"http://{env_str('RUN_HOST', '127.0.0.1')}:{env_str('RUN_PORT', '8000')}"
)
MAILERS["delivery"] = {"BACKEND": env_str("EMAIL_BACKEND_PATH", "django.core.mail.backends.console.EmailBackend")}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
