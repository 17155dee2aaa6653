from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .audit import client_ip


class RequestContextMiddleware:
    """Makes the client IP available to services (for the audit log) without passing the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class LanguageMiddleware(LocaleMiddleware):
    """zh-Hans unless the user picked another language (cookie): union PCs often send an English
    Accept-Language from an English OS image, which must not switch the UI away from Chinese."""

    def process_request(self, request):
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in dict(settings.LANGUAGES):
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = translation.get_language()
