"""Views of the project itself rather than of an app."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Public liveness probe: the process answers. No query, no session, nothing to reveal;
    the load test also uses it as the cost of a trivial request through the whole stack."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
