"""The pledge workflow: draft → submitted → accepted | returned → self-assessed → evaluated."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Actor, Organization, Person
from committees.text import normalize_multiline, normalize_text
from committees.years import ensure_year_in_range
from pledges.history import stamp
from pledges.models import (
    CONTENT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    Evaluation,
    ItemResult,
    Pledge,
    PledgeArea,
    PledgeItem,
    PledgeState,
)
from pledges.services.common import ensure_person_in_year, ensure_writable, pledge_deadline

EDITABLE_STATES = (PledgeState.DRAFT, PledgeState.RETURNED)
ASSESSABLE_STATES = (PledgeState.ACCEPTED, PledgeState.EVALUATED)


@dataclass
class ItemInput:
    content: str
    area: str = PledgeArea.ETHICS
    target: str = ""
    due_on: datetime.date | None = None


def _clean_items(items: list[ItemInput], year: int) -> list[ItemInput]:
    cleaned = []
    errors = []
    for number, item in enumerate(items, start=1):
        content = normalize_multiline(item.content)
        target = normalize_text(item.target)
        if not content:
            errors.append(_("Việc làm theo thứ %(n)s chưa có nội dung.") % {"n": number})
        elif len(content) > CONTENT_MAX_LENGTH:
            errors.append(
                _("Việc làm theo thứ %(n)s dài quá %(max)s ký tự.") % {"n": number, "max": CONTENT_MAX_LENGTH}
            )
        if len(target) > 500:
            errors.append(_("Chỉ tiêu của việc thứ %(n)s dài quá 500 ký tự.") % {"n": number})
        if item.area not in PledgeArea.values:
            errors.append(_("Lĩnh vực của việc thứ %(n)s không hợp lệ.") % {"n": number})
        if item.due_on and item.due_on.year != year:
            errors.append(
                _("Thời hạn của việc thứ %(n)s (%(date)s) phải nằm trong năm %(year)s.")
                % {"n": number, "date": item.due_on.strftime("%d/%m/%Y"), "year": year}
            )
        cleaned.append(ItemInput(content=content, area=item.area, target=target, due_on=item.due_on))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _replace_items(pledge: Pledge, items: list[ItemInput]) -> None:
    pledge.items.all().delete()
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(
                pledge=pledge, position=position, content=i.content, area=i.area, target=i.target, due_on=i.due_on
            )
            for position, i in enumerate(items, start=1)
        ]
    )


def _bump_version(pledge: Pledge, expected_version: int | None) -> None:
    """Optimistic lock: a save based on an old version is refused, never silently applied."""
    if expected_version is None:
        expected_version = pledge.version
    updated = Pledge.objects.filter(pk=pledge.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise ValidationError(
            _("Bản đăng ký này vừa được người khác cập nhật. Hãy tải lại trang để xem bản mới nhất rồi sửa lại.")
        )
    pledge.version = expected_version + 1


def _require_items(items: list[ItemInput]) -> None:
    if not items:
        raise ValidationError(_("Bản đăng ký cần ít nhất một việc làm theo."))


@transaction.atomic
def pledge_create(
    *, person: Person, year: int, items: list[ItemInput], by: Actor = None, submit: bool = False
) -> Pledge:
    """Start a personal pledge for `person` in `year`, as a draft or submitted at once."""
    ensure_year_in_range(year)
    ensure_person_in_year(person=person, year=year)
    ensure_writable(organization=person.organization, year=year)
    _require_items(items)
    items = _clean_items(items, year)
    if Pledge.objects.filter(person=person, year=year, kind=Pledge.Kind.PERSONAL).exists():
        raise ValidationError(_("%(name)s đã có bản đăng ký năm %(year)s.") % {"name": person.full_name, "year": year})
    try:
        with transaction.atomic():
            pledge = Pledge(
                kind=Pledge.Kind.PERSONAL,
                person=person,
                organization=person.organization,
                year=year,
                form=person.pledge_form,
                created_by=by,
            )
            stamp(pledge, by=by)
            pledge.save()
    except IntegrityError:
        raise ValidationError(
            _("%(name)s đã có bản đăng ký năm %(year)s.") % {"name": person.full_name, "year": year}
        ) from None
    _replace_items(pledge, items)
    if submit:
        _submit(pledge, by)
    return pledge


@transaction.atomic
def collective_pledge_create(
    *, organization: Organization, year: int, items: list[ItemInput], by: Actor = None
) -> Pledge:
    """The committee's collective pledge (việc làm theo của tập thể cấp ủy)."""
    ensure_year_in_range(year)
    ensure_writable(organization=organization, year=year)
    _require_items(items)
    items = _clean_items(items, year)
    if Pledge.objects.filter(organization=organization, year=year, kind=Pledge.Kind.COLLECTIVE).exists():
        raise ValidationError(
            _("%(name)s đã có bản đăng ký tập thể năm %(year)s.") % {"name": organization.name, "year": year}
        )
    pledge = Pledge(kind=Pledge.Kind.COLLECTIVE, organization=organization, year=year, created_by=by)
    stamp(pledge, by=by)
    pledge.save()
    _replace_items(pledge, items)
    return pledge


