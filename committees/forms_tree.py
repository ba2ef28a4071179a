"""Forms of the tree from the pages: found, rename, move, merge, dissolve.

The forms check what a form can (a field left empty, a date the application cannot hold, an
organization outside the user's reach); the rules of the tree are the services' own
(committees/services.py), whose refusals the views put back on the form.
"""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.forms import NormalizedFormMixin, VnDateField
from committees.models import Organization, OrganizationKind, subtree_q
from committees.permissions import organizations_to_organize
from committees.years import YEAR_MIN, latest_openable_year

INDENT = "\u00a0" * 4  # option text keeps no-break spaces, so the select shows the tree

# The kind a new unit usually has under a parent of each kind (the form's first guess).
USUAL_CHILD_KIND = {
    OrganizationKind.PROVINCIAL: OrganizationKind.DISTRICT,
    OrganizationKind.DISTRICT: OrganizationKind.GRASSROOTS,
    OrganizationKind.UPPER_GRASSROOTS: OrganizationKind.GRASSROOTS,
    OrganizationKind.GRASSROOTS: OrganizationKind.CELL,
    OrganizationKind.SUB_COMMITTEE: OrganizationKind.CELL,
}


def date_field(label) -> forms.DateField:
    return VnDateField(label=label, initial=timezone.localdate, error_messages={"required": _("Hãy nhập ngày.")})


def check_date(value: datetime.date, *, earliest: int | None = YEAR_MIN) -> datetime.date:
    """A date the years of the application can hold (a founding date may be older)."""
    last = latest_openable_year()
    if earliest is None and value.year > last:
        raise ValidationError(_("Ngày không được sau năm %(last)s.") % {"last": last})
    if earliest is not None and not earliest <= value.year <= last:
        raise ValidationError(
            _("Ngày phải trong các năm từ %(first)s đến %(last)s.") % {"first": earliest, "last": last}
        )
    return value


def _helper(label, *, css_class: str = "btn-party", confirm: str | None = None) -> FormHelper:
    helper = FormHelper()
    attrs = {"data_confirm": confirm} if confirm else {}
    helper.add_input(Submit("save", label, css_class=css_class, **attrs))
    return helper


class NamesForm(NormalizedFormMixin, forms.Form):
    """The names an organization goes by, as the model spells its limits."""

    name = forms.CharField(
        label=_("Tên đầy đủ"), max_length=255, error_messages={"required": _("Hãy nhập tên tổ chức.")}
    )
    short_name = forms.CharField(label=_("Tên viết tắt"), max_length=100, required=False)
    issuer_code = forms.CharField(
        label=_("Ký hiệu cơ quan ban hành"), max_length=20, required=False, help_text=_("Ví dụ: ĐUK, ĐU, CB")
    )
    place_name = forms.CharField(
        label=_("Địa danh ghi trên văn bản"), max_length=100, required=False, help_text=_("Ví dụ: Thanh Hoá")
    )


class OrganizationCreateForm(NamesForm):
    kind = forms.ChoiceField(
        label=_("Loại tổ chức"),
        choices=OrganizationKind.choices,
        error_messages={"invalid_choice": _("Hãy chọn loại tổ chức trong danh sách.")},
    )
    founded_on = date_field(_("Ngày thành lập"))

    field_order = ["name", "short_name", "kind", "issuer_code", "place_name", "founded_on"]

    def __init__(self, *args, parent: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = USUAL_CHILD_KIND.get(parent.kind, OrganizationKind.CELL)
        self.fields["place_name"].initial = parent.place_name
        self.fields["founded_on"].help_text = _(
            "Tổ chức có mặt trong cây tổ chức của mọi năm công tác đang mở kể từ năm thành lập."
        )
        self.helper = _helper(_("Thành lập"))

    def clean_founded_on(self):
        return check_date(self.cleaned_data["founded_on"], earliest=None)


class OrganizationRenameForm(NamesForm):
    def __init__(self, *args, organization: Organization, **kwargs):
        kwargs.setdefault("initial", {field: getattr(organization, field) for field in NamesForm.base_fields})
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("Tên mới được dùng trên mọi trang và văn bản từ nay; lịch sử ghi lại tên cũ.")
        self.helper = _helper(_("Lưu tên mới"))


class OrganizationChoiceField(forms.ModelChoiceField):
    """A select of organizations, drawn as a tree. It offers `queryset` but accepts any of
    `reachable`, so that a choice the services refuse (the unit itself, a unit below it, a
    dissolved one) comes back with the service's reason; beyond `reachable` it is unknown."""

    def __init__(self, *, reachable: QuerySet, **kwargs):
        self.reachable = reachable
        self.base_depth = 1
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Hãy chọn tổ chức."),
                "invalid_choice": _("Tổ chức này không thuộc phạm vi bạn được sắp xếp."),
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Organization) -> str:
        return INDENT * max(obj.depth - self.base_depth, 0) + obj.name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.reachable.get(pk=int(value))
        except (ValueError, TypeError, Organization.DoesNotExist):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


def target_field(label, *, organization: Organization, user) -> OrganizationChoiceField:
    """The organizations the unit may go to: where the user may organize, active, outside its subtree."""
    reachable = organizations_to_organize(user)
    offered = reachable.filter(dissolved_on__isnull=True).exclude(subtree_q(organization.path)).order_by("path")
    field = OrganizationChoiceField(
        label=label, queryset=offered, reachable=reachable, empty_label=_("— Chọn tổ chức —")
    )
    field.base_depth = offered.aggregate(depth=Min("depth"))["depth"] or 1
    return field


class DatedForm(forms.Form):
    """A reorganization takes effect on a date of the application's years."""

    effective_on = date_field(_("Ngày hiệu lực"))

    def clean_effective_on(self):
        return check_date(self.cleaned_data["effective_on"])


class OrganizationMoveForm(DatedForm):
    def __init__(self, *args, organization: Organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = target_field(_("Chuyển về trực thuộc"), organization=organization, user=user)
        parent = Organization.objects.get_parent(organization)
        if parent is not None:
            field.queryset = field.queryset.exclude(pk=parent.pk)
        self.fields["new_parent"] = field
        self.order_fields(["new_parent", "effective_on"])
        self.fields["effective_on"].help_text = _(
            "Từ năm của ngày hiệu lực, trong các năm công tác đang mở, tổ chức (cùng các tổ chức trực thuộc nó) "
            "được tính vào tổ chức mới; các năm trước vẫn tính vào tổ chức cũ."
        )
        self.helper = _helper(_("Chuyển trực thuộc"))


class OrganizationMergeForm(DatedForm):
    def __init__(self, *args, organization: Organization, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"] = target_field(_("Sáp nhập vào"), organization=organization, user=user)
        self.order_fields(["target", "effective_on"])
        self.helper = _helper(
            _("Sáp nhập"),
            css_class="btn-danger",
            confirm=_("Sáp nhập “%(name)s”? Thao tác này không hoàn tác được.") % {"name": organization.name},
        )


class OrganizationDissolveForm(DatedForm):
    effective_on = date_field(_("Ngày giải thể"))
    confirm = forms.BooleanField(
        label=_("Tôi xác nhận giải thể tổ chức này (lưu trữ, không xóa; không hoàn tác được)."),
        error_messages={"required": _("Hãy đánh dấu xác nhận giải thể.")},
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _("Giải thể"),
            css_class="btn-danger",
            confirm=_("Giải thể “%(name)s”?") % {"name": organization.name},
        )
