"""Export of one year of an organization's subtree to the backup format (see format.py).

What is written:
- the subtree of the organization in the tree of that year (`OrganizationYear` rows), with
  the rows of its superiors in that year's tree;
- the year's records of every organization of that subtree: plans, personal and collective
  pledges with their items, study sessions with attendees and head counts, exemplars with
  their people, commendations, year-end reports with their official file's record;
- what those records lean on: the people who were members of the subtree during the year or
  appear on a record, their memberships overlapping the year, the superiors' plans of the
  year (the subtree inherits their deadline, required meetings and closing), themes,
  directives with the documents they implement, document types, and every organization any
  of these points to, with its superiors in today's tree so that it can be placed there.

Memory: querysets are read as tuples (`values_list(...).iterator()`) and written row by row;
only sets of primary keys (people, organizations, themes, ...) are held, never model objects.
"""

import datetime
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import (
    Membership,
    Organization,
    OrganizationYear,
    Person,
    ReportingYear,
    subtree_q,
    superior_paths,
)
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
from transfers.backup.common import chunks
from transfers.backup.format import FORMAT, FORMAT_VERSION, SECTIONS, BackupRejected, Section, to_json

STEP = Organization.steplen
CHUNK = 2000


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """Keys in ascending runs, so that rows read run by run come out in key order."""
    return chunks(sorted(ids), CHUNK)


