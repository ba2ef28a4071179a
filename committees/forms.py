from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import Person
from committees.text import normalize_text


class NormalizedFormMixin:
    """NFC-normalize and trim every text field, so stored text never depends on the keyboard."""

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
