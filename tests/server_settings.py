"""The production settings for a server that a test starts, with static files without the
manifest (tests run no collectstatic), as tests/conftest.py does in-process."""

from config.settings import *  # noqa: F403

STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
