"""The change history of a record, as shown to those who may read it: who, when, which fields.

One save of a record with people attached writes two history rows (the fields, then the
many-to-many): a row changing only people, by the same user a few seconds after the one
before, is shown as part of it.
"""

from django.utils.translation import gettext_lazy as _

HISTORY_LIMIT = 100
CHANGE_REASON_MAX_LENGTH = 100  # simple-history's column


def stamp(instance, *, by=None, reason: str | None = None) -> None:
    """Say who makes the next save of `instance` and why, for the history row it writes
    (django-simple-history reads these two attributes when it writes the row). Set before the
    save: looking the row up afterwards by field values can hit an older identical one."""
    if by is not None:
        setattr(instance, "_history_user", by)  # noqa: B010 - the attribute simple-history reads
    if reason is not None:
        setattr(instance, "_change_reason", reason[:CHANGE_REASON_MAX_LENGTH])  # noqa: B010


SAME_SAVE_SECONDS = 5


def _labels(model) -> dict[str, str]:
    return {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


def _same_save(earlier, later) -> bool:
    return (
        later.history_type == "~"
        and later.history_user_id == earlier.history_user_id
        and (later.history_date - earlier.history_date).total_seconds() < SAME_SAVE_SECONDS
    )


def record_history(obj, what: str, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """Entries {record, what, changed} of `obj`'s history, newest first, at most `limit`."""
    if obj is None:
        return []
    labels = _labels(type(obj))
    m2m_labels = {labels[f.name] for f in type(obj)._meta.many_to_many}
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    records.reverse()
    entries: list[dict] = []
    previous = None
    for record in records:
        changed = []
        if previous is not None:
            changed = [labels.get(name, name) for name in record.diff_against(previous).changed_fields]
        last = entries[-1] if entries else None
        m2m_only = bool(changed) and all(name in m2m_labels for name in changed)
        if last is not None and m2m_only and _same_save(last["record"], record):
            if last["record"].history_type != "+":
                last["changed"] += [name for name in changed if name not in last["changed"]]
        elif previous is None or record.history_type != "~" or changed or record.history_change_reason:
            entries.append({"record": record, "what": what, "changed": changed})
        previous = record
    if len(records) > limit and entries:
        entries = entries[1:]  # the oldest one only served as the base of the first diff
    return list(reversed(entries))


def pledge_history(pledge, *, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The pledge's own history and that of its items, newest first."""
    entries = record_history(pledge, _("bản đăng ký"), limit=limit)
    items = pledge.items.model.history.filter(pledge_id=pledge.pk).select_related("history_user")
    for record in items.order_by("-history_date")[:limit]:
        entries.append(
            {"record": record, "what": _("việc làm theo: %(c)s") % {"c": record.content[:60]}, "changed": []}
        )
    return sorted(entries, key=lambda entry: entry["record"].history_date, reverse=True)[:limit]
