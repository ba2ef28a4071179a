"""Small helpers shared by the export and the import."""

from collections.abc import Iterable, Iterator

from django.db.models import Model

BATCH = 1000


def chunks(values: Iterable, size: int = BATCH) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def sample(ids: Iterable) -> str:
    """A few keys for a message: "3, 8, 12, 15, 21, …"."""
    ordered = sorted(ids)
    shown = ", ".join(str(value) for value in ordered[:5])
    return shown + (", …" if len(ordered) > 5 else "")


def in_database(model: type[Model], ids: Iterable[int]) -> set[int]:
    """Those of `ids` that are keys of `model` here."""
    found: set[int] = set()
    for chunk in chunks(ids):
        found.update(model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True))
    return found
