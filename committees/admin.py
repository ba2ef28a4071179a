from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from committees import services
from committees.forms import VnDateField
from committees.models import (
    AccountProfile,
    DownloadLog,
    Membership,
    Organization,
    OrganizationEvent,
    OrganizationYear,
    Person,
    ReportingYear,
    RoleAssignment,
    RoleEvent,
    YearOpening,
)


class ReorganizeForm(forms.Form):
    effective_on = VnDateField(label=_("Ngày hiệu lực"), initial=timezone.localdate)
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
        apply=lambda org, target, on, by: services.organization_move(organization=org, new_parent=target, on=on, by=by),
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


def _parent_chosen(data: dict) -> Organization | None:
    """The parent a new unit's position names: the reference node itself, or its parent for a sibling."""
    reference = data.get("treebeard_ref_node")
    if reference is None:
        return None
    if data.get("treebeard_position") in ("first-child", "last-child", "sorted-child"):
        return reference
    return Organization.objects.get_parent(reference)


class OrganizationAdminForm(movenodeform_factory(Organization, exclude=["merged_into", "dissolved_on"])):
    def clean(self):
        data = super().clean()
        if self.instance._state.adding:
            try:
                services.organization_create_check(
                    parent=_parent_chosen(data), founded_on=data.get("founded_on") or timezone.localdate()
                )
            except ValidationError as error:
                raise forms.ValidationError(error.messages) from error
            return data
        moved = {"treebeard_ref_node", "treebeard_position"} & set(self.changed_data)
        if moved:
            # A move here would skip the year trees and the dated record of the move.
            raise ValidationError(
                _("Không đổi vị trí tại đây: hãy dùng thao tác “Chuyển trực thuộc” (có ngày hiệu lực).")
            )
        return data


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "kind", "issuer_code", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "search_key"]
    actions = [move_action, merge_action, dissolve_action]

    def has_delete_permission(self, request, obj=None):
        # Organizations are archived, never deleted: records of past years point at them.
        return False

    def save_form(self, request, form, change):
        # treebeard's form saves a new node itself; a new unit goes through the service instead
        # (save_model), so only the unsaved instance is built here.
        if change:
            return super().save_form(request, form, change)
        return form.instance

    def save_related(self, request, form, formsets, change):
        # An organization has no many-to-many fields nor inlines; a new one was saved by the service.
        if change:
            super().save_related(request, form, formsets, change)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The service places the unit in the tree of every open year from its founding date
        # and records its creation; the form's own save would do neither.
        created = services.organization_create(
            parent=_parent_chosen(form.cleaned_data),
            name=obj.name,
            kind=obj.kind,
            short_name=obj.short_name,
            issuer_code=obj.issuer_code,
            place_name=obj.place_name,
            founded_on=obj.founded_on,
            by=request.user,
        )
        obj.pk, obj.path, obj.depth, obj.founded_on = created.pk, created.path, created.depth, created.founded_on


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


@admin.register(YearOpening)
class YearOpeningAdmin(admin.ModelAdmin):
    """Read only: years are opened from the pages (or `reporting_year_open` for the whole tree)."""

    list_display = ["year", "organization", "state", "rows_added", "requested_by", "created_at", "finished_at"]
    list_filter = ["state", "year"]
    list_select_related = ["organization", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountProfile)
class AccountProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "must_set_password", "created_by", "created_at"]
    list_filter = ["must_set_password"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(RoleEvent)
class RoleEventAdmin(admin.ModelAdmin):
    """Read only: the record of who changed access, written by the account services."""

    list_display = ["created_at", "kind", "actor", "user", "role", "organization"]
    list_filter = ["kind", "role"]
    list_select_related = ["actor", "user", "organization"]
    search_fields = ["user__username", "actor__username", "organization__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# API tokens (django-rest-knox): the admin lists and deletes (revokes) them, never issues one.
# A token is issued by /api/v1/token/ only, with its expiry and the per-account limit.
admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    list_display = ("identifier", "user", "created", "expiry")
    search_fields = ("user__username",)
    fields = ("identifier", "user", "created", "expiry")
    readonly_fields = fields

    @admin.display(description=_("nhận diện"))
    def identifier(self, token: AuthToken) -> str:
        return token.token_key[:8] + "…"  # as on the owner's page: never the whole lookup key

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
