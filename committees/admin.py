from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from committees import services
from committees.models import (
    DownloadLog,
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationYear,
    Person,
    ReportingYear,
    RoleAssignment,
)


class ReorganizeForm(forms.Form):
    effective_on = forms.DateField(label=_("Ngày hiệu lực"), initial=timezone.localdate)
    target = forms.ModelChoiceField(
        label=_("Tổ chức đích"), queryset=Organization.objects.filter(dissolved_on__isnull=True), required=False
    )


def _reorganize_action(modeladmin, request, queryset, *, title: str, needs_target: bool, apply):
    if "apply" in request.POST:
        form = ReorganizeForm(request.POST)
        if form.is_valid():
            target = form.cleaned_data["target"]
            if needs_target and target is None:
                form.add_error("target", _("Hãy chọn tổ chức đích."))
            else:
                for organization in queryset:
                    try:
                        apply(organization, target, form.cleaned_data["effective_on"], request.user)
                    except ValidationError as error:
                        modeladmin.message_user(request, "; ".join(error.messages), messages.ERROR)
                    else:
                        modeladmin.message_user(request, _("Đã thực hiện: %s") % organization, messages.SUCCESS)
                return None
    else:
        form = ReorganizeForm()
    if not needs_target:
        form.fields.pop("target")
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "action": request.POST.get("action"),
        "opts": modeladmin.model._meta,
    }
    return render(request, "admin/committees/reorganize.html", context)


@admin.action(description=_("Chuyển trực thuộc (có ngày hiệu lực)"))
def move_action(modeladmin, request, queryset):
    return _reorganize_action(
        modeladmin,
        request,
        queryset,
        title=_("Chuyển trực thuộc"),
        needs_target=True,
        apply=lambda org, target, on, by: services.organization_move(
            organization=org, new_parent=target, on=on, by=by
        ),
    )


@admin.action(description=_("Sáp nhập vào tổ chức khác"))
def merge_action(modeladmin, request, queryset):
    return _reorganize_action(
        modeladmin,
        request,
        queryset,
        title=_("Sáp nhập"),
        needs_target=True,
        apply=lambda org, target, on, by: services.organization_merge(source=org, target=target, on=on, by=by),
    )


@admin.action(description=_("Giải thể (lưu trữ, không xóa)"))
def dissolve_action(modeladmin, request, queryset):
    return _reorganize_action(
        modeladmin,
        request,
        queryset,
        title=_("Giải thể"),
        needs_target=False,
        apply=lambda org, target, on, by: services.organization_dissolve(organization=org, on=on, by=by),
    )


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = movenodeform_factory(Organization, exclude=["merged_into", "dissolved_on"])
    list_display = ["name", "kind", "issuer_code", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "search_key"]
    actions = [move_action, merge_action, dissolve_action]

    def has_delete_permission(self, request, obj=None):
        # Organizations are archived, never deleted: records of past years point at them.
        return False


@admin.register(ReportingYear)
class ReportingYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_closed", "closed_at"]
    readonly_fields = ["closed_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            services.reporting_year_open(year=obj.year)
            obj.pk = ReportingYear.objects.get(year=obj.year).pk
            if obj.is_closed:
                services.reporting_year_close(year=obj.year)
        elif obj.is_closed and "is_closed" in form.changed_data:
            services.reporting_year_close(year=obj.year)
        else:
            super().save_model(request, obj, form, change)


@admin.register(OrganizationYear)
class OrganizationYearAdmin(admin.ModelAdmin):
    list_display = ["year", "organization", "parent", "path", "depth"]
    list_filter = ["year"]
    search_fields = ["organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "organization", "category", "position", "exemption", "left_on"]
    list_filter = ["category", "exemption", "gender"]
    search_fields = ["full_name", "search_key"]
    autocomplete_fields = ["organization", "user"]
    inlines = [MembershipInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(admin.ModelAdmin):
    list_display = ["effective_on", "kind", "organization", "from_parent", "to_organization", "by"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "start_on", "end_on"]
    list_filter = [("end_on", admin.EmptyFieldListFilter)]
    search_fields = ["person__full_name", "person__search_key", "organization__name"]
    autocomplete_fields = ["person", "organization"]


@admin.register(DownloadLog)
class DownloadLogAdmin(admin.ModelAdmin):
    """Read only: the log is written by committees.audit, never by hand, and never edited."""

    list_display = ["created_at", "user", "kind", "organization", "year", "description", "row_count"]
    list_filter = ["kind"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "organization__name", "description"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
