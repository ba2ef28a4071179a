"""Factories for the test world; build through services where a service owns the rule."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model
from knox.models import AuthToken

from committees import services
from committees.models import Organization, OrganizationKind, Person, PersonCategory, RoleAssignment

_org_numbers = itertools.count(1)


def make_organization(
    parent: Organization | None = None, *, name: str | None = None, kind: str | None = None, **fields
) -> Organization:
    number = next(_org_numbers)
    if kind is None:
        kind = OrganizationKind.PROVINCIAL if parent is None else OrganizationKind.CELL
    return services.organization_create(
        parent=parent,
        name=name or f"Tổ chức {number}",
        kind=kind,
        issuer_code=fields.pop("issuer_code", "CB"),
        place_name=fields.pop("place_name", "Thanh Hoá"),
        founded_on=fields.pop("founded_on", datetime.date(2010, 1, 1)),
        **fields,
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("matkhau-thu-nghiem")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Người{n}")
    category = PersonCategory.PARTY_FULL
    gender = "male"
    birth_year = 1980
    position = "Chuyên viên"
    joined_on = datetime.date(2015, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organization = kwargs.pop("organization")
        joined_on = kwargs.pop("joined_on")
        return services.person_create(organization=organization, joined_on=joined_on, **kwargs)


def grant(user, organization: Organization, role: str) -> RoleAssignment:
    return RoleAssignment.objects.create(user=user, organization=organization, role=role)


def api_token(user) -> str:
    """A new API token of `user`: its text, which the database keeps only as a digest."""
    _instance, token = AuthToken.objects.create(user=user)
    return token
