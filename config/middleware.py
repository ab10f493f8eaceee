from django.conf import settings


def content_security_policy(get_response):
    """Send the site's Content-Security-Policy with every response.

    The app has no inline script or style, so the policy allows only our own origin.
    """

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response

    return middleware