class YearScope:
    """The records of one year of one organization's subtree, as querysets."""

    def __init__(self, organization: Organization, year: int):
        root = OrganizationYear.objects.filter(organization=organization, year=year).first()
        if root is None:
            raise BackupRejected(
                [_("“%(name)s” không có trong cây tổ chức năm %(year)s.") % {"name": organization.name, "year": year}]
            )
        self.organization = organization
        self.year = year
        self.root_path = root.path
        self.first_day = datetime.date(year, 1, 1)
        self.last_day = datetime.date(year, 12, 31)

    def tree(self) -> QuerySet:
        """The subtree's rows of the year's tree and the rows of its superiors that year."""
        return OrganizationYear.objects.filter(
            subtree_q(self.root_path) | Q(path__in=superior_paths(self.root_path)), year=self.year
        ).order_by("path")

    def subtree_ids(self) -> QuerySet:
        return OrganizationYear.objects.filter(subtree_q(self.root_path), year=self.year).values("organization_id")

    def superior_ids(self) -> set[int]:
        """Superiors in the year's tree and in today's tree: plans are inherited along both
        (statistics of a year walk the year's tree, the writing rules today's)."""
        in_year = OrganizationYear.objects.filter(year=self.year, path__in=superior_paths(self.root_path))
        today = Organization.objects.filter(path__in=superior_paths(self.organization.path))
        return set(in_year.values_list("organization_id", flat=True)) | set(today.values_list("id", flat=True))

    def _own(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(organization_id__in=self.subtree_ids(), year=self.year)

    def plans(self) -> QuerySet:
        return self._own(Plan.objects.all())

    def superior_plans(self) -> QuerySet:
        return Plan.objects.filter(organization_id__in=self.superior_ids(), year=self.year)

    def pledges(self) -> QuerySet:
        return self._own(Pledge.objects.all())

    def pledge_items(self) -> QuerySet:
        return PledgeItem.objects.filter(pledge_id__in=self.pledges().values("id"))

    def study_sessions(self) -> QuerySet:
        return StudySession.objects.filter(
            organization_id__in=self.subtree_ids(), held_on__gte=self.first_day, held_on__lte=self.last_day
        )

    def session_attendees(self) -> QuerySet:
        through = StudySession.attendees.through
        return through.objects.filter(studysession_id__in=self.study_sessions().values("id"))

    def exemplars(self) -> QuerySet:
        return self._own(Exemplar.objects.all())

    def exemplar_people(self) -> QuerySet:
        return Exemplar.people.through.objects.filter(exemplar_id__in=self.exemplars().values("id"))

    def commendations(self) -> QuerySet:
        return self._own(Commendation.objects.all())

    def reports(self) -> QuerySet:
        # The year's own reports; one over a span of years belongs to no single year.
        return self._own(Report.objects.filter(first_year__isnull=True))

    def report_renders(self) -> QuerySet:
        # Only the official file of a finalized report: drafts and failed jobs can be made again.
        return ReportRender.objects.filter(pk__in=self.reports().values("final_render_id"))

    def overlapping_year(self) -> Q:
        return Q(start_on__lte=self.last_day) & (Q(end_on__isnull=True) | Q(end_on__gte=self.first_day))

    def members(self) -> QuerySet:
        return Membership.objects.filter(self.overlapping_year(), organization_id__in=self.subtree_ids())


def _values(queryset: QuerySet, *fields: str) -> set:
    return {value for value in queryset.values_list(*fields, flat=True).iterator(chunk_size=CHUNK) if value is not None}


def _people_ids(scope: YearScope) -> set[int]:
    """Members of the subtree during the year, and anyone a record of the year names."""
    ids = _values(scope.members(), "person_id")
    ids |= _values(scope.pledges(), "person_id")
    ids |= _values(scope.session_attendees(), "person_id")
    ids |= _values(scope.exemplar_people(), "person_id")
    ids |= _values(scope.commendations(), "recipient_person_id")
    return ids


def _memberships(scope: YearScope, people: set[int]) -> Iterator[QuerySet]:
    for chunk in _chunks(people):
        yield Membership.objects.filter(scope.overlapping_year(), person_id__in=chunk).order_by("person_id", "id")


def _directive_ids(scope: YearScope) -> set[int]:
    ids = _values(scope.plans(), "directive_id") | _values(scope.superior_plans(), "directive_id")
    pending = set(ids)
    while pending:  # the chain of documents implemented (a plan implements a plan ... a directive)
        pending = _values(Directive.objects.filter(pk__in=pending), "implements_id") - ids
        ids |= pending
    return ids


def _organization_ids(scope: YearScope, people: set[int], directives: set[int]) -> set[int]:
    """Every organization a row of the file points to, closed under merges and superiors."""
    ids = _values(scope.tree(), "organization_id") | _values(scope.tree(), "parent_id") | scope.superior_ids()
    for chunk in _chunks(people):
        ids |= _values(Person.objects.filter(pk__in=chunk), "organization_id")
        ids |= _values(Membership.objects.filter(scope.overlapping_year(), person_id__in=chunk), "organization_id")
    ids |= _values(scope.commendations(), "recipient_organization_id")
    ids |= _values(scope.commendations(), "proposed_to_id")
    ids |= _values(Directive.objects.filter(pk__in=directives), "issuing_organization_id")
    pending = set(ids)
    while pending:
        found: set[int] = set()
        for chunk in _chunks(pending):
            paths = set()
            for path, merged_into in Organization.objects.filter(pk__in=chunk).values_list("path", "merged_into_id"):
                paths.update(superior_paths(path))
                if merged_into is not None:
                    found.add(merged_into)
            found |= set(Organization.objects.filter(path__in=paths).values_list("id", flat=True))
        pending = found - ids
        ids |= pending
    return ids


class _Writer:
    """Writes the document piece by piece, one row per line."""

    def __init__(self, out: TextIO):
        self.out = out
        self.counts: dict[str, int] = {}

    def begin(self, header: dict) -> None:
        self.out.write("{\n")
        for key, value in header.items():
            self.out.write(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
        self.out.write('"sections": {')

    def section(self, section: Section, querysets: Iterable[QuerySet]) -> None:
        separator = "," if self.counts else ""
        self.out.write(
            f'{separator}\n{json.dumps(section.name)}: {{"fields": {json.dumps(list(section.fields))}, "rows": ['
        )
        count = 0
        lookups = section.lookups()
        for queryset in querysets:
            for row in queryset.values_list(*lookups).iterator(chunk_size=CHUNK):
                line = json.dumps([to_json(value) for value in row], ensure_ascii=False, sort_keys=True)
                self.out.write(("\n" if count == 0 else ",\n") + line)
                count += 1
        self.out.write("\n]}" if count else "]}")
        self.counts[section.name] = count

    def end(self) -> None:
        self.out.write("\n}\n}\n")


@contextmanager
def _snapshot():
    """One consistent view of the database for the whole export, even while people work.
    Inside a caller's transaction that transaction's view is used as it is."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _by_ids(model, ids: set[int]) -> Iterator[QuerySet]:
    for chunk in _chunks(ids):
        yield model.objects.filter(pk__in=chunk).order_by("id")


def export_year(*, organization: Organization, year: int, out: TextIO) -> dict[str, int]:
    """Write the backup of `year` of `organization`'s subtree to `out`; returns the number of
    rows of each section. Raises BackupRejected when the organization is not in that year's tree."""
    with _snapshot():
        scope = YearScope(organization, year)
        people = _people_ids(scope)
        directives = _directive_ids(scope)
        organizations = _organization_ids(scope, people, directives)
        themes = (
            _values(scope.plans(), "theme_id")
            | _values(scope.superior_plans(), "theme_id")
            | _values(scope.study_sessions(), "theme_id")
        )
        document_types = _values(Directive.objects.filter(pk__in=directives), "doc_type_id")
        sources = {
            "reporting_year": [ReportingYear.objects.filter(year=year)],
            "organizations": _by_ids(Organization, organizations),
            "organization_years": [scope.tree()],
            "document_types": _by_ids(DocumentType, document_types),
            "themes": _by_ids(Theme, themes),
            "directives": _by_ids(Directive, directives),
            "people": _by_ids(Person, people),
            "memberships": _memberships(scope, people),
            "superior_plans": [scope.superior_plans().order_by("id")],
            "session_attendees": [scope.session_attendees().order_by("studysession_id", "person_id")],
            "exemplar_people": [scope.exemplar_people().order_by("exemplar_id", "person_id")],
        }
        writer = _Writer(out)
        writer.begin(
            {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "organization": organization.pk,
                "year": year,
                "exported_at": timezone.now().isoformat(),
            }
        )
        for section in SECTIONS:
            querysets = sources.get(section.name) or [getattr(scope, section.name)().order_by("id")]
            writer.section(section, querysets)
        writer.end()
    return writer.counts
