"""The year backup format: its sections, their columns and how values are written.

A backup is one JSON object::

    {"format": "lamtheobac.year", "format_version": 1, "organization": 12, "year": 2024,
     "exported_at": "2024-03-15T09:00:00+00:00",
     "sections": {"pledges": {"fields": ["id", "kind", ...], "rows": [[101, "personal", ...], ...]}, ...}}

Rows are lists in the order of `fields`: a province's 60,000 people take a third of the room
they would as objects. Dates and times are ISO 8601 strings, a user is written as a username,
every other reference as the primary key of the source database.

The columns of a version never change: a new model field means a new format version (the
test suite fails until the field is either added here under a new version or listed in
`NOT_EXPORTED` with its reason).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models

from committees.models import Membership, Organization, OrganizationYear, Person, ReportingYear
from pledges.models import (
    Commendation,
    Directive,
    DocumentType,
    Exemplar,
    Plan,
    Pledge,
    PledgeItem,
    StudySession,
    Theme,
)
from reports.models import Report, ReportRender

FORMAT = "lamtheobac.year"
FORMAT_VERSION = 1

User = get_user_model()


class BackupRejected(Exception):
    """A backup that cannot be written or read; `messages` say why, in Vietnamese."""

    def __init__(self, messages: list[str]):
        self.messages = [str(message) for message in messages]
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Section:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]

    def field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)

    def lookups(self) -> list[str]:
        """What to read from the database for each column: the key of a reference, the
        username of a user."""
        result = []
        for name in self.fields:
            field = self.field(name)
            if is_user(field):
                result.append(f"{name}__username")
            elif field.is_relation:
                result.append(field.attname)
            else:
                result.append(name)
        return result

    @property
    def has_ids(self) -> bool:
        return self.fields[0] == "id"


def is_user(field: models.Field) -> bool:
    return field.is_relation and field.related_model is User


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


PLAN_FIELDS = columns(
    "id organization year directive theme pledge_deadline required_thematic_meetings is_closed closed_at"
)

SECTIONS = (
    Section("reporting_year", ReportingYear, columns("year is_closed closed_at")),
    Section(
        "organizations",
        Organization,
        columns("id path name short_name kind issuer_code place_name founded_on dissolved_on merged_into"),
    ),
    Section("organization_years", OrganizationYear, columns("organization parent path depth")),
    Section("document_types", DocumentType, columns("id code name is_party")),
    Section("themes", Theme, columns("id kind year term_start term_end title")),
    Section(
        "directives",
        Directive,
        columns(
            "id number doc_type issuer_code symbol issued_on title issuing_organization issuer_name implements"
            " created_at"
        ),
    ),
    Section(
        "people",
        Person,
        columns(
            "id full_name gender birth_year position category organization joined_on left_on exemption"
            " exemption_reason created_at updated_at"
        ),
    ),
    Section("memberships", Membership, columns("id person organization start_on end_on")),
    Section("superior_plans", Plan, PLAN_FIELDS),
    Section("plans", Plan, PLAN_FIELDS),
    Section(
        "pledges",
        Pledge,
        columns(
            "id kind person organization year form state submitted_on on_time review_comment reviewed_by"
            " reviewed_at evaluation evaluation_comment evaluated_by evaluated_at version created_by created_at"
            " updated_at"
        ),
    ),
    Section(
        "pledge_items",
        PledgeItem,
        columns("id pledge position content area target due_on result result_note assessed_on"),
    ),
    Section(
        "study_sessions",
        StudySession,
        columns(
            "id organization held_on kind topic theme extra_party_members extra_union_members extra_others"
            " bridge_points note created_by created_at"
        ),
    ),
    Section("session_attendees", StudySession.attendees.through, columns("studysession person")),
    Section("exemplars", Exemplar, columns("id organization year name description unit status created_at")),
    Section("exemplar_people", Exemplar.people.through, columns("exemplar person")),
    Section(
        "commendations",
        Commendation,
        columns(
            "id organization year recipient_person recipient_organization form authority decision_number"
            " decision_date occasion reason status proposed_by proposed_to created_at"
        ),
    ),
    Section(
        "reports",
        Report,
        columns(
            "id organization year state number place_name document_date title_summary opening general_situation"
            " deployment propaganda study emulation strengths weaknesses remedies directions recipients"
            " signer_authority signer_title signer_name layout_profile version finalized_at finalized_by"
            " final_render created_at updated_at"
        ),
    ),
    Section(
        "report_renders",
        ReportRender,
        columns(
            "id report format state file size sha256 figures error attempts requested_by created_at started_at"
            " finished_at"
        ),
    ),
)
SECTION_BY_NAME = {section.name: section for section in SECTIONS}

# The year's records, in the order they are written; the import refuses any already present.
RECORD_SECTIONS = (
    "plans",
    "pledges",
    "pledge_items",
    "study_sessions",
    "session_attendees",
    "exemplars",
    "exemplar_people",
    "commendations",
    "reports",
    "report_renders",
)
# Sections whose rows belong to one organization of the subtree and to the year.
SCOPED_SECTIONS = ("plans", "pledges", "study_sessions", "exemplars", "commendations", "reports")

# Every concrete field of an exported model is a column above or listed here with its reason.
NOT_EXPORTED = {
    Organization: {
        "depth": "derived from the path",
        "numchild": "derived from the tree",
        "search_key": "derived from the name",
    },
    OrganizationYear: {"id": "the key is (organization, year)", "year": "the document's year"},
    ReportingYear: {"id": "the key is the year"},
    Person: {
        "search_key": "derived from the name",
        "user": "accounts and their links are access management, not the year's records",
    },
    Report: {"first_year": "a year's backup holds the reports of that year, not those over a span of years"},
    ReportRender: {"batch": "a batch only groups the renders of one request"},
    StudySession.attendees.through: {"id": "a link is its two keys"},
    Exemplar.people.through: {"id": "a link is its two keys"},
}


# --- values ---------------------------------------------------------------------------------


def to_json(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


class BadValue(ValueError):
    pass


def from_json(field: models.Field, value):
    """The Python value of a column, or BadValue. Constraints (required, choices, lengths)
    are left to the database, which refuses the whole import."""
    if value is None:
        return None
    if is_user(field):
        if not isinstance(value, str) or not value:
            raise BadValue(value)
        return value
    if field.is_relation or isinstance(field, models.AutoField | models.BigAutoField):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadValue(value)
        return value
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.DateField | models.DateTimeField) and not isinstance(value, str):
        raise BadValue(value)
    if isinstance(field, models.CharField | models.TextField | models.FileField) and not isinstance(value, str):
        raise BadValue(value)
    try:
        return field.to_python(value)
    except ValidationError:
        raise BadValue(value) from None
