"""What a permission case is made of: `Case`, the `Ctx` its callables see, and shared helpers.

A case's `target(c, inside)` returns the URL kwargs and may create the records it needs;
`data(c, inside)` returns the query string (GET) or the body (POST). Both run BEFORE the sweep
takes its snapshot of the database, so what they create never counts as a write of the request.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from committees.models import Person, RoleAssignment
from committees.permissions import Perm
from tests.factories import PersonFactory

WORKING_YEAR = 2024


@dataclass
class Ctx:
    """What a Case's target sees: the object under test, inside or outside the user's scope."""

    matrix: object  # tests.test_permission_matrix.Matrix
    user: object
    place: object  # tests.test_permission_matrix.Place
    year: int = WORKING_YEAR
    kwargs: dict = field(default_factory=dict)  # what `target` returned: `data` may use it

    @property
    def world(self):
        return self.matrix.world

    @property
    def organization(self):
        return self.place.organization

    @property
    def person(self):
        return self.place.person

    @property
    def dissolved(self) -> bool:
        return self.organization.is_dissolved

    def member(self) -> Person:
        """A person whose organization IS `c.organization` (the place's person belongs to a chi bộ
        below it when the place is a đảng ủy): records "of the organization" hang on this one."""
        if self.person.organization_id == self.organization.pk:
            return self.person
        person = Person.objects.filter(organization=self.organization, left_on__isnull=True).order_by("pk").first()
        return person or PersonFactory(organization=self.organization, full_name="Phạm Văn Cấp Ủy")

    def assignment(self, inside: bool) -> RoleAssignment:
        """The user's own role assignment, or someone else's."""
        if inside:
            return RoleAssignment.objects.filter(user=self.user).order_by("pk").first()
        return RoleAssignment.objects.filter(user=self.world.b1_secretary).get()


Kwargs = Callable[[Ctx, bool], dict]


def no_kwargs(c: Ctx, inside: bool) -> dict:
    return {}


@dataclass(frozen=True)
class Case:
    perm: Perm | None  # None: any signed-in user, no object (the scope filters what is shown)
    methods: tuple[str, ...] = ("GET",)
    target: Kwargs = no_kwargs  # the URL kwargs
    data: Kwargs | None = None
    personal: bool = False  # about the user's own things: inside = own, outside = someone else's
    post_perm: Perm | None = None  # what a POST needs, when it is not what a GET needs
    # A permitted POST with `data` changes the database. Checked by the sweep: it proves that
    # "a refused POST wrote nothing" is not true merely because the body was invalid.
    writes: bool = False
    # A permitted GET hands out personal data (a file): the sweep checks that it left exactly one
    # entry in the download log (committees.audit), and that no other case leaves any.
    logs_download: bool = False

    def perm_for(self, method: str) -> Perm | None:
        if method == "POST" and self.post_perm is not None:
            return self.post_perm
        return self.perm


# --- kwargs shared by the areas ------------------------------------------------------------------


def organization_pk(c: Ctx, inside: bool) -> dict:
    return {"pk": c.organization.pk}


def organization_year(c: Ctx, inside: bool) -> dict:
    return {"pk": c.organization.pk, "year": c.year}


def person_pk(c: Ctx, inside: bool) -> dict:
    return {"pk": c.person.pk}


def pk_of(make: Callable[[Ctx], object]) -> Kwargs:
    """Target: `{"pk": ...}` of the record `make(c)` creates (a pledge, a report, ...)."""
    return lambda c, inside: {"pk": make(c).pk}


def organization_year_with(make: Callable[[Ctx], object]) -> Kwargs:
    """Target: the organization and year, after `make(c)` created what the page should show."""

    def target(c: Ctx, inside: bool) -> dict:
        make(c)
        return organization_year(c, inside)

    return target
