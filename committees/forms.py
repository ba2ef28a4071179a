from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from committees.models import DownloadLog, Person
from committees.text import normalize_text, validate_no_control_characters


def attach_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, so the page comes back filled with the
    messages beside their fields (or above the form when they name none). The API's twin is
    committees.api.common.api_errors."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class NormalizedFormMixin:
    """NFC-normalize and trim every text field, so stored text never depends on the keyboard;
    refuse a control character in any of them, in Vietnamese (committees.text: Django's own
    check covers NUL only, in English)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    validate_no_control_characters if isinstance(v, ProhibitNullCharactersValidator) else v
                    for v in field.validators
                ]

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and not isinstance(self.fields[name].widget, forms.Textarea):
                cleaned[name] = normalize_text(value)
        return cleaned


class PersonForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "full_name",
            "gender",
            "birth_year",
            "position",
            "category",
            "joined_on",
            "exemption",
            "exemption_reason",
        ]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Lưu")))

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= 2015:
            raise forms.ValidationError(_("Năm sinh không hợp lệ."))
        return year


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), max_length=100, required=False)


class DownloadLogFilterForm(forms.Form):
    """The filters of the download log page (query string: ?tu=...&den=...&loai=...)."""

    tu = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
    )
    loai = forms.ChoiceField(
        label=_("Loại dữ liệu"),
        required=False,
        choices=[("", _("Mọi loại")), *DownloadLog.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("tu"), cleaned.get("den")
        if since and until and since > until:
            self.add_error("den", _("“Đến ngày” phải sau “Từ ngày”."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a mistyped one is reported on the form and otherwise ignored."""
        if not self.is_bound:
            return {"since": None, "until": None, "kind": None}
        self.is_valid()  # an invalid field is left out of cleaned_data
        data = self.cleaned_data
        return {"since": data.get("tu"), "until": data.get("den"), "kind": data.get("loai") or None}
