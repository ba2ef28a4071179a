"""The form of a commendation (khen thưởng): a proposal or a decision, for a person or a collective."""

from django import forms
from django.utils.translation import gettext_lazy as _

from committees.forms import NormalizedFormMixin, VnDateField
from committees.models import Organization, Person, subtree_q
from pledges.forms.exemplars import set_people_field, subtree_people, year_choices
from pledges.models import NOTE_MAX_LENGTH, Commendation, CommendationForm
from pledges.services.records import CommendationInput


class RecipientType:
    PERSON = "ca-nhan"
    COLLECTIVE = "tap-the"
    CHOICES = [(PERSON, _("Cá nhân")), (COLLECTIVE, _("Tập thể"))]


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return "\u2003" * max(obj.depth - self.base_depth, 0) + obj.name

    base_depth = 1


class CommendationEntryForm(NormalizedFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int, choices=())
    recipient_type = forms.ChoiceField(
        label=_("Đối tượng được khen"),
        choices=RecipientType.CHOICES,
        initial=RecipientType.PERSON,
        widget=forms.RadioSelect,
    )
    recipient_person = forms.ModelChoiceField(
        label=_("Cá nhân"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— Chọn cá nhân —"),
        help_text=_("Chỉ chọn khi khen cá nhân."),
    )
    recipient_organization = OrganizationChoiceField(
        label=_("Tập thể"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— Chọn tập thể —"),
        help_text=_("Chỉ chọn khi khen tập thể."),
    )
    form = forms.ChoiceField(label=_("Hình thức khen thưởng"), choices=CommendationForm.choices)
    authority = forms.CharField(
        label=_("Cấp khen (cơ quan ra quyết định)"),
        max_length=200,
        required=False,
        help_text=_("Bắt buộc với Giấy khen và hình thức khác; các bằng khen tự ghi cấp khen nếu để trống."),
    )
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=50, required=False)
    decision_date = VnDateField(label=_("Ngày quyết định"), required=False)
    occasion = forms.ChoiceField(
        label=_("Dịp khen thưởng"), choices=Commendation.Occasion.choices, initial=Commendation.Occasion.YEAR_END
    )
    reason = forms.CharField(
        label=_("Thành tích"), max_length=NOTE_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Trạng thái"), choices=Commendation.Status.choices, initial=Commendation.Status.PROPOSED
    )
    proposed_to = OrganizationChoiceField(
        label=_("Đề nghị lên"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("— Không đề nghị lên cấp trên —"),
        help_text=_("Cấp trên được đề nghị khen thưởng (nếu có)."),
    )

    def __init__(self, *args, organization: Organization, commendation: Commendation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = (commendation.recipient_person_id,) if commendation and commendation.recipient_person_id else ()
        set_people_field(self.fields["recipient_person"], organization, subtree_people(organization, keep=keep))
        collectives = self.fields["recipient_organization"]
        collectives.queryset = Organization.objects.filter(
            subtree_q(organization.path), dissolved_on__isnull=True
        ).order_by("path")
        collectives.base_depth = organization.depth
        collectives.error_messages["invalid_choice"] = _("Tập thể được chọn không thuộc %(name)s hoặc đã giải thể.") % {
            "name": organization.name
        }
        superiors = self.fields["proposed_to"]
        superiors.queryset = Organization.objects.get_ancestors(organization)
        superiors.error_messages["invalid_choice"] = _("Chỉ đề nghị lên tổ chức cấp trên của %(name)s.") % {
            "name": organization.name
        }
        self.fields["year"].choices = year_choices(organization, commendation.year if commendation else None)
        self.fields["year"].error_messages["invalid_choice"] = _("Năm đã chọn không hợp lệ.")
        for name in ("form", "occasion", "status"):
            self.fields[name].error_messages["invalid_choice"] = _("Lựa chọn không hợp lệ.")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("recipient_type")
        person, collective = cleaned.get("recipient_person"), cleaned.get("recipient_organization")
        # Exactly one recipient is the service's rule; here only a choice that contradicts the radio.
        if kind == RecipientType.PERSON and collective is not None and person is None:
            self.add_error("recipient_person", _("Đã chọn khen cá nhân: hãy chọn cá nhân (và bỏ chọn tập thể)."))
        elif kind == RecipientType.COLLECTIVE and person is not None and collective is None:
            self.add_error("recipient_organization", _("Đã chọn khen tập thể: hãy chọn tập thể (và bỏ chọn cá nhân)."))
        return cleaned

    def to_input(self) -> CommendationInput:
        data = self.cleaned_data
        return CommendationInput(
            year=data["year"],
            form=data["form"],
            recipient_person=data["recipient_person"],
            recipient_organization=data["recipient_organization"],
            authority=data["authority"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            occasion=data["occasion"],
            reason=data["reason"],
            status=data["status"],
            proposed_to=data["proposed_to"],
        )

    @staticmethod
    def initial_for(commendation: Commendation) -> dict:
        return {
            "year": commendation.year,
            "recipient_type": RecipientType.COLLECTIVE if commendation.is_collective else RecipientType.PERSON,
            "recipient_person": commendation.recipient_person_id,
            "recipient_organization": commendation.recipient_organization_id,
            "form": commendation.form,
            "authority": commendation.authority,
            "decision_number": commendation.decision_number,
            "decision_date": commendation.decision_date,
            "occasion": commendation.occasion,
            "reason": commendation.reason,
            "status": commendation.status,
            "proposed_to": commendation.proposed_to_id,
        }
