"""Benchmark of the people import: 10,000 rows in under 15 s on PostgreSQL (validate + write).

    bench_import(n=10000) -> (seconds, rows added)

Builds an n-row .xlsx in memory naming cells of the demo province's bloc, then times the
import service (reading, validation, bulk writes) inside a transaction that is rolled back,
so the demo database is left as it was. Needs the demo province (`seed_demo`).

    python bench/import_bench.py [n]      (DATABASE_URL as for bench/run.py)
"""

import io
import random
import sys
import time
from collections import Counter
from pathlib import Path

YEAR_OF_JOINING = (2012, 2023)


class _Rollback(Exception):
    pass


def _cells_by_unique_name():
    """Live cells under the bloc whose names are unique there (a row names its cell)."""
    from committees.demo.province import BLOC_NAME
    from committees.models import CELL_KINDS, Organization, subtree_q

    bloc = Organization.objects.get(name=BLOC_NAME)
    organizations = list(Organization.objects.filter(subtree_q(bloc.path), dissolved_on__isnull=True))
    names = Counter(org.search_key for org in Organization.objects.filter(subtree_q(bloc.path)))
    cells = [org for org in organizations if org.kind in CELL_KINDS and names[org.search_key] == 1]
    return bloc, cells


def build_people_file(n: int, cells, *, seed: int = 2024) -> bytes:
    """An n-row people file in the template's columns, one row per new person."""
    from openpyxl import Workbook

    from committees.demo.names import person_name
    from committees.models import Person, PersonCategory
    from committees.text import search_key
    from transfers.imports import PEOPLE_COLUMNS

    rng = random.Random(seed)
    cell_ids = [cell.pk for cell in cells]
    taken = set(
        Person.objects.filter(organization_id__in=cell_ids).values_list("organization_id", "search_key", "birth_year")
    )
    categories = [str(label) for _code, label in PersonCategory.choices]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dữ liệu")
    sheet.append([column.header for column in PEOPLE_COLUMNS if column.in_template])
    rows = 0
    while rows < n:
        cell = cells[rows % len(cells)]
        name, gender = person_name(rng)
        birth_year = rng.randint(1960, 2002)
        key = (cell.pk, search_key(name), birth_year)
        if key in taken:
            continue
        taken.add(key)
        joined = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(*YEAR_OF_JOINING)}"
        sheet.append(
            [
                name,
                "Nam" if gender == "male" else "Nữ",
                birth_year,
                "Chuyên viên",
                rng.choice(categories),
                cell.name,
                joined,
                None,
                None,
            ]
        )
        rows += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bench_import(n: int = 10000) -> tuple[float, int]:
    """Seconds to import n people (read + validate + write), and how many were added."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from transfers.imports import people_import
    from transfers.spreadsheets import XLSX_CONTENT_TYPE

    bloc, cells = _cells_by_unique_name()
    content = build_people_file(n, cells)
    upload = SimpleUploadedFile("ca-nhan.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    elapsed, added = 0.0, 0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            result = people_import(organization=bloc, upload=upload)
            elapsed, added = time.perf_counter() - started, result.added
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, added


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.run import setup_django

    setup_django()
    seconds, added = bench_import(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
    print(f"import of {added} people: {seconds:.2f} s (target < 15 s)")
