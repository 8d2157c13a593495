"""Error pages. None of them reads the database or the session: either may be what failed.

`handler500` tells an unreachable database (503, "send it again") from a bug (500). A
middleware could not: Django turns an exception into a response at every middleware, so
one raised by the session or login middleware never reaches another middleware.
"""

import sqlite3
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils import translation
from django.views import defaults

from config.middleware import chosen_language

# What a browser or a client is told to wait before trying again, in seconds.
RETRY_AFTER = 30
# SQLite's errors that mean "not now" rather than a bug (sqlite3.Error.sqlite_errorname).
SQLITE_UNREACHABLE = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR")


def server_error(request):
    """handler500: 503 when the database cannot be reached, else Django's 500 page."""
    with translation.override(chosen_language(request)):
        if _database_unreachable(sys.exception()):
            return database_unavailable(request)
        return defaults.server_error(request)


def database_unavailable(request):
    """The 503 page: nothing was saved; a form sent now must be sent again."""
    with translation.override(chosen_language(request)):
        sent = request.method not in ("GET", "HEAD", "OPTIONS")
        body = loader.render_to_string("503.html", {"sent": sent})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        response["Content-Language"] = translation.get_language()
    return response


def _database_unreachable(exc):
    """A connection error, or an error that one caused; not a bug such as a missing table.

    PostgreSQL reports a bad query as ProgrammingError or IntegrityError, and keeps
    OperationalError for connections, resources and shutdowns; SQLite raises
    OperationalError for a missing table too, so there only a busy or unopenable file counts.
    """
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            if isinstance(exc.__cause__, sqlite3.Error):
                name = getattr(exc.__cause__, "sqlite_errorname", None) or ""
                return name.startswith(SQLITE_UNREACHABLE)
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
