"""The download log: who downloaded or exported personal data, of which organization, when.

Every place that hands out personal data (report files, the batch ZIP, printable pledge forms,
the dashboard spreadsheet, the REST API's lists of people and records) calls one of these
after the request was authorized and the content was produced, so a refused or failed
download leaves no entry. An entry names the file or the list, never the people in it.

The import templates are not logged: they hold the organization's tree and the code lists,
no personal data. Nor is a HEAD request: it is answered without the content.
"""

from collections.abc import Iterable

from django.http import HttpRequest

from committees.models import DownloadLog, Organization

DESCRIPTION_MAX = DownloadLog._meta.get_field("description").max_length
PATH_MAX = DownloadLog._meta.get_field("path").max_length


def _entry(
    *,
    request: HttpRequest,
    organization_id: int | None,
    kind: str,
    description: str,
    year: int | None,
    row_count: int | None,
) -> DownloadLog:
    # The path only, never the query string: a search term may be a person's name.
    return DownloadLog(
        user=request.user,
        organization_id=organization_id,
        kind=kind,
        description=description[:DESCRIPTION_MAX],
        path=request.path[:PATH_MAX],
        year=year,
        row_count=row_count,
    )


def download_record(
    *,
    request: HttpRequest,
    organization: Organization,
    kind: str,
    description: str,
    year: int | None = None,
    row_count: int | None = None,
) -> DownloadLog | None:
    """Log one download of `organization`'s data (its whole subtree when the file covers it)."""
    if request.method == "HEAD":
        return None
    entry = _entry(
        request=request,
        organization_id=organization.pk,
        kind=kind,
        description=description,
        year=year,
        row_count=row_count,
    )
    entry.save()
    return entry


def list_download_record(
    *,
    request: HttpRequest,
    organization_ids: Iterable[int | None],
    description: str,
    year: int | None = None,
    row_count: int | None = None,
) -> list[DownloadLog]:
    """Log one list handed out by the API, once per organization whose subtree it covered
    (`None`: the whole tree), in a single INSERT."""
    if request.method == "HEAD":
        return []
    entries = [
        _entry(
            request=request,
            organization_id=organization_id,
            kind=DownloadLog.Kind.API_LIST,
            description=description,
            year=year,
            row_count=row_count,
        )
        for organization_id in organization_ids
    ]
    return DownloadLog.objects.bulk_create(entries)
