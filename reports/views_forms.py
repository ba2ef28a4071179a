"""Printable pledge forms: one person's pledge, or a whole chi bộ's, as one PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from committees.audit import download_record
from committees.models import DownloadLog
from committees.permissions import Perm, get_in_scope_or_404
from pledges import selectors
from pledges.models import Pledge
from pledges.views.common import check_year, org_for
from reports import pledge_forms
from reports.content import superior_of


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
def pledge_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A personal pledge in its form's layout (mẫu 01 / 2A / 2B)."""
    pledge = get_in_scope_or_404(Pledge.objects.all(), request.user, pk, Perm.VIEW)
    if not pledge.is_personal:
        raise Http404
    pledge = selectors.pledge_with_items(pledge_id=pledge.pk)
    content = pledge_forms.render_pledge_forms([pledge], superior=superior_of(pledge.organization))
    # The file name carries the person's name: the log names the pledge by its number instead.
    download_record(
        request=request,
        organization=pledge.organization,
        kind=DownloadLog.Kind.PLEDGE_FORM,
        description=_("Bản đăng ký số %(pk)s, mẫu %(form)s") % {"pk": pledge.pk, "form": pledge.form},
        year=pledge.year,
        row_count=1,
    )
    return _pdf_response(content, pledge_forms.pledge_filename(pledge))


@login_required
def cell_pledges_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """Every submitted personal pledge of an organization in a year, one form per page."""
    organization = org_for(request, pk)
    check_year(year)
    try:
        pledges = pledge_forms.cell_pledges_for_print(organization=organization, year=year)
    except pledge_forms.TooManyPledges:
        messages.error(
            request,
            _("Có hơn %(max)s bản đăng ký: quá nhiều để in một lần. Hãy in theo từng chi bộ.")
            % {"max": pledge_forms.MAX_PLEDGES_PER_PDF},
        )
        return redirect("pledges:roster", organization.pk, year)
    if not pledges:
        messages.info(request, _("Chưa có bản đăng ký nào để in."))
        return redirect("pledges:roster", organization.pk, year)
    content = pledge_forms.render_pledge_forms(pledges, superior=superior_of(organization))
    filename = pledge_forms.cell_filename(organization, year)
    download_record(
        request=request,
        organization=organization,
        kind=DownloadLog.Kind.PLEDGE_FORMS,
        description=filename,
        year=year,
        row_count=len(pledges),
    )
    return _pdf_response(content, filename)
