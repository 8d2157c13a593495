import time

from django.conf import settings
from django.contrib.sessions import middleware as sessions
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin


def chosen_language(request):
    """The language the user chose (the set_language cookie), else Indonesian."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    supported = {code for code, _ in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(MiddlewareMixin):
    """Indonesian unless the user chose another language (the set_language cookie).

    Django's LocaleMiddleware would follow the phone's Accept-Language, and many phones
    here are set to English; the product is Indonesian first.
    """

    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RefuseNulMiddleware:
    """A NUL byte in a request's address (path or query) is answered 400, before any view.

    PostgreSQL's text cannot hold one: every lookup by a slug, a code or a search term that
    carried it raised a server error. Forms refuse NULs in what is posted (Django's
    ProhibitNullCharactersValidator); the address had no such guard.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET.lists()
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in query
        ):
            raise BadRequest("A NUL byte in the address.")
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response of the app.

    Pages, exports and JSON show names, NIKs and who did what: neither a shared computer's
    browser nor a proxy may keep a copy. Static files are answered by WhiteNoise, above
    this middleware, and keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, with a session that ends after SESSION_COOKIE_AGE without a request.

    A request pushes the session's end back to a whole SESSION_COOKIE_AGE away, writing it
    at most once every REFRESH_SECONDS: SESSION_SAVE_EVERY_REQUEST would cost a write
    transaction on every page. So an idle session ends between SESSION_COOKIE_AGE minus five
    minutes and SESSION_COOKIE_AGE after its last request.

    An error response leaves the session alone: when the database is what failed, reading
    the session again would wait for it a second time, and replace config.errors' 503 page
    with a second error.
    """

    REFRESH_SECONDS = 5 * 60
    SEEN = "_seen"  # when the session's end was last pushed back, in seconds since the epoch

    def process_response(self, request, response):
        if response.status_code >= 500:
            return response
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now, seen = int(time.time()), session.get(self.SEEN)
            # A session being saved anyway (a login) records the time for free. One that
            # never was (before this middleware, or the test client's force_login) keeps
            # the end it has.
            if session.modified or (seen is not None and now - seen >= self.REFRESH_SECONDS):
                session[self.SEEN] = now  # saved with a new end, and the cookie too
        return super().process_response(request, response)
