"""Keep the tally store told of every change to a counted record (see reports/tallies.py).

Saves and deletes of single records arrive here, from services, forms, the admin and the
API alike. Bulk writes (bulk_create, QuerySet.update) send no signal: the services doing them
call `tallies.mark` / `tallies.invalidate` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from committees.models import Membership, Organization, OrganizationYear, Person
from committees.signals import records_changed, subtree_moved, tree_changed
from pledges.models import Commendation, Exemplar, Plan, Pledge, PledgeItem, StudySession
from reports import tallies


def _session_key(session: StudySession) -> tuple[int | None, int | None]:
    return session.organization_id, session.held_on.year if session.held_on else None


# Where each kind of record is counted: (organization id, year).
RECORD_KEYS = {
    Pledge: lambda pledge: (pledge.organization_id, pledge.year),
    StudySession: _session_key,
    Exemplar: lambda exemplar: (exemplar.organization_id, exemplar.year),
    Commendation: lambda commendation: (commendation.organization_id, commendation.year),
}
# Fields that decide where a record is counted: a save touching none of them cannot move it.
PLACE_FIELDS = {"organization", "organization_id", "year", "held_on"}


def _moves(instance, update_fields) -> bool:
    return (
        instance.pk is not None
        and not instance._state.adding
        and (update_fields is None or bool(PLACE_FIELDS & set(update_fields)))
    )


def _record_pre_save(sender, instance, update_fields=None, **kwargs):
    """Remember where an existing record was counted: a save may move it to another
    organization or year, and the old place must be recounted too."""
    if _moves(instance, update_fields):
        old = sender.objects.filter(pk=instance.pk).first()
        instance._tally_before = RECORD_KEYS[sender](old) if old is not None else None


def _record_post_save(sender, instance, **kwargs):
    tallies.mark([RECORD_KEYS[sender](instance), getattr(instance, "_tally_before", None) or (None, None)])


def _record_pre_delete(sender, instance, **kwargs):
    tallies.mark([RECORD_KEYS[sender](instance)])


for _model in RECORD_KEYS:
    pre_save.connect(_record_pre_save, sender=_model, dispatch_uid=f"tally-pre-save-{_model.__name__}")
    post_save.connect(_record_post_save, sender=_model, dispatch_uid=f"tally-post-save-{_model.__name__}")
    pre_delete.connect(_record_pre_delete, sender=_model, dispatch_uid=f"tally-pre-delete-{_model.__name__}")


def _item_key(item: PledgeItem) -> tuple[int | None, int | None]:
    if PledgeItem.pledge.is_cached(item):
        return item.pledge.organization_id, item.pledge.year
    row = Pledge.objects.filter(pk=item.pledge_id).values_list("organization_id", "year").first()
    return row or (None, None)


@receiver(post_save, sender=PledgeItem, dispatch_uid="tally-item-save")
@receiver(pre_delete, sender=PledgeItem, dispatch_uid="tally-item-delete")
def _item_changed(sender, instance, **kwargs):
    tallies.mark([_item_key(instance)])


@receiver(m2m_changed, sender=StudySession.attendees.through, dispatch_uid="tally-attendance")
def _attendance_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if not reverse:
        tallies.mark([_session_key(instance)])
        return
    # From the person's side: the sessions are those in pk_set, or all of theirs on clear.
    sessions = (
        StudySession.objects.filter(attendees=instance)
        if pk_set is None
        else StudySession.objects.filter(pk__in=pk_set)
    )
    tallies.mark((org_id, held_on.year) for org_id, held_on in sessions.values_list("organization_id", "held_on"))


@receiver(pre_save, sender=Membership, dispatch_uid="tally-membership-pre-save")
def _membership_pre_save(sender, instance, **kwargs):
    if instance.pk is not None and not instance._state.adding:
        instance._tally_before = Membership.objects.filter(pk=instance.pk).first()


@receiver(post_save, sender=Membership, dispatch_uid="tally-membership-save")
def _membership_saved(sender, instance, **kwargs):
    before = getattr(instance, "_tally_before", None)
    tallies.mark_memberships([instance, *([before] if before is not None else [])])


@receiver(pre_delete, sender=Membership, dispatch_uid="tally-membership-delete")
def _membership_deleted(sender, instance, **kwargs):
    tallies.mark_memberships([instance])


@receiver(post_save, sender=Person, dispatch_uid="tally-person-save")
def _person_saved(sender, instance, created, **kwargs):
    # Category and exemption are counted through the person's memberships.
    if not created:
        tallies.mark_memberships(instance.memberships.all())


@receiver(pre_save, sender=Plan, dispatch_uid="tally-plan-pre-save")
def _plan_pre_save(sender, instance, **kwargs):
    if instance.pk is not None and not instance._state.adding:
        instance._tally_before = (
            Plan.objects.filter(pk=instance.pk).values_list("required_thematic_meetings", "year").first()
        )


@receiver(post_save, sender=Plan, dispatch_uid="tally-plan-save")
def _plan_saved(sender, instance, created, **kwargs):
    # Cells are counted against the required meetings of the nearest plan on their path: the
    # cells below the plan are recounted.
    before = getattr(instance, "_tally_before", None)
    if created or before != (instance.required_thematic_meetings, instance.year):
        for year in {instance.year, *([before[1]] if before else [])}:
            tallies.mark_cells_under(instance.organization_id, year)


@receiver(post_delete, sender=Plan, dispatch_uid="tally-plan-delete")
def _plan_deleted(sender, instance, **kwargs):
    tallies.mark_cells_under(instance.organization_id, instance.year)


@receiver(post_save, sender=OrganizationYear, dispatch_uid="tally-tree-save")
def _tree_node_saved(sender, instance, created, **kwargs):
    if created:
        tallies.node_added(year=instance.year, organization_id=instance.organization_id, path=instance.path)
    else:
        tallies.invalidate([instance.year])


@receiver(post_delete, sender=OrganizationYear, dispatch_uid="tally-tree-delete")
def _tree_node_deleted(sender, instance, **kwargs):
    tallies.node_removed(year=instance.year, organization_id=instance.organization_id)


@receiver(subtree_moved, dispatch_uid="tally-subtree-moved")
def _subtree_moved(sender, year, organization_id, old_path, new_path, **kwargs):
    tallies.subtree_moved(year=year, organization_id=organization_id, old_path=old_path, new_path=new_path)


@receiver(pre_save, sender=Organization, dispatch_uid="tally-organization-pre-save")
def _organization_pre_save(sender, instance, **kwargs):
    if instance.pk is not None and not instance._state.adding:
        instance._tally_before = Organization.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()


@receiver(post_save, sender=Organization, dispatch_uid="tally-organization-save")
def _organization_saved(sender, instance, created, **kwargs):
    # Only cells count themselves as cells: a change of kind changes every year's count.
    before = getattr(instance, "_tally_before", None)
    if not created and before is not None and before != instance.kind:
        tallies.invalidate()


@receiver(tree_changed, dispatch_uid="tally-tree-bulk")
def _tree_changed_in_bulk(sender, years, **kwargs):
    tallies.invalidate(years)


@receiver(records_changed, dispatch_uid="tally-records-bulk")
def _records_changed_in_bulk(sender, organization_ids, years, **kwargs):
    tallies.mark_organizations(organization_ids, years)
