from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UserLanguageMiddleware(LocaleMiddleware):
    """Thai first: the page language is the visitor's explicit choice, else
    the signed-in user's saved preference, else Thai.

    The browser's Accept-Language is deliberately not consulted: many Thai
    officers' browsers are set to English, and the portal must open in Thai
    unless someone asks otherwise.
    """

    def process_request(self, request):
        translation.activate(self._language_for(request))
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def _language_for(request) -> str:
        available = dict(settings.LANGUAGES)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in available:
            return chosen
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.preferred_language in available
        ):
            return user.preferred_language
        return settings.LANGUAGE_CODE
