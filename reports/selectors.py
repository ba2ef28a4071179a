from dataclasses import dataclass

from committees.models import Organization
from reports.models import Report, ReportRender


def renders_of(report: Report) -> list[ReportRender]:
    return list(report.renders.select_related("requested_by").order_by("-created_at")[:30])


@dataclass(frozen=True)
class ChildReport:
    organization: Organization
    report: Report | None


def children_reports(*, organization: Organization, year: int) -> list[ChildReport]:
    """Each child organization with its report of the year, if any (2 queries)."""
    children = list(Organization.objects.get_children(organization).filter(dissolved_on__isnull=True))
    reports = {
        r.organization_id: r
        for r in Report.objects.filter(organization__in=children, year=year).select_related("final_render")
    }
    return [ChildReport(organization=child, report=reports.get(child.pk)) for child in children]
