from django import forms
from django.utils.translation import gettext_lazy as _

from committees.forms import NormalizedFormMixin, VnDateField, VnDateInput
from pledges.models import CONTENT_MAX_LENGTH, NOTE_MAX_LENGTH, Evaluation, ItemResult, PledgeArea
from pledges.services.pledges import ItemInput

BLANK_ROWS = 3


class ItemForm(forms.Form):
    content = forms.CharField(
        label=_("Việc làm theo"),
        max_length=CONTENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "item-content"}),
    )
    area = forms.ChoiceField(label=_("Lĩnh vực"), choices=PledgeArea.choices, initial=PledgeArea.ETHICS)
    target = forms.CharField(label=_("Chỉ tiêu đo được"), max_length=500, required=False)
    due_on = VnDateField(
        label=_("Thời hạn"),
        required=False,
        widget=VnDateInput(attrs={"class": "form-control form-control-sm", "enterkeyhint": "next"}),
    )

    def has_any_input(self) -> bool:
        data = self.cleaned_data
        return bool((data.get("content") or "").strip() or (data.get("target") or "").strip() or data.get("due_on"))

    def clean(self):
        cleaned = super().clean()
        if self.has_any_input() and not (cleaned.get("content") or "").strip() and not cleaned.get("DELETE"):
            self.add_error("content", _("Hãy nhập nội dung việc làm theo (hoặc xóa dòng này)."))
        return cleaned


class BaseItemFormSet(forms.BaseFormSet):
    def items(self) -> list[ItemInput]:
        """The rows a person filled in, blank and deleted rows left out."""
        result = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE") or not form.has_any_input():
                continue
            data = form.cleaned_data
            result.append(
                ItemInput(content=data["content"], area=data["area"], target=data["target"], due_on=data["due_on"])
            )
        return result


ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=0, can_delete=True, max_num=30, validate_max=True, absolute_max=60
)


def item_formset(data=None, *, items=None, add_rows: int = 0) -> BaseItemFormSet:
    """The item rows: the saved ones, then blank rows to type into."""
    initial = [{"content": i.content, "area": i.area, "target": i.target, "due_on": i.due_on} for i in (items or [])]
    formset = ItemFormSet(data, initial=initial, prefix="items")
    formset.extra = max(BLANK_ROWS - len(initial), 1) + add_rows
    return formset


class PledgeMetaForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(NormalizedFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến của chi bộ"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvaluationForm(forms.Form):
    evaluation = forms.ChoiceField(label=_("Xếp loại"), choices=[("", "—"), *Evaluation.choices])
    comment = forms.CharField(
        label=_("Nhận xét"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssessmentForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Kết quả"), choices=ItemResult.choices, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 1})
    )


AssessmentFormSet = forms.formset_factory(AssessmentForm, extra=0, max_num=60, absolute_max=60)


class CellEvaluationForm(forms.Form):
    pledge_id = forms.IntegerField(widget=forms.HiddenInput)
    evaluation = forms.ChoiceField(label=_("Xếp loại"), choices=[("", "—"), *Evaluation.choices], required=False)
    comment = forms.CharField(label=_("Nhận xét"), max_length=NOTE_MAX_LENGTH, required=False)


CellEvaluationFormSet = forms.formset_factory(CellEvaluationForm, extra=0, max_num=500, absolute_max=500)
