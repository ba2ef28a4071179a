"""Import of a year backup (see format.py), all or nothing.

- Identity. Rows keep the primary key they had in the source database. Organizations,
  people and memberships already here are recognized by that key and must be the same ones
  (same name, same person): a backup goes back into the database it came from, or into an
  empty one. Document types (by code), themes (by year or term), directives (by number and
  date), the superiors' plans (by organization and year), users (by username) and the rows
  of the year's tree (by organization and year) are recognized by their natural keys.
- What is missing is created: organizations (under their superior in today's tree), rows of
  the year's tree, people, memberships, document types, themes, directives, the superiors'
  plans, and users, as inactive accounts without a password. What is already here is left
  as it is: the database is the more recent truth.
- The year's records are refused if any is already here: a record of that year in an
  organization of the file's subtree, a record with the same key, or a personal pledge of
  the same person and year. Importing the same file twice is refused, never duplicated.
- One transaction: a refusal or a database error leaves the database as it was.
- History is not in the file; each record created gets one history entry with the reason
  "Khôi phục từ bản sao lưu" (with its attendees or people).

Memory: the document is held as parsed JSON (rows are lists, not dicts) and written in
batches of model objects.
"""

from collections import Counter

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Count, Model
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Organization, OrganizationYear, Person, ReportingYear
from committees.signals import tree_changed
from committees.text import search_key
from pledges.models import Directive, DocumentType, Exemplar, Plan, StudySession, Theme
from transfers.backup.checks import ImportCheck
from transfers.backup.common import BATCH, chunks, in_database
from transfers.backup.format import RECORD_SECTIONS, BackupRejected, Section, User, is_user
from transfers.backup.reading import Table, read_header, read_tables

STEP = Organization.steplen
# Links of many-to-many fields whose history simple-history keeps, with the owner's field.
LINKS = {"session_attendees": (StudySession, "attendees"), "exemplar_people": (Exemplar, "people")}


def history_reason() -> str:
    return _("Khôi phục từ bản sao lưu")


