"""The reviewing committee's dashboard and its spreadsheet export."""

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook
from openpyxl.styles import Font

from committees import selectors as committee_selectors
from committees import xlsx
from committees.audit import download_record
from committees.models import DownloadLog
from committees.permissions import Perm, get_organization_for_user_or_404, perms_for
from committees.years import year_choices
from pledges.views.common import TABS, check_year
from reports import dashboard
from reports.statistics import freshness, organization_years_figures


def _figures(request, pk: int, year: int):
    organization = get_organization_for_user_or_404(request.user, pk, Perm.VIEW)
    check_year(year)
    figures = organization_years_figures(organization=organization, years=[year, year - 1], children_years=[year])
    return organization, figures[year], figures[year - 1]


@login_required
def dashboard_page(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization, current, previous = _figures(request, pk, year)
    sort = request.GET.get("sap-xep", "name")
    descending = request.GET.get("giam") == "1"
    perms = perms_for(request.user, organization)
    context = {
        "organization": organization,
        "year": year,
        "years": year_choices(organization, year),
        # Figures exist exactly where the organization stands in the year's tree.
        "year_open": current is not None,
        "can_open_year": current is None and Perm.PLAN in perms,
        "tabs": TABS,
        "active_tab": "dashboard",
        "perms": perms,
        "crumbs": committee_selectors.organization_breadcrumbs(organization=organization, scope=request.scope),
        "crumb_url_name": "reports:dashboard",
        "current": current,
        "freshness": freshness(year),
        "columns": dashboard.HEADER,
        "sort": sort,
        "descending": descending,
    }
    if current is not None:
        context.update(
            {
                "headlines": dashboard.headlines(current, previous),
                "flags": dashboard.flags_for(current),
                "rows": dashboard.child_rows(current, sort=sort, descending=descending),
                "charts": dashboard.chart_data(current, current.registrations_by_date()),
            }
        )
    return render(request, "reports/dashboard.html", context)


@login_required
def dashboard_xlsx(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organization, current, _previous = _figures(request, pk, year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tổng quan"
    # Every cell through committees.xlsx: a name starting with "=" stays a name.
    xlsx.write(sheet, 1, 1, f"{organization.name} – năm {year}").font = Font(bold=True)
    xlsx.append(sheet, [label for _key, label, _numeric in dashboard.HEADER] + ["Cảnh báo"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    rows = dashboard.child_rows(current) if current else []
    for row in rows:
        xlsx.append(
            sheet,
            [row.figures.name]
            + [row.values[measure.key] for measure in dashboard.COLUMNS]
            + ["; ".join(str(f.text) for f in row.flags)],
        )
    for index, measure in enumerate(dashboard.COLUMNS, start=2):
        if measure.is_percent:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 48
    sheet.freeze_panes = "B3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    filename = f"tong-quan-{year}-{organization.pk}.xlsx"
    download_record(
        request=request,
        organization=organization,
        kind=DownloadLog.Kind.DASHBOARD,
        description=filename,
        year=year,
        row_count=len(rows),
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
