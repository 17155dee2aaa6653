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
