from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from committees.models import DownloadLog, Person
from committees.text import normalize_text, validate_no_control_characters

# Dates are typed day first, whatever the browser's language; ISO (yyyy-mm-dd) is still
# understood, for links and pasted values.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_PLACEHOLDER = "dd/mm/yyyy"


class VnDateInput(forms.DateInput):
    """A date as dd/mm/yyyy in a text field: the browser's own date field follows the browser's
    language (mm/dd/yyyy on an English phone) and takes several tab stops. A numeric keyboard on
    phones; static/js/date_input.js inserts the slashes and flags an impossible date."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "placeholder": DATE_PLACEHOLDER,
            "autocomplete": "off",
            "maxlength": "10",
            "data-date-input": "",
            "data-date-invalid": _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy, ví dụ 05/03/2024."),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%d/%m/%Y")


class VnDateField(forms.DateField):
    """Every date field of the project's forms: dd/mm/yyyy in, dd/mm/yyyy out."""

    widget = VnDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy, ví dụ 05/03/2024.")}


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
        field_classes = {"joined_on": VnDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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

    tu = VnDateField(
        label=_("Từ ngày"), required=False, widget=VnDateInput(attrs={"class": "form-control form-control-sm"})
    )
    den = VnDateField(
        label=_("Đến ngày"), required=False, widget=VnDateInput(attrs={"class": "form-control form-control-sm"})
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