@transaction.atomic
def pledge_update(
    *, pledge: Pledge, items: list[ItemInput], expected_version: int | None, by: Actor = None, submit: bool = False
) -> Pledge:
    """Replace the items of a draft or returned pledge (a collective one: any open state)."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    ensure_writable(organization=pledge.organization, year=pledge.year)
    if pledge.is_personal and pledge.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Bản đăng ký đang ở trạng thái “%(state)s”: không sửa được nội dung.")
            % {"state": pledge.get_state_display()}
        )
    _require_items(items)
    items = _clean_items(items, pledge.year)
    _bump_version(pledge, expected_version)
    _replace_items(pledge, items)
    stamp(pledge, by=by)
    pledge.save(update_fields=["updated_at"])
    if submit:
        _submit(pledge, by)
    return pledge


def _submit(pledge: Pledge, by: Actor) -> None:
    if not pledge.is_personal:
        return
    if pledge.state not in EDITABLE_STATES:
        raise ValidationError(_("Bản đăng ký này đã được nộp."))
    if not pledge.items.exists():
        raise ValidationError(_("Bản đăng ký cần ít nhất một việc làm theo."))
    today = timezone.localdate()
    pledge.state = PledgeState.SUBMITTED
    if pledge.submitted_on is None:
        # A returned pledge keeps the date it was first handed in.
        pledge.submitted_on = today
        pledge.on_time = today <= pledge_deadline(organization=pledge.organization, year=pledge.year)
    stamp(pledge, by=by)
    pledge.save(update_fields=["state", "submitted_on", "on_time", "updated_at"])


@transaction.atomic
def pledge_submit(*, pledge: Pledge, by: Actor = None) -> Pledge:
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    ensure_writable(organization=pledge.organization, year=pledge.year)
    _submit(pledge, by)
    return pledge


def _review(pledge: Pledge, *, state: str, comment: str, by: Actor) -> Pledge:
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    ensure_writable(organization=pledge.organization, year=pledge.year)
    if pledge.state != PledgeState.SUBMITTED:
        raise ValidationError(_("Chỉ duyệt hoặc trả lại được bản đăng ký đã nộp."))
    pledge.state = state
    pledge.review_comment = comment
    pledge.reviewed_by = by
    pledge.reviewed_at = timezone.now()
    stamp(pledge, by=by)
    pledge.save(update_fields=["state", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    return pledge


@transaction.atomic
def pledge_accept(*, pledge: Pledge, by: Actor = None, comment: str = "") -> Pledge:
    return _review(pledge, state=PledgeState.ACCEPTED, comment=normalize_multiline(comment)[:NOTE_MAX_LENGTH], by=by)


@transaction.atomic
def pledge_return(*, pledge: Pledge, comment: str, by: Actor = None) -> Pledge:
    comment = normalize_multiline(comment)
    if not comment:
        raise ValidationError(_("Hãy ghi rõ lý do trả lại để người đăng ký sửa."))
    if len(comment) > NOTE_MAX_LENGTH:
        raise ValidationError(_("Ý kiến dài quá %(max)s ký tự.") % {"max": NOTE_MAX_LENGTH})
    return _review(pledge, state=PledgeState.RETURNED, comment=comment, by=by)


@dataclass
class AssessmentInput:
    item_id: int
    result: str
    note: str = ""


@transaction.atomic
def pledge_self_assess(*, pledge: Pledge, assessments: list[AssessmentInput], by: Actor = None) -> Pledge:
    """Record the per-item self-assessment (done / partly / not done), during or at year end."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    ensure_writable(organization=pledge.organization, year=pledge.year)
    if pledge.is_personal and pledge.state not in ASSESSABLE_STATES:
        raise ValidationError(_("Chỉ tự đánh giá được sau khi chi bộ đã duyệt bản đăng ký."))
    items = {item.pk: item for item in pledge.items.all()}
    today = timezone.localdate()
    changed = []
    for assessment in assessments:
        item = items.get(assessment.item_id)
        if item is None:
            raise ValidationError(_("Việc làm theo không thuộc bản đăng ký này."))
        if assessment.result not in ItemResult.values:
            raise ValidationError(_("Kết quả tự đánh giá không hợp lệ."))
        note = normalize_multiline(assessment.note)
        if len(note) > NOTE_MAX_LENGTH:
            raise ValidationError(_("Ghi chú kết quả dài quá %(max)s ký tự.") % {"max": NOTE_MAX_LENGTH})
        if (item.result, item.result_note) != (assessment.result, note):
            item.result, item.result_note, item.assessed_on = assessment.result, note, today
            stamp(item, by=by)
            item.save(update_fields=["result", "result_note", "assessed_on"])
            changed.append(item)
    return pledge


