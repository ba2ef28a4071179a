from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from reports import tallies
from reports.models import RenderBatch, Report, ReportRender, Tally, TallyMark, TallyYear


class RenderInline(admin.TabularInline):
    model = ReportRender
    fk_name = "report"
    extra = 0
    can_delete = False
    fields = ["format", "state", "created_at", "finished_at", "size", "sha256", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "year", "first_year", "state", "number", "finalized_at"]
    list_filter = ["state", "year"]
    search_fields = ["organization__name"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["state", "finalized_at", "finalized_by", "final_render", "version"]
    inlines = [RenderInline]


@admin.register(ReportRender)
class ReportRenderAdmin(admin.ModelAdmin):
    list_display = ["report", "format", "state", "created_at", "finished_at", "attempts"]
    list_filter = ["state", "format"]
    search_fields = ["report__organization__name"]
    # Renders are immutable files with their hash: the admin only looks.
    readonly_fields = [f.name for f in ReportRender._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RenderBatch)
class RenderBatchAdmin(admin.ModelAdmin):
    list_display = ["organization", "year", "requested_by", "created_at"]
    list_filter = ["year"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Derived rows: shown to check the tally store, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TallyYear)
class TallyYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "built", "as_of"]
    actions = ["recount"]

    @admin.action(description=_("Đếm lại số liệu của các năm đã chọn"))
    def recount(self, request, queryset):
        tallies.invalidate(queryset.values_list("year", flat=True))
        self.message_user(request, _("Số liệu sẽ được đếm lại từ hồ sơ ở lần xem tiếp theo."))


@admin.register(Tally)
class TallyAdmin(ReadOnlyAdmin):
    list_display = ["organization", "year", "path", "depth"]
    list_filter = ["year"]
    search_fields = ["organization__name"]


@admin.register(TallyMark)
class TallyMarkAdmin(ReadOnlyAdmin):
    list_display = ["organization_id", "year", "marked_at"]
