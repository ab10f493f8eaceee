from django.conf import settings


def client_address(request):
    """The address failed logins are counted against (django-axes).

    Behind the HTTPS proxy every request comes from the proxy, so the browser's address is
    the last one in X-Forwarded-For, which the proxy appends; whatever a client wrote there
    itself comes before it and is not trusted.
    """
    if settings.BEHIND_HTTPS_PROXY:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if appended:
            return appended
    return request.META.get("REMOTE_ADDR")
