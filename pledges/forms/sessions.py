"""The form of a study session (học tập, sinh hoạt chuyên đề): date, kind, topic, theme,
the tick list of the organization's members in the session's year, and head counts."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.forms import DATE_INPUT_FORMATS, NormalizedFormMixin, VnDateField
from committees.models import Organization, Person
from pledges import selectors
from pledges.models import NOTE_MAX_LENGTH, SessionKind, StudySession, Theme
from pledges.services.records import SessionInput

COUNT_MAX = 1_000_000


def _count_field(label, help_text="") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=COUNT_MAX,
        required=False,
        initial=0,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        error_messages={
            "invalid": _("Hãy nhập một số nguyên."),
            "min_value": _("Số người không thể âm."),
            "max_value": _("Số quá lớn."),
        },
    )


def theme_of_year(year: int) -> Theme | None:
    return Theme.objects.filter(kind=Theme.Kind.YEARLY, year=year).first()


class SessionForm(NormalizedFormMixin, forms.Form):
    held_on = VnDateField(
        label=_("Ngày tổ chức"),
        error_messages={
            "required": _("Hãy nhập ngày tổ chức."),
            "invalid": _("Ngày tổ chức không hợp lệ (dd/mm/yyyy)."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Hình thức"),
        choices=SessionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn hình thức."), "invalid_choice": _("Hình thức không hợp lệ.")},
    )
    topic = forms.CharField(
        label=_("Nội dung"),
        max_length=500,
        help_text=_("Ví dụ: Quán triệt chuyên đề năm; sinh hoạt chuyên đề quý I."),
        error_messages={
            "required": _("Hãy nhập nội dung buổi học tập, sinh hoạt."),
            "max_length": _("Nội dung dài quá %(limit_value)d ký tự."),
        },
    )
    theme = forms.ModelChoiceField(
        label=_("Chuyên đề"),
        queryset=Theme.objects.all(),
        required=False,
        empty_label=_("— Không gắn chuyên đề —"),
        error_messages={"invalid_choice": _("Chuyên đề không hợp lệ.")},
    )
    attendee_ids = forms.ModelMultipleChoiceField(
        label=_("Người dự"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input fs-4 m-0 flex-shrink-0"}),
    )
    extra_party_members = _count_field(
        _("Số đảng viên dự (ngoài danh sách)"), _("Đảng viên dự mà không có trong danh sách đánh dấu ở trên.")
    )
    extra_union_members = _count_field(_("Số đoàn viên, hội viên dự"))
    extra_others = _count_field(_("Số người khác dự"))
    bridge_points = _count_field(_("Số điểm cầu"), _("Chỉ ghi với hội nghị trực tuyến."))
    note = forms.CharField(
        label=_("Ghi chú"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("Ghi chú dài quá %(limit_value)d ký tự.")},
    )

    def __init__(self, *args, organization: Organization, session: StudySession | None = None, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.year = self._year_of_posted_date(year)
        self.members = selectors.members_in_year(organization=organization, year=self.year)
        if session is not None:
            # People already recorded stay on the list, even if the roster changed since.
            listed = {person.pk for person in self.members}
            self.members += [person for person in session.attendees.all() if person.pk not in listed]
        field = self.fields["attendee_ids"]
        field.queryset = Person.objects.filter(pk__in=[person.pk for person in self.members])
        field.choices = [(person.pk, person.full_name) for person in self.members]
        field.error_messages["invalid_choice"] = _(
            "Người được đánh dấu không thuộc danh sách của %(name)s năm %(year)s."
        ) % {"name": organization.name, "year": self.year}

    @property
    def show_counts(self) -> bool:
        """Open the head-count part when it holds something, has an error, or for an online conference."""
        names = ("extra_party_members", "extra_union_members", "extra_others", "bridge_points")
        if any(self[name].errors for name in names) or self["kind"].value() == SessionKind.ONLINE:
            return True
        return any(str(self[name].value() or "0").strip() not in ("", "0") for name in names)

    def attendee_rows(self) -> list[tuple]:
        """(checkbox, person) pairs for the tick list, in the order of the members."""
        return list(zip(self["attendee_ids"], self.members, strict=True))

    def _year_of_posted_date(self, default: int) -> int:
        """The members listed are those of the year of the date entered (else `default`)."""
        if not self.is_bound:
            return default
        raw = (self.data.get(self.add_prefix("held_on")) or "").strip()
        for fmt in DATE_INPUT_FORMATS:
            try:
                return datetime.datetime.strptime(raw, fmt).date().year
            except ValueError:
                continue
        return default

    def to_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            held_on=data["held_on"],
            kind=data["kind"],
            topic=data["topic"],
            theme=data["theme"],
            attendee_ids=[person.pk for person in data["attendee_ids"]],
            extra_party_members=data["extra_party_members"] or 0,
            extra_union_members=data["extra_union_members"] or 0,
            extra_others=data["extra_others"] or 0,
            bridge_points=data["bridge_points"] or 0,
            note=data["note"],
        )

    @staticmethod
    def initial_for_new(year: int) -> dict:
        today = timezone.localdate()
        theme = theme_of_year(year)
        return {
            "held_on": today if year == today.year else None,
            "kind": SessionKind.STUDY,
            "theme": theme.pk if theme else None,
        }

    @staticmethod
    def initial_for(session: StudySession) -> dict:
        return {
            "held_on": session.held_on,
            "kind": session.kind,
            "topic": session.topic,
            "theme": session.theme_id,
            "attendee_ids": [person.pk for person in session.attendees.all()],
            "extra_party_members": session.extra_party_members,
            "extra_union_members": session.extra_union_members,
            "extra_others": session.extra_others,
            "bridge_points": session.bridge_points,
            "note": session.note,
        }
