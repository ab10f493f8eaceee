from django.utils import translation


def preferred_language(get_response):
    """Let a logged-in user's profile language win over the browser's.

    Runs after LocaleMiddleware (which has already picked the cookie's or the browser's
    language) and after authentication, so it knows who is asking.
    """

    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        return get_response(request)

    return middleware
