"""The permission cases of tests/test_permission_matrix.py, one module per area.

    base.py        Case, Ctx and the kwargs helpers every area uses
    committees.py  committees:*  (the tree, people, role switch, spreadsheet import)
    years.py       committees:*  (opening a reporting year for a subtree)
    tree.py        committees:*  (the tree from the pages: create, rename, move, merge, dissolve)
    accounts.py    committees:*  (accounts and roles delegated to clerks)
    transfers.py   transfers:*   (imports from spreadsheets: people, pledges, accounts)
    records.py     pledges:*     (pledges, sessions, exemplars, commendations, plans, directives)
    reports.py     reports:*     (dashboards, year-end reports, renders, batch exports)
    api.py         api-*         (the REST API: a case per URL name and HTTP method)

The API's cases are swept by tests/test_permission_matrix_api.py, the others by the matrix.
"""

from tests.permission_cases import accounts, committees, records, reports, transfers, tree, years

AREAS = {
    "committees": committees.CASES,
    "years": years.CASES,
    "tree": tree.CASES,
    "accounts": accounts.CASES,
    "records": records.CASES,
    "reports": reports.CASES,
    "transfers": transfers.CASES,
}
