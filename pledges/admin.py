"""Django admin of the records. Screens are the daily tool; the admin is for corrections."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from pledges.models import (
    Commendation,
    Directive,
    DocumentType,
    Exemplar,
    Plan,
    Pledge,
    PledgeItem,
    ReminderLog,
    StudySession,
    Theme,
)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["kind", "year", "term_start", "term_end", "short_title"]
    list_filter = ["kind"]
    search_fields = ["title"]

    @admin.display(description=_("tên chuyên đề"))
    def short_title(self, obj: Theme) -> str:
        return obj.title if len(obj.title) <= 100 else obj.title[:99] + "…"


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_party"]
    list_filter = ["is_party"]
    search_fields = ["code", "name"]


class DirectiveAdminForm(forms.ModelForm):
    class Meta:
        model = Directive
        fields = [
            "number",
            "doc_type",
            "issuer_code",
            "issued_on",
            "title",
            "issuing_organization",
            "issuer_name",
            "implements",
        ]

    def clean_doc_type(self):
        doc_type = self.cleaned_data.get("doc_type")
        if doc_type is not None and not doc_type.is_party:
            raise forms.ValidationError(
                _("“%(code)s” là ký hiệu văn bản của Nhà nước, không dùng trên văn bản của Đảng.")
                % {"code": doc_type.code}
            )
        return doc_type


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    form = DirectiveAdminForm
    list_display = ["symbol", "doc_type", "issued_on", "title", "issuing_organization", "issuer_name", "implements"]
    list_filter = ["doc_type", "issued_on"]
    list_select_related = ["doc_type", "issuing_organization", "implements"]
    search_fields = ["symbol", "title", "issuer_name"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["issuing_organization", "implements"]
    readonly_fields = ["symbol", "created_at"]
    fields = [
        "number",
        "doc_type",
        "issuer_code",
        "symbol",
        "issued_on",
        "title",
        "issuing_organization",
        "issuer_name",
        "implements",
        "created_at",
    ]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "organization",
        "year",
        "directive",
        "theme",
        "pledge_deadline",
        "required_thematic_meetings",
        "is_closed",
    ]
    list_filter = ["year", "is_closed"]
    list_select_related = ["organization", "directive__doc_type", "theme"]
    search_fields = ["organization__name", "directive__symbol"]
    autocomplete_fields = ["organization", "directive", "theme"]
    # Closing and reopening go through the plan screen, which records the reason in the history.
    readonly_fields = ["is_closed", "closed_at"]


class PledgeItemInline(admin.TabularInline):
    model = PledgeItem
    extra = 0
    fields = ["position", "content", "area", "target", "due_on", "result", "result_note", "assessed_on"]


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "organization", "year", "form", "state", "on_time", "evaluation"]
    list_filter = ["year", "kind", "state", "form", "evaluation", "on_time"]
    list_select_related = ["person", "organization"]
    search_fields = ["person__full_name", "person__search_key", "organization__name"]
    autocomplete_fields = ["person", "organization", "reviewed_by", "evaluated_by", "created_by"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [PledgeItemInline]


@admin.register(PledgeItem)
class PledgeItemAdmin(SimpleHistoryAdmin):
    list_display = ["content", "pledge", "area", "result", "due_on"]
    list_filter = ["area", "result"]
    list_select_related = ["pledge__person", "pledge__organization"]
    search_fields = ["content", "pledge__person__full_name", "pledge__organization__name"]
    autocomplete_fields = ["pledge"]


@admin.register(StudySession)
class StudySessionAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "organization", "kind", "topic", "theme", "bridge_points"]
    list_filter = ["kind", "held_on"]
    list_select_related = ["organization", "theme"]
    search_fields = ["topic", "organization__name"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["organization", "theme", "attendees", "created_by"]
    readonly_fields = ["created_at"]


@admin.register(Exemplar)
class ExemplarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "year", "status", "unit"]
    list_filter = ["year", "status"]
    list_select_related = ["organization"]
    search_fields = ["name", "unit", "organization__name"]
    autocomplete_fields = ["organization", "people"]
    readonly_fields = ["created_at"]


@admin.register(Commendation)
class CommendationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "organization", "year", "form", "occasion", "status", "decision_number", "decision_date"]
    list_filter = ["year", "form", "occasion", "status"]
    list_select_related = ["organization", "recipient_person", "recipient_organization"]
    search_fields = [
        "recipient_person__full_name",
        "recipient_person__search_key",
        "recipient_organization__name",
        "decision_number",
        "reason",
    ]
    autocomplete_fields = [
        "organization",
        "recipient_person",
        "recipient_organization",
        "proposed_to",
        "proposed_by",
    ]
    readonly_fields = ["created_at"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """What was mailed, for checking; the reminder task is the only writer."""

    list_display = ["user", "organization", "sent_on", "people_count"]
    list_filter = ["sent_on"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    date_hierarchy = "sent_on"
    readonly_fields = ["user", "organization", "sent_on", "subject", "body", "people_count", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
