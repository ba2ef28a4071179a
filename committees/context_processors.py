from committees.models import Role


def scope(request):
    """The user's grants and active role, for the navigation bar."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from committees.views import active_grant

    return {
        "user_grants": request.scope.grants,
        "active_grant": active_grant(request),
        "Role": Role,
    }
