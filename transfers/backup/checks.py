"""Checks of a backup document against this database, made before anything is written.

They refuse a file that does not hang together (references to rows it does not hold, keys
repeated, records outside its subtree or year), that belongs to another database (an
organization or a person of the same key with another name), or whose year is already
filled (see restore.py for the rules); and they work out where missing organizations go.
"""

from collections import Counter

from django.db.models import Model
from django.utils.translation import gettext as _

from committees.models import Membership, Organization, OrganizationYear, Person
from committees.text import search_key
from pledges.models import Commendation, Exemplar, Plan, Pledge, StudySession
from reports.models import Report
from transfers.backup.common import chunks, in_database, sample
from transfers.backup.format import RECORD_SECTIONS, SCOPED_SECTIONS, BackupRejected, is_user
from transfers.backup.reading import MAX_MESSAGES, Table

STEP = Organization.steplen


class ImportCheck:
    """Runs every check; afterwards holds what the writing needs: the subtree, where missing
    organizations go, the people, memberships and rows of the year's tree already here."""

    def __init__(self, root_id: int, year: int, tables: dict[str, Table]):
        self.root_id = root_id
        self.year = year
        self.tables = tables
        self.errors: list[str] = []
        self.subtree: set[int] = set()
        self.root_name = ""
        self.new_paths: dict[int, str] = {}
        self.existing_people: set[int] = set()
        self.existing_memberships: set[int] = set()
        self.new_tree_rows: list[list] = []

    def refuse(self, message: str) -> None:
        self.errors.append(message)

    def run(self) -> "ImportCheck":
        """Everything that can be known before writing; raises BackupRejected listing it all."""
        self._check_unique_ids()
        self._check_references()
        if not self.errors:
            self._check_scope()
        if not self.errors:
            self._check_organizations()
            self._check_people()
            self._check_tree()
            self._check_records_absent()
        if self.errors:
            shown = self.errors[:MAX_MESSAGES]
            if len(self.errors) > MAX_MESSAGES:
                shown.append(_("… và %(n)s lỗi khác.") % {"n": len(self.errors) - MAX_MESSAGES})
            raise BackupRejected(shown)
        return self

    def _defined(self, model: type[Model]) -> set[int]:
        """Keys of `model` the file defines."""
        ids: set[int] = set()
        for table in self.tables.values():
            if table.section.model is model and table.section.has_ids:
                ids.update(table.column("id"))
        return ids

    def _check_unique_ids(self) -> None:
        for table in self.tables.values():
            if table.section.has_ids:
                repeated = [key for key, n in Counter(table.column("id")).items() if n > 1]
                if repeated:
                    self.refuse(
                        _("Phần “%(section)s” có mã lặp lại: %(ids)s.")
                        % {"section": table.section.name, "ids": sample(repeated)}
                    )

    def _check_references(self) -> None:
        """Each reference points at a row of the file; organizations and people may also be
        rows of this database."""
        defined: dict[type[Model], set[int]] = {}
        for table in self.tables.values():
            for name in table.section.fields:
                field = table.section.field(name)
                if name == "id" or not field.is_relation or is_user(field):
                    continue
                target = field.related_model
                if target not in defined:
                    defined[target] = self._defined(target)
                missing = {value for value in table.column(name) if value is not None} - defined[target]
                if target in (Organization, Person):
                    missing -= in_database(target, missing)
                    message = _(
                        "Phần “%(section)s”, cột “%(field)s”: %(what)s mã %(ids)s không có trong tệp "
                        "và cũng không có trong cơ sở dữ liệu."
                    )
                else:
                    message = _("Phần “%(section)s”, cột “%(field)s”: %(what)s mã %(ids)s không có trong tệp.")
                if missing:
                    self.refuse(
                        message
                        % {
                            "section": table.section.name,
                            "field": name,
                            "what": target._meta.verbose_name,
                            "ids": sample(missing),
                        }
                    )

    def _check_scope(self) -> None:
        """The file's records belong to the subtree and the year it announces."""
        tree = self.tables["organization_years"]
        root_rows = [row for row in tree.rows if tree.value(row, "organization") == self.root_id]
        if len(root_rows) != 1:
            self.refuse(_("Tệp không có tổ chức gốc trong cây tổ chức năm %(year)s.") % {"year": self.year})
            return
        root_path = tree.value(root_rows[0], "path")
        self.subtree = {
            tree.value(row, "organization") for row in tree.rows if tree.value(row, "path").startswith(root_path)
        }
        names = dict(
            zip(self.tables["organizations"].column("id"), self.tables["organizations"].column("name"), strict=True)
        )
        self.root_name = names.get(self.root_id, str(self.root_id))
        years = self.tables["reporting_year"].column("year")
        if years != [self.year]:
            self.refuse(_("Phần “reporting_year” phải có đúng một dòng, năm %(year)s.") % {"year": self.year})
        for name in (*SCOPED_SECTIONS, "superior_plans"):
            table = self.tables[name]
            outside = set()
            for row in table.rows:
                if name == "study_sessions":
                    held_on = table.value(row, "held_on")
                    year = held_on.year if held_on else None
                else:
                    year = table.value(row, "year")
                inside = table.value(row, "organization") in self.subtree or name == "superior_plans"
                if year != self.year or not inside:
                    outside.add(table.value(row, "id"))
            if outside:
                self.refuse(
                    _("Phần “%(section)s”: các dòng mã %(ids)s không thuộc năm %(year)s của “%(name)s”.")
                    % {"section": name, "ids": sample(outside), "year": self.year, "name": self.root_name}
                )

    def _check_organizations(self) -> None:
        """Organizations here must be the file's; the missing ones need a free place in the tree."""
        table = self.tables["organizations"]
        here = {}
        for chunk in chunks(table.column("id")):
            for pk, path, key, name in Organization.objects.filter(pk__in=chunk).values_list(
                "id", "path", "search_key", "name"
            ):
                here[pk] = (path, key, name)
        file_paths = {}
        missing = []
        for row in table.rows:
            pk, name, path = table.value(row, "id"), table.value(row, "name"), table.value(row, "path")
            if not path or len(path) % STEP or any(ch not in Organization.alphabet for ch in path):
                self.refuse(_("Tổ chức mã %(id)s có vị trí “%(path)s” không hợp lệ.") % {"id": pk, "path": path})
                continue
            file_paths[path] = pk
            if pk not in here:
                missing.append(row)
            elif here[pk][1] != search_key(name):
                self.refuse(
                    _(
                        "Tổ chức mã %(id)s trong tệp là “%(file)s” nhưng trong cơ sở dữ liệu là “%(db)s”: "
                        "tệp không phải của cơ sở dữ liệu này."
                    )
                    % {"id": pk, "file": name, "db": here[pk][2]}
                )
        # A missing organization goes under its superior as it is here today, at the same step.
        actual = {pk: value[0] for pk, value in here.items()}
        for row in sorted(missing, key=lambda row: len(table.value(row, "path"))):
            pk, path = table.value(row, "id"), table.value(row, "path")
            if len(path) == STEP:
                new_path = path
            else:
                parent = file_paths.get(path[:-STEP])
                if parent is None or parent not in actual:
                    self.refuse(
                        _("Không xếp được “%(name)s” vào cây tổ chức: tệp thiếu tổ chức cấp trên của nó.")
                        % {"name": table.value(row, "name")}
                    )
                    continue
                new_path = actual[parent] + path[-STEP:]
            actual[pk] = self.new_paths[pk] = new_path
        taken = Organization.objects.filter(path__in=list(self.new_paths.values())).values_list("path", "name")
        for path, name in taken:
            self.refuse(
                _("Vị trí “%(path)s” trong cây tổ chức đã có “%(name)s”: không khôi phục được tổ chức của tệp ở đó.")
                % {"path": path, "name": name}
            )

    def _check_people(self) -> None:
        table = self.tables["people"]
        names = dict(zip(table.column("id"), table.column("full_name"), strict=True))
        for chunk in chunks(names):
            for pk, key, full_name in Person.objects.filter(pk__in=chunk).values_list("id", "search_key", "full_name"):
                self.existing_people.add(pk)
                if key != search_key(names[pk]):
                    self.refuse(
                        _(
                            "Cá nhân mã %(id)s trong tệp là “%(file)s” nhưng trong cơ sở dữ liệu là “%(db)s”: "
                            "tệp không phải của cơ sở dữ liệu này."
                        )
                        % {"id": pk, "file": names[pk], "db": full_name}
                    )
        memberships = self.tables["memberships"]
        owners = dict(zip(memberships.column("id"), memberships.column("person"), strict=True))
        for chunk in chunks(owners):
            for pk, person_id in Membership.objects.filter(pk__in=chunk).values_list("id", "person_id"):
                self.existing_memberships.add(pk)
                if person_id != owners[pk]:
                    self.refuse(
                        _("Quá trình sinh hoạt mã %(id)s trong cơ sở dữ liệu là của một cá nhân khác.") % {"id": pk}
                    )

    def _check_tree(self) -> None:
        table = self.tables["organization_years"]
        present = set(
            OrganizationYear.objects.filter(
                year=self.year, organization_id__in=table.column("organization")
            ).values_list("organization_id", flat=True)
        )
        self.new_tree_rows = [row for row in table.rows if table.value(row, "organization") not in present]
        paths = [table.value(row, "path") for row in self.new_tree_rows]
        taken = OrganizationYear.objects.filter(year=self.year, path__in=paths).select_related("organization")
        for row in taken:
            self.refuse(
                _("Cây tổ chức năm %(year)s đã có “%(name)s” ở vị trí “%(path)s” mà tệp dành cho tổ chức khác.")
                % {"year": self.year, "name": row.organization.name, "path": row.path}
            )

    def _check_records_absent(self) -> None:
        present = []
        subtree = list(self.subtree)
        for model in (Plan, Pledge, StudySession, Exemplar, Commendation, Report):
            if model is StudySession:
                records = model.objects.filter(held_on__year=self.year)
            elif model is Report:  # a report over a span of years is no record of one year
                records = model.objects.filter(year=self.year, first_year__isnull=True)
            else:
                records = model.objects.filter(year=self.year)
            n = sum(records.filter(organization_id__in=chunk).count() for chunk in chunks(subtree))
            if n:
                present.append(f"{n} {model._meta.verbose_name}")
        if present:
            self.refuse(
                _(
                    "Năm %(year)s của “%(name)s” đã có dữ liệu trong cơ sở dữ liệu (%(list)s). Bản sao lưu chỉ "
                    "nhập vào một năm chưa có dữ liệu, để không ghi trùng."
                )
                % {"year": self.year, "name": self.root_name, "list": ", ".join(present)}
            )
        for name in RECORD_SECTIONS:
            table = self.tables[name]
            if not table.section.has_ids:
                continue
            taken = in_database(table.section.model, table.column("id"))
            if taken:
                self.refuse(
                    _("Phần “%(section)s”: %(what)s mã %(ids)s đã có trong cơ sở dữ liệu.")
                    % {"section": name, "what": table.section.model._meta.verbose_name, "ids": sample(taken)}
                )
        pledges = self.tables["pledges"]
        people = [
            pledges.value(row, "person") for row in pledges.rows if pledges.value(row, "kind") == Pledge.Kind.PERSONAL
        ]
        for chunk in chunks(people):
            elsewhere = Pledge.objects.filter(kind=Pledge.Kind.PERSONAL, year=self.year, person_id__in=chunk).exclude(
                organization_id__in=subtree
            )
            for pledge in elsewhere.select_related("person"):
                self.refuse(
                    _("%(name)s đã có bản đăng ký năm %(year)s trong cơ sở dữ liệu.")
                    % {"name": pledge.person.full_name, "year": self.year}
                )