class _Writer:
    """Writes a checked document; runs inside the import's transaction."""

    def __init__(self, checked: ImportCheck):
        self.year = checked.year
        self.tables = checked.tables
        self.new_paths = checked.new_paths
        self.existing_people = checked.existing_people
        self.existing_memberships = checked.existing_memberships
        self.new_tree_rows = checked.new_tree_rows
        self.counts: dict[str, int] = Counter()
        self.maps: dict[type[Model], dict[int, int]] = {DocumentType: {}, Theme: {}, Directive: {}}
        self.users: dict[str, int] = {}
        self.keyed_models: set[type[Model]] = set()
        self.written_models: set[type[Model]] = set()
        self.now = timezone.now()

    def write(self) -> dict[str, int]:
        self._write_reporting_year()
        self._write_users()
        self._write_organizations()
        self._write_tree()
        self._write_document_types()
        self._write_themes()
        self._write_directives()
        people = self.tables["people"]
        self._insert(people, [row for row in people.rows if people.value(row, "id") not in self.existing_people])
        memberships = self.tables["memberships"]
        self._insert(
            memberships,
            [row for row in memberships.rows if memberships.value(row, "id") not in self.existing_memberships],
        )
        self._write_superior_plans()
        for name in RECORD_SECTIONS:
            if name in LINKS:
                self._insert_links(self.tables[name])
            else:
                self._insert(self.tables[name], self.tables[name].rows)
        self._raise_sequences()
        # Rows went in without model signals; people and memberships count in other years too.
        tree_changed.send(sender=Organization, years=None)
        connection.check_constraints(table_names=[model._meta.db_table for model in self.written_models])
        return dict(self.counts)

    def _write_reporting_year(self) -> None:
        table = self.tables["reporting_year"]
        row = table.rows[0]
        _, created = ReportingYear.objects.get_or_create(
            year=self.year,
            defaults={"is_closed": table.value(row, "is_closed"), "closed_at": table.value(row, "closed_at")},
        )
        self.counts["reporting_year"] += int(created)

    def _write_users(self) -> None:
        """Users named on records; a missing one becomes an inactive account without password
        (who reviewed or evaluated is part of the record)."""
        names = set()
        for table in self.tables.values():
            for name in table.section.fields:
                if is_user(table.section.field(name)):
                    names.update(value for value in table.column(name) if value is not None)
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        new = []
        for username in sorted(names - existing):
            user = User(username=username, is_active=False)
            user.set_unusable_password()
            new.append(user)
        User.objects.bulk_create(new, batch_size=BATCH)
        self.counts["users"] = len(new)
        self.users = dict(User.objects.filter(username__in=names).values_list("username", "id"))

    def _write_organizations(self) -> None:
        table = self.tables["organizations"]
        new = []
        for row in table.rows:
            pk = table.value(row, "id")
            if pk not in self.new_paths:
                continue
            organization = self._instance(table, row)
            organization.path = self.new_paths[pk]
            organization.depth = len(organization.path) // STEP
            organization.numchild = 0
            organization.search_key = search_key(organization.name)
            new.append(organization)
        new.sort(key=lambda organization: organization.path)
        Organization.objects.bulk_create(new, batch_size=BATCH)
        self._mark_written(Organization, keyed=True)
        self.counts["organizations"] = len(new)
        self._count_children({organization.path[:-STEP] for organization in new if organization.depth > 1})

    def _count_children(self, parent_paths: set[str]) -> None:
        counts = dict(
            Organization.objects.annotate(parent_path=Substr("path", 1, Length("path") - STEP))
            .filter(depth__gt=1, parent_path__in=parent_paths)
            .values("parent_path")
            .annotate(n=Count("id"))
            .order_by()  # the default ordering by path would split the groups
            .values_list("parent_path", "n")
        )
        parents = list(Organization.objects.filter(path__in=parent_paths))
        for parent in parents:
            parent.numchild = counts.get(parent.path, 0)
        Organization.objects.bulk_update(parents, ["numchild"], batch_size=BATCH)

    def _write_tree(self) -> None:
        table = self.tables["organization_years"]
        rows = []
        for row in self.new_tree_rows:
            item = self._instance(table, row)
            item.year = self.year
            rows.append(item)
        OrganizationYear.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["organization_years"] = len(rows)

    def _create_keeping_key(self, table: Table, row: list) -> Model:
        """Create a reference row under the file's key when that key is free here."""
        model = table.section.model
        instance = self._instance(table, row)
        if model._default_manager.filter(pk=instance.pk).exists():
            instance.pk = None
        instance.save(force_insert=True)
        self._mark_written(model, keyed=True)
        self.counts[table.section.name] += 1
        return instance

    def _write_document_types(self) -> None:
        table = self.tables["document_types"]
        existing = dict(DocumentType.objects.filter(code__in=table.column("code")).values_list("code", "id"))
        for row in table.rows:
            code = table.value(row, "code")
            pk = existing[code] if code in existing else self._create_keeping_key(table, row).pk
            self.maps[DocumentType][table.value(row, "id")] = pk

    def _write_themes(self) -> None:
        table = self.tables["themes"]
        for row in table.rows:
            kind = table.value(row, "kind")
            if kind == Theme.Kind.YEARLY:
                match = Theme.objects.filter(kind=kind, year=table.value(row, "year"))
            else:
                match = Theme.objects.filter(
                    kind=kind, term_start=table.value(row, "term_start"), term_end=table.value(row, "term_end")
                )
            found = match.order_by("pk").values_list("pk", flat=True).first()
            self.maps[Theme][table.value(row, "id")] = found or self._create_keeping_key(table, row).pk

    def _write_directives(self) -> None:
        table = self.tables["directives"]
        pending = []
        for row in table.rows:
            found = (
                Directive.objects.filter(symbol=table.value(row, "symbol"), issued_on=table.value(row, "issued_on"))
                .values_list("pk", flat=True)
                .first()
            )
            if found:
                self.maps[Directive][table.value(row, "id")] = found
            else:
                pending.append(row)
        # A directive is created after the one it implements, so that its reference maps.
        while pending:
            ready = [row for row in pending if table.value(row, "implements") in (None, *self.maps[Directive])]
            if not ready:
                raise BackupRejected([_("Phần “directives”: các văn bản thực hiện lẫn nhau theo vòng tròn.")])
            for row in ready:
                created_at = table.value(row, "created_at")
                directive = self._create_keeping_key(table, row)
                Directive.objects.filter(pk=directive.pk).update(created_at=created_at)
                self.maps[Directive][table.value(row, "id")] = directive.pk
                pending.remove(row)

    def _write_superior_plans(self) -> None:
        table = self.tables["superior_plans"]
        present = set(
            Plan.objects.filter(year=self.year, organization_id__in=table.column("organization")).values_list(
                "organization_id", flat=True
            )
        )
        rows = [row for row in table.rows if table.value(row, "organization") not in present]
        taken = in_database(Plan, [table.value(row, "id") for row in rows])
        self._insert(table, rows, taken=taken)

    def _columns(self, section: Section) -> list[tuple[str, dict | None]]:
        """(attribute name, key map) of each column: users map to their ids here, document
        types, themes and directives to the rows they matched; other keys stay as they are."""
        columns = []
        for name in section.fields:
            field = section.field(name)
            if is_user(field):
                columns.append((field.attname, self.users))
            elif field.is_relation:
                columns.append((field.attname, self.maps.get(field.related_model)))
            else:
                columns.append((field.attname, None))
        return columns

    def _instance(self, table: Table, row: list, columns: list | None = None) -> Model:
        values = {}
        for (attname, mapping), value in zip(columns or self._columns(table.section), row, strict=True):
            values[attname] = mapping[value] if mapping is not None and value is not None else value
        return table.section.model(**values)

    def _insert(self, table: Table, rows: list[list], *, taken: set[int] = frozenset()) -> None:
        """Bulk insert under the file's keys, timestamps included, with one history entry per
        row where the model keeps history. A key in `taken` is replaced by a new one."""
        model = table.section.model
        manager = model._default_manager
        history = getattr(model, "history", None)
        columns = self._columns(table.section)
        for batch in chunks(rows):
            objects = [self._instance(table, row, columns) for row in batch]
            for instance in objects:
                if instance.pk in taken:
                    instance.pk = None
                if model is Person:
                    instance.search_key = search_key(instance.full_name)
            keyed = [instance for instance in objects if instance.pk is not None]
            if keyed:
                # Inserted as loaddata does ("raw"): the values as they are, where bulk_create
                # would stamp created_at and updated_at with the current time.
                manager._insert(keyed, fields=model._meta.concrete_fields, raw=True)
            fresh = [instance for instance in objects if instance.pk is None]
            if fresh:
                # Only a superior's plan gets a new key, and plans carry no timestamps.
                manager.bulk_create(fresh)
            if history is not None:
                history.bulk_history_create(objects, default_change_reason=history_reason(), default_date=self.now)
        self._mark_written(model, keyed=table.section.has_ids)
        self.counts[table.section.name] += len(rows)

    def _insert_links(self, table: Table) -> None:
        """Links of a many-to-many field, and the owner's history entry gets them, as
        simple-history does when a record is saved with its people."""
        owner_model, field_name = LINKS[table.section.name]
        through = table.section.model
        owner_column = table.section.fields[0]
        columns = self._columns(table.section)
        for batch in chunks(table.rows):
            through.objects.bulk_create([self._instance(table, row, columns) for row in batch])
        self._mark_written(through, keyed=False)
        self.counts[table.section.name] += len(table.rows)
        link_history = getattr(owner_model.history.model, field_name).model
        owners = sorted(set(table.column(owner_column)))
        for chunk in chunks(owners):
            # Ordered by key, the dict keeps the latest creation entry: the one just written.
            entries = dict(
                owner_model.history.filter(id__in=chunk, history_type="+", history_change_reason=history_reason())
                .order_by("history_id")
                .values_list("id", "history_id")
            )
            links = through.objects.filter(**{f"{owner_column}_id__in": chunk}).values_list(
                "id", f"{owner_column}_id", "person_id"
            )
            link_history.objects.bulk_create(
                [
                    link_history(history_id=entries[owner], id=pk, person_id=person, **{f"{owner_column}_id": owner})
                    for pk, owner, person in links
                    if owner in entries
                ],
                batch_size=BATCH,
            )

    def _mark_written(self, model: type[Model], *, keyed: bool) -> None:
        self.written_models.add(model)
        if keyed:
            self.keyed_models.add(model)

    def _raise_sequences(self) -> None:
        """Rows inserted under their own keys do not move PostgreSQL's sequences: move them
        past the largest key, never back. (SQLite's AUTOINCREMENT follows by itself.)"""
        if connection.vendor != "postgresql":
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in self.keyed_models:
                table, column = model._meta.db_table, model._meta.pk.column
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
                sequence = cursor.fetchone()[0]
                if sequence is None:
                    continue
                cursor.execute(
                    f"SELECT setval(%s, GREATEST((SELECT COALESCE(MAX({quote(column)}), 1) FROM {quote(table)}), "
                    f"(SELECT last_value FROM {sequence})))",
                    [sequence],
                )


def import_year(*, document: dict) -> dict[str, int]:
    """Import a parsed backup document; returns the rows created per section. Raises
    BackupRejected, with nothing written, when the file cannot be imported as a whole."""
    root_id, year = read_header(document)
    tables = read_tables(document)
    try:
        with transaction.atomic():
            # Two imports of the same subtree at once: the second checks after the first wrote.
            Organization.objects.select_for_update().filter(pk=root_id).first()
            checked = ImportCheck(root_id, year, tables).run()
            return _Writer(checked).write()
    except (IntegrityError, DataError) as error:
        raise BackupRejected(
            [
                _("Dữ liệu trong tệp vi phạm ràng buộc của cơ sở dữ liệu; không có gì được nhập. Chi tiết: %(error)s")
                % {"error": error}
            ]
        ) from None
