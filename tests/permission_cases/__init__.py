"""The permission cases of tests/test_permission_matrix.py, one module per area.

    base.py        Case, Ctx and the kwargs helpers every area uses
    committees.py  committees:*  (the tree, people, role switch, spreadsheet import)
    records.py     pledges:*     (pledges, sessions, exemplars, commendations, plans, directives)
    reports.py     reports:*     (dashboards, year-end reports, renders, batch exports)

The REST API under /api/v1/ is not here: see COVERED_BY_API_TESTS in the matrix.
"""

from tests.permission_cases import committees, records, reports

AREAS = {"committees": committees.CASES, "records": records.CASES, "reports": reports.CASES}