@transaction.atomic
def pledge_evaluate(*, pledge: Pledge, evaluation: str, comment: str = "", by: Actor = None) -> Pledge:
    """The cell's year-end evaluation of a personal pledge."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    ensure_writable(organization=pledge.organization, year=pledge.year)
    if evaluation not in Evaluation.values:
        raise ValidationError(_("Hãy chọn mức xếp loại."))
    if pledge.state not in ASSESSABLE_STATES:
        raise ValidationError(_("Chỉ đánh giá cuối năm được bản đăng ký đã được chi bộ duyệt."))
    comment = normalize_multiline(comment)
    if len(comment) > NOTE_MAX_LENGTH:
        raise ValidationError(_("Nhận xét dài quá %(max)s ký tự.") % {"max": NOTE_MAX_LENGTH})
    pledge.state = PledgeState.EVALUATED
    pledge.evaluation = evaluation
    pledge.evaluation_comment = comment
    pledge.evaluated_by = by
    pledge.evaluated_at = timezone.now()
    stamp(pledge, by=by)
    pledge.save(
        update_fields=["state", "evaluation", "evaluation_comment", "evaluated_by", "evaluated_at", "updated_at"]
    )
    return pledge


@dataclass
class EvaluationInput:
    pledge_id: int
    evaluation: str
    comment: str = ""


@transaction.atomic
def cell_evaluate(
    *, organization: Organization, year: int, evaluations: list[EvaluationInput], by: Actor = None
) -> int:
    """Evaluate many pledges of one cell at once; all or nothing. Returns how many changed."""
    pledges = {p.pk: p for p in Pledge.objects.filter(organization=organization, year=year, kind=Pledge.Kind.PERSONAL)}
    count = 0
    for entry in evaluations:
        if not entry.evaluation:
            continue
        pledge = pledges.get(entry.pledge_id)
        if pledge is None:
            raise ValidationError(_("Bản đăng ký không thuộc chi bộ này."))
        if (pledge.evaluation, pledge.evaluation_comment) == (entry.evaluation, normalize_multiline(entry.comment)):
            continue
        try:
            pledge_evaluate(pledge=pledge, evaluation=entry.evaluation, comment=entry.comment, by=by)
        except ValidationError as error:
            name = pledge.person.full_name if pledge.person is not None else pledge.organization.name
            raise ValidationError(f"{name}: {' '.join(error.messages)}") from None
        count += 1
    return count
