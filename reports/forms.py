from django import forms
from django.utils.translation import gettext_lazy as _

from committees.forms import VnDateField
from committees.models import Organization
from committees.years import years_of
from reports.models import Report

TEXTAREA = {"rows": 4, "class": "form-control"}


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Report
        fields = [
            "number",
            "document_date",
            "place_name",
            "title_summary",
            "opening",
            "general_situation",
            "deployment",
            "propaganda",
            "study",
            "emulation",
            "strengths",
            "weaknesses",
            "remedies",
            "directions",
            "recipients",
            "signer_authority",
            "signer_title",
            "signer_name",
            "layout_profile",
        ]
        field_classes = {"document_date": VnDateField}
        widgets = {
            **{
                name: forms.Textarea(attrs=TEXTAREA)
                for name in (
                    "opening",
                    "general_situation",
                    "deployment",
                    "propaganda",
                    "study",
                    "emulation",
                    "strengths",
                    "weaknesses",
                    "remedies",
                    "directions",
                    "recipients",
                )
            },
        }
        help_texts = {
            "deployment": _(
                "Các văn bản đã triển khai và số liệu được hệ thống tự điền; ở đây ghi thêm phần diễn giải."
            ),
            "study": _("Số liệu học tập, sinh hoạt chuyên đề được tự điền; ở đây ghi thêm phần diễn giải."),
            "emulation": _(
                "Số liệu đăng ký, việc làm theo, mô hình, khen thưởng được tự điền; ở đây ghi thêm kết quả nổi bật."
            ),
            "recipients": _("Mỗi dòng một nơi nhận, ví dụ: - Ban Thường vụ Đảng ủy Khối (b/c),"),
            "number": _("Để trống nếu chưa lấy số."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class RenderForm(forms.Form):
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("docx", "Word"), ("xlsx", "Excel")])


class SpanReportForm(forms.Form):
    """A report over a span of years: sơ kết or tổng kết, from one open year to a later one."""

    review = forms.ChoiceField(
        label=_("Loại báo cáo"), choices=[("so_ket", _("Sơ kết")), ("tong_ket", _("Tổng kết"))], initial="tong_ket"
    )
    first_year = forms.TypedChoiceField(label=_("Từ năm"), coerce=int)
    last_year = forms.TypedChoiceField(label=_("Đến năm"), coerce=int)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        years = sorted(years_of(organization))
        choices = [(year, str(year)) for year in years]
        self.fields["first_year"].choices = choices
        self.fields["last_year"].choices = choices
        if years:
            self.fields["first_year"].initial = years[0]
            self.fields["last_year"].initial = years[-1]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
