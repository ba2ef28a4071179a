import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from pledges.services.plans import plan_save
from pledges.services.pledges import ItemInput, pledge_create
from reports import dashboard
from reports.statistics import organization_year_figures
from tests.factories import PersonFactory, make_organization

pytestmark = pytest.mark.django_db


def url(org, year=2024):
    return reverse("reports:dashboard", args=[org.pk, year])


@pytest.fixture
def pledged(world):
    plan_save(organization=world.bloc, year=2024, pledge_deadline=datetime.date(2024, 3, 10))
    pledge_create(person=world.people_a1[0], year=2024, items=[ItemInput("Đúng giờ")], submit=True)
    pledge_create(person=world.people_b1[0], year=2024, items=[ItemInput("Tiết kiệm")], submit=True)


def test_reviewer_lands_on_the_dashboard(world, login):
    response = login(world.bloc_reviewer).get("/")
    assert response.url == url(world.bloc)


def test_dashboard_figures_equal_the_report_figures(world, pledged, login):
    response = login(world.bloc_reviewer).get(url(world.bloc))
    assert response.status_code == 200
    report_figures = organization_year_figures(organization=world.bloc, year=2024)
    headlines = {h.key: h.value for h in response.context["headlines"]}
    assert headlines["pledges_registered"] == report_figures.pledges_registered == 2
    assert headlines["coverage"] == report_figures.coverage
    rows = {row.figures.name: row.values for row in response.context["rows"]}
    assert rows[world.committee_a.name]["pledges_registered"] == 1
    assert "8,3%" in response.content.decode() or "16,7%" in response.content.decode()


def test_cells_and_cards_are_written_by_the_kind_of_their_measure(world, pledged, login):
    response = login(world.bloc_reviewer).get(url(world.bloc))
    rows = {row.figures.name: row for row in response.context["rows"]}
    shown = dict(zip(dashboard.COLUMN_KEYS, rows[world.committee_a.name].cells, strict=True))
    # Đảng ủy A: 1 of 6 people registered, after the deadline.
    assert (shown["people_required"], shown["pledges_registered"]) == ("6", "1")
    assert (shown["coverage"], shown["on_time_rate"]) == ("16,7%", "0%")
    for row in rows.values():
        for measure, text in zip(dashboard.COLUMNS, row.cells, strict=True):
            if measure.is_percent:
                assert text.endswith("%") or text == "–", measure.key
            else:
                assert "%" not in text, measure.key
    cards = {h.key: h for h in response.context["headlines"]}
    assert (cards["coverage"].text, cards["people_total"].text) == ("22,2%", "9")
    assert (cards["coverage"].previous_text, cards["people_total"].previous_text) == ("0%", "9")  # 2023: none


def test_flags_after_the_deadline(world, pledged, login):
    response = login(world.bloc_reviewer).get(url(world.bloc))
    texts = [str(flag.text) for flag in response.context["flags"]]
    assert "Chưa đủ bản đăng ký sau hạn" in texts
    assert any("chưa có mô hình" in text for text in texts)


def test_drill_down_and_breadcrumbs(world, pledged, login):
    client = login(world.bloc_reviewer)
    body = client.get(url(world.bloc)).content.decode()
    assert url(world.committee_a) in body
    response = client.get(url(world.committee_a))
    assert [crumb.organization for crumb in response.context["crumbs"]][-2:] == [world.bloc, world.committee_a]
    assert response.context["crumbs"][0].reachable is False


def test_sorting_by_a_column(world, pledged, login):
    """Đảng ủy A (6 people required) comes before Đảng ủy B (3) by name: sorting by the column
    ascending must put B first, so the order cannot come from the default one."""
    client = login(world.bloc_reviewer)

    def order(**params):
        response = client.get(url(world.bloc), params)
        return [(row.figures.name, row.values["people_required"]) for row in response.context["rows"]]

    a, b = world.committee_a.name, world.committee_b.name
    assert order() == [(a, 6), (b, 3)]
    assert order(**{"sap-xep": "people_required"}) == [(b, 3), (a, 6)]
    assert order(**{"sap-xep": "people_required", "giam": "1"}) == [(a, 6), (b, 3)]
    assert order(**{"sap-xep": "name", "giam": "1"}) == [(b, 3), (a, 6)]
    # An unknown column falls back to the names.
    assert order(**{"sap-xep": "password"}) == [(a, 6), (b, 3)]


def test_year_with_no_data_is_an_empty_state(world, login):
    response = login(world.bloc_reviewer).get(url(world.bloc, 2023))
    assert response.status_code == 200
    assert "Chưa có số liệu năm 2023" in response.content.decode()
    response = login(world.bloc_reviewer).get(url(world.bloc, 2019))
    assert response.status_code == 200 and response.context["current"] is None


def test_out_of_scope_is_404(world, login):
    assert login(world.a_clerk).get(url(world.bloc)).status_code == 404
    assert login(world.outsider).get(url(world.cell_a1)).status_code == 404


def test_export_has_real_numbers(world, pledged, login):
    response = login(world.bloc_reviewer).get(reverse("reports:dashboard_xlsx", args=[world.bloc.pk, 2024]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[2]]
    assert header[:3] == ["Tổ chức", "Phải đăng ký", "Đã đăng ký"]
    first = [cell.value for cell in sheet[3]]
    assert isinstance(first[1], int) and isinstance(first[3], float)
    assert sheet.cell(row=3, column=4).number_format == "0.0%"


def test_query_count_does_not_grow_with_the_tree(world, pledged, login, django_assert_max_num_queries):
    client = login(world.bloc_reviewer)
    client.get(url(world.bloc))
    with django_assert_max_num_queries(15):
        client.get(url(world.bloc))
    for index in range(5):
        committee = make_organization(world.bloc, name=f"Đảng ủy mới {index}", kind="grassroots")
        for cell_index in range(4):
            PersonFactory(organization=make_organization(committee, name=f"Chi bộ mới {index}-{cell_index}"))
    client.get(url(world.bloc))  # counts the changed tree into the tally store
    with django_assert_max_num_queries(15):
        response = client.get(url(world.bloc))
    assert len(response.context["rows"]) == 7


def test_meetings_flag_follows_the_quarters(world, login):
    plan_save(organization=world.bloc, year=2024, required_thematic_meetings=4)
    with time_machine.travel(datetime.datetime(2024, 7, 2, tzinfo=datetime.UTC), tick=False):
        figures = organization_year_figures(organization=world.bloc, year=2024)
    assert figures.cells_behind_meetings == 3
