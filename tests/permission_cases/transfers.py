"""Permission cases: transfers:* — the imports from spreadsheets (transfers/views.py).
See tests/permission_cases/base.py."""

from committees.permissions import Perm
from tests.permission_cases.accounts import accounts_upload
from tests.permission_cases.base import Case, organization_pk
from tests.permission_cases.committees import people_upload, pledges_upload

CASES: dict[str, Case] = {
    # spreadsheet import (transfers/views.py): every page asks for `import`
    "transfers:import_page": Case(perm=Perm.IMPORT, target=organization_pk),
    # "ca-nhan" here; "ke-hoach" (and an unknown kind) in test_import_template_kinds
    "transfers:import_template": Case(
        perm=Perm.IMPORT,
        target=lambda c, inside: {"pk": c.organization.pk, "kind": "ca-nhan"},
    ),
    "transfers:import_people": Case(
        perm=Perm.IMPORT,
        methods=("POST",),
        target=organization_pk,
        data=people_upload,
        writes=True,
    ),
    "transfers:import_pledges": Case(
        perm=Perm.IMPORT,
        methods=("POST",),
        target=organization_pk,
        data=pledges_upload,
        writes=True,
    ),
    "transfers:account_import": Case(perm=Perm.ACCOUNTS, target=organization_pk),
    "transfers:account_import_upload": Case(
        perm=Perm.ACCOUNTS, methods=("POST",), target=organization_pk, data=accounts_upload, writes=True
    ),
    "transfers:account_import_template": Case(perm=Perm.ACCOUNTS, target=organization_pk),
}
