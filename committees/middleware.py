from django.utils.functional import SimpleLazyObject

from committees.permissions import scope_for


class ScopeMiddleware:
    """Expose the user's scope as `request.scope`, computed at most once per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = SimpleLazyObject(lambda: scope_for(request.user))
        return self.get_response(request)
