from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UserLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, falling back to the signed-in user's preference.

    An explicit choice (the language cookie set by the switcher) wins; without
    one, a signed-in user sees the language saved on their profile, and everyone
    else the browser's language or Thai.
    """

    def process_request(self, request):
        super().process_request(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user.preferred_language
        ):
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
