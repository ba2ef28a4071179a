"""Read-side queries on the directive registry and the plans of a year. Fixed query counts."""

from django.db.models import Q, QuerySet

from committees.models import Organization, ancestor_paths, subtree_q, superior_paths
from committees.permissions import scope_for
from committees.text import normalize_text
from pledges.models import Directive, Plan, Theme

CASCADE_MAX_DEPTH = 20


def directives_visible_to(user) -> QuerySet[Directive]:
    """Directives issued by an organization in the user's scope or above it, or from outside the tree.

    A cell sees its own documents, those of its superiors up to the province, and the central
    documents (no issuing organization); it does not see a sibling committee's documents.
    """
    directives = Directive.objects.all()
    scope = scope_for(user)
    if scope.is_superuser:
        return directives
    condition = Q(issuing_organization__isnull=True)
    ancestors: set[str] = set()
    for root in scope.root_paths:
        condition |= subtree_q(root, field="issuing_organization__path")
        ancestors.update(superior_paths(root))
    if ancestors:
        condition |= Q(issuing_organization__path__in=sorted(ancestors))
    return directives.filter(condition)


def directive_choices(user) -> QuerySet[Directive]:
    """Visible directives for a select box, newest first, with what their labels need."""
    return directives_visible_to(user).select_related("doc_type").order_by("-issued_on", "-number")


def directive_registry(*, user, query: str = "", year: int | None = None) -> QuerySet[Directive]:
    """The registry page: visible directives, searched by number/symbol or title, of one year."""
    directives = directives_visible_to(user).select_related("doc_type", "issuing_organization", "implements")
    query = normalize_text(query)
    if query:
        compact = query.replace(" ", "")
        directives = directives.filter(
            Q(symbol__icontains=compact) | Q(title__icontains=query) | Q(issuer_name__icontains=query)
        )
    if year is not None:
        directives = directives.filter(issued_on__year=year)
    return directives.order_by("-issued_on", "-number", "-pk")


def directive_years(user) -> list[int]:
    """Years in which some visible directive was issued, newest first."""
    return sorted({d.year for d in directives_visible_to(user).dates("issued_on", "year")}, reverse=True)


def directive_issuers(organization: Organization) -> list[Organization]:
    """Who may have issued a directive registered at `organization`: itself and its superiors,
    nearest first (active ones; a body outside the tree is named instead)."""
    paths = ancestor_paths(organization.path)
    found = {org.path: org for org in Organization.objects.filter(path__in=paths, dissolved_on__isnull=True)}
    return [found[path] for path in paths if path in found]


def directive_cascade(directive: Directive | None) -> list[Directive]:
    """The directive and those it implements, from the top down (one query per level)."""
    chain: list[Directive] = []
    seen: set[int] = set()
    while directive is not None and directive.pk not in seen and len(chain) < CASCADE_MAX_DEPTH:
        seen.add(directive.pk)
        chain.append(directive)
        if directive.implements_id is None:
            break
        directive = (
            Directive.objects.select_related("doc_type", "issuing_organization")
            .filter(pk=directive.implements_id)
            .first()
        )
    return list(reversed(chain))


def closing_plan(*, organization: Organization, year: int) -> Plan | None:
    """The plan that closed `year` for `organization`: its own, else the nearest superior's."""
    paths = ancestor_paths(organization.path)
    closed = {
        plan.organization.path: plan
        for plan in Plan.objects.filter(year=year, organization__path__in=paths, is_closed=True).select_related(
            "organization"
        )
    }
    return next((closed[path] for path in paths if path in closed), None)


def themes_for_year(year: int) -> QuerySet[Theme]:
    """The themes a plan of `year` may follow: that year's theme and the term themes covering it."""
    return Theme.objects.filter(
        Q(kind=Theme.Kind.YEARLY, year=year) | Q(kind=Theme.Kind.TERM, term_start__lte=year, term_end__gte=year)
    ).order_by("kind", "-term_start")


def term_theme_for_year(year: int) -> Theme | None:
    return (
        Theme.objects.filter(kind=Theme.Kind.TERM, term_start__lte=year, term_end__gte=year)
        .order_by("-term_start")
        .first()
    )
