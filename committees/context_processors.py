from committees.models import Role
from committees.permissions import Perm


def scope(request):
    """The user's grants and active role, for the navigation bar."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from committees.views import active_grant

    grant = active_grant(request)
    return {
        "user_grants": request.scope.grants,
        "active_grant": grant,
        "audit_organization_id": _audit_organization_id(request.scope, grant),
        "Role": Role,
    }


def _audit_organization_id(scope, active) -> int | None:
    """Where the navigation's "download log" link leads: the active role's organization when it
    may read the log there, else the first one where the user may (no link when none)."""
    grants = ([active] if active else []) + list(scope.grants)
    return next((g.organization_id for g in grants if Perm.AUDIT in scope.perms_for_path(g.path)), None)
