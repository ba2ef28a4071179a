"""The form of an exemplar (mô hình, điển hình tiên tiến), and the people pickers it shares
with commendations: people of an organization's subtree, bounded and in official order."""

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from committees import years
from committees.forms import NormalizedFormMixin
from committees.models import Organization, Person, subtree_q
from committees.text import vietnamese_sort_key
from pledges.models import Exemplar

PEOPLE_LIMIT = 500


def subtree_people(organization: Organization, *, keep: tuple[int, ...] = ()) -> list[Person]:
    """People of the subtree still in it (at most PEOPLE_LIMIT), plus those in `keep`
    (already chosen on the record), grouped by organization and in official order (2 queries at most)."""
    people = list(
        Person.objects.filter(subtree_q(organization.path, field="organization__path"), left_on__isnull=True)
        .select_related("organization")
        .order_by("organization__path", "search_key")[:PEOPLE_LIMIT]
    )
    missing = set(keep) - {person.pk for person in people}
    if missing:
        people += list(
            Person.objects.filter(
                subtree_q(organization.path, field="organization__path"), pk__in=missing
            ).select_related("organization")
        )
    return sorted(people, key=lambda p: (p.organization.path, vietnamese_sort_key(p.full_name)))


def people_choices(organization: Organization, people: list[Person]) -> list:
    """Flat choices for a cell; for a bigger organization one group per organization."""
    if organization.is_cell:
        return [(person.pk, person.full_name) for person in people]
    return [
        (org.display_name, [(person.pk, person.full_name) for person in members])
        for org, members in groupby(people, key=lambda p: p.organization)
    ]


def year_choices(organization: Organization, current: int | None = None) -> list[tuple[int, int]]:
    """The years open for the organization (committees.years), and the record's own year."""
    return [(year, year) for year in years.year_choices(organization, current)]


def set_people_field(field: forms.ModelChoiceField, organization: Organization, people: list[Person]) -> None:
    """Restrict a person field to `people` (tampered ids outside it are refused) with grouped choices."""
    field.queryset = Person.objects.filter(pk__in=[person.pk for person in people])
    choices = people_choices(organization, people)
    if not isinstance(field, forms.ModelMultipleChoiceField):
        choices = [("", field.empty_label or "—"), *choices]
    field.choices = choices
    field.error_messages["invalid_choice"] = _("Người được chọn không thuộc %(name)s.") % {"name": organization.name}


class ExemplarForm(NormalizedFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, choices=())
    name = forms.CharField(
        label=_("Tên mô hình, điển hình"),
        max_length=300,
        error_messages={"required": _("Hãy nhập tên mô hình, điển hình.")},
    )
    description = forms.CharField(
        label=_("Mô tả"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit = forms.CharField(
        label=_("Tập thể thực hiện"),
        max_length=300,
        required=False,
        help_text=_("Ví dụ: Tổ Văn thư, Phòng Kế hoạch."),
    )
    people = forms.ModelMultipleChoiceField(
        label=_("Cá nhân thực hiện"), queryset=Person.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=Exemplar.Status.choices, initial=Exemplar.Status.REGISTERED
    )

    def __init__(self, *args, organization: Organization, exemplar: Exemplar | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = tuple(exemplar.people.values_list("pk", flat=True)) if exemplar is not None else ()
        people = subtree_people(organization, keep=keep)
        field = self.fields["people"]
        field.widget = (
            forms.CheckboxSelectMultiple() if organization.is_cell else forms.SelectMultiple(attrs={"size": 12})
        )
        set_people_field(field, organization, people)
        if not organization.is_cell:
            field.help_text = _("Giữ phím Ctrl (hoặc chạm giữ trên điện thoại) để chọn nhiều người.")
        self.fields["year"].choices = year_choices(organization, exemplar.year if exemplar is not None else None)
        self.fields["year"].error_messages["invalid_choice"] = _("Năm đã chọn không hợp lệ.")
        self.fields["status"].error_messages["invalid_choice"] = _("Trạng thái không hợp lệ.")

    @staticmethod
    def initial_for(exemplar: Exemplar) -> dict:
        return {
            "year": exemplar.year,
            "name": exemplar.name,
            "description": exemplar.description,
            "unit": exemplar.unit,
            "people": [person.pk for person in exemplar.people.all()],
            "status": exemplar.status,
        }
