"""Forms of the yearly plan and the directive registry."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from committees.forms import NormalizedFormMixin, VnDateField
from committees.models import Organization
from pledges.models import Directive, Theme
from pledges.selectors_directives import directive_choices, directive_issuers, themes_for_year
from pledges.services.plans import symbol_parse

CENTRAL_ISSUER = "central"
REASON_MAX_LENGTH = 90  # "Mở lại: " + reason must fit the history's 100-character change reason


class DirectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Directive) -> str:
        title = obj.title if len(obj.title) <= 70 else obj.title[:69] + "…"
        return f"{obj.doc_type.name} {obj.symbol} ngày {obj.issued_on:%d/%m/%Y} – {title}"


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Theme) -> str:
        title = obj.title if len(obj.title) <= 90 else obj.title[:89] + "…"
        return f"{obj.get_kind_display()}: {title}"


class PlanForm(NormalizedFormMixin, forms.Form):
    directive = DirectiveChoiceField(
        label=_("Văn bản kế hoạch"),
        queryset=Directive.objects.none(),
        required=False,
        empty_label=_("— Chưa có văn bản —"),
    )
    theme = ThemeChoiceField(
        label=_("Chuyên đề"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("— Chuyên đề năm (mặc định) —"),
    )
    new_theme = forms.CharField(
        label=_("Chuyên đề năm mới"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Năm chưa có chuyên đề: ghi tên chuyên đề năm theo văn bản của cấp trên."),
    )
    pledge_deadline = VnDateField(
        label=_("Hạn nộp bản đăng ký cá nhân"),
        required=False,
        help_text=_("Để trống: ngày 30/4 của năm."),
    )
    required_thematic_meetings = forms.IntegerField(
        label=_("Số buổi sinh hoạt chuyên đề tối thiểu"),
        min_value=0,
        max_value=12,
        initial=2,
        error_messages={
            "required": _("Hãy nhập số buổi sinh hoạt chuyên đề (0 đến 12)."),
            "invalid": _("Số buổi sinh hoạt chuyên đề phải là một số nguyên."),
            "min_value": _("Số buổi sinh hoạt chuyên đề phải từ 0 đến 12."),
            "max_value": _("Số buổi sinh hoạt chuyên đề phải từ 0 đến 12."),
        },
    )

    def __init__(self, *args, user, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directive"].queryset = directive_choices(user)
        self.fields["theme"].queryset = themes_for_year(year)
        if Theme.objects.filter(kind=Theme.Kind.YEARLY, year=year).exists():
            del self.fields["new_theme"]
        self.fields["directive"].error_messages["invalid_choice"] = _("Văn bản đã chọn không có trong sổ văn bản.")
        self.fields["theme"].error_messages["invalid_choice"] = _("Chuyên đề đã chọn không dùng được cho năm này.")


class DirectiveForm(NormalizedFormMixin, forms.Form):
    symbol = forms.CharField(
        label=_("Số, ký hiệu"),
        max_length=50,
        help_text=_("Dạng số-loại/cơ quan ban hành, ví dụ 20-KH/ĐU."),
        error_messages={"required": _("Hãy nhập số, ký hiệu văn bản, ví dụ 20-KH/ĐU.")},
    )
    issued_on = VnDateField(label=_("Ngày ban hành"), error_messages={"required": _("Hãy nhập ngày ban hành.")})
    title = forms.CharField(
        label=_("Trích yếu"),
        max_length=500,
        widget=forms.TextInput(),
        error_messages={"required": _("Hãy nhập trích yếu.")},
    )
    implements = DirectiveChoiceField(
        label=_("Thực hiện văn bản (cấp trên)"),
        queryset=Directive.objects.none(),
        required=False,
        empty_label=_("— Không —"),
    )
    issuer = forms.ChoiceField(
        label=_("Cơ quan ban hành"),
        required=False,
        help_text=_("Tổ chức ban hành văn bản: chính tổ chức, một cấp trên, hoặc cơ quan Trung ương."),
    )
    issuer_name = forms.CharField(
        label=_("Tên cơ quan ban hành (ghi trên văn bản)"),
        max_length=200,
        required=False,
        help_text=_("Bắt buộc với cơ quan Trung ương, ví dụ Bộ Chính trị; để trống: dùng tên tổ chức."),
    )

    def __init__(self, *args, user, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implements"].queryset = directive_choices(user)
        self.fields["implements"].error_messages["invalid_choice"] = _("Văn bản đã chọn không có trong sổ văn bản.")
        # The organization itself and its superiors, nearest first, then a body outside the tree.
        self.issuers = {str(org.pk): org for org in directive_issuers(organization)}
        self.fields["issuer"].choices = [(pk, org.name) for pk, org in self.issuers.items()] + [
            (CENTRAL_ISSUER, _("Cơ quan Trung ương hoặc ngoài hệ thống"))
        ]
        self.fields["issuer"].initial = self.default_issuer = str(organization.pk)
        self.fields["issuer"].error_messages["invalid_choice"] = _("Hãy chọn cơ quan ban hành trong danh sách.")

    def issuing_organization(self) -> Organization | None:
        return self.issuers.get(self.cleaned_data["issuer"] or self.default_issuer)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("issuer") == CENTRAL_ISSUER and not cleaned.get("issuer_name"):
            self.add_error("issuer_name", _("Hãy ghi tên cơ quan ban hành, ví dụ Bộ Chính trị."))
        return cleaned

    def clean_symbol(self):
        symbol = self.cleaned_data["symbol"]
        try:
            symbol_parse(symbol)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        return symbol


class ReopenForm(NormalizedFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại"),
        max_length=REASON_MAX_LENGTH,
        error_messages={
            "required": _("Hãy ghi lý do mở lại năm đã khóa sổ."),
            "max_length": _("Lý do mở lại tối đa %(limit_value)d ký tự."),
        },
    )
