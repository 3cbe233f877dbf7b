from muster.core import context


def client_ip(request) -> str:
    # Behind a reverse proxy the first X-Forwarded-For hop is the client; the proxy
    # must be trusted to overwrite it (README, production section).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        via = "api" if request.path.startswith("/api/") else "web"
        token = context.set_current(
            context.RequestContext(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:300], via=via)
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class DomainErrorMiddleware:
    """A DomainError that escapes a view becomes a page with its status and message, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from muster.core.errors import DomainError

        if isinstance(exception, DomainError):
            return render(request, "web/error.html", {"message": exception.message, "status": exception.status}, status=exception.status)
        return None
