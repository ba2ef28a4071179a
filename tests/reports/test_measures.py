"""The registry of measures: every figure declared once, selected by key everywhere it shows."""

import datetime
import json

import pytest

from reports import content, dashboard, rendering_office
from reports.measures import MEASURES, Kind, Measure, cells, select
from reports.statistics import organization_year_figures

CONSUMERS = {
    "dashboard headlines": dashboard.HEADLINE_KEYS,
    "dashboard columns": dashboard.COLUMN_KEYS,
    "report appendix": content.APPENDIX_KEYS,
    "excel summary": rendering_office.SUMMARY_KEYS,
}
# Who the snapshot is about, written beside the measures.
IDENTITY = {"organization_id", "name", "kind", "dissolved", "year"}
# Figures.to_dict of Đảng ủy A on the hand-built dataset (tests/reports/conftest.py `data`),
# as rendered reports have stored it and the API has returned it.
COMMITTEE_A_2024 = {
    "people_total": 8,
    "people_required": 7,
    "people_exempt": 1,
    "party_members": 7,
    "pledges_registered": 3,
    "pledges_by_form": {"01": 2, "2A": 1, "2B": 0},
    "pledges_by_state": {"draft": 1, "submitted": 1, "accepted": 1, "returned": 0, "evaluated": 1},
    "pledges_on_time": 2,
    "pledges_late": 1,
    "pledges_returned": 0,
    "pledges_missing": 4,
    "coverage": 3 / 7,
    "on_time_rate": 2 / 3,
    "items_total": 7,
    "items_done": 3,
    "items_partly": 1,
    "items_not_done": 1,
    "items_done_rate": 3 / 7,
    "collective_pledges": 1,
    "collective_items": 2,
    "evaluations": {"excellent": 0, "good": 1, "complete": 0, "incomplete": 0},
    "sessions_by_kind": {"study": 1, "thematic": 1, "online": 0, "other": 0},
    "sessions_total": 2,
    "thematic_meetings": 1,
    "attendees_total": 4,
    "attendees_party": 3,
    "attendees_non_party": 1,
    "bridge_points": 0,
    "participation_rate": 0.375,
    "participation_rate_party": 2 / 7,
    "participation_rate_union": 1.0,
    "exemplars_by_status": {"registered": 1, "implemented": 0, "replicated": 1},
    "exemplars_total": 2,
    "cells": 2,
    "cells_without_exemplar": 1,
    "cells_behind_meetings": 0,
    "commendations_granted": 1,
    "commendations_person": 1,
    "commendations_collective": 0,
    "commendations_by_form": {"certificate": {"person": 0, "collective": 0}, "praise": {"person": 1, "collective": 0}},
    "proposals": 1,
    "deadline": "2024-04-30",
    "required_meetings": 2,
}


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_every_key_a_consumer_shows_is_declared_once(consumer):
    keys = CONSUMERS[consumer]
    assert [key for key in keys if key not in MEASURES] == []
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("consumer", ["dashboard headlines", "dashboard columns", "report appendix"])
def test_tables_and_cards_show_one_value_per_measure(consumer):
    assert [m.key for m in select(CONSUMERS[consumer]) if m.kind == Kind.MAPPING] == []


def test_mappings_listed_line_by_line_name_their_entries():
    listed = [m for m in select(rendering_office.SUMMARY_KEYS) if m.kind == Kind.MAPPING]
    assert listed and all(m.parts for m in listed)


def test_an_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        select(["people_total", "no_such_figure"])


def test_each_measure_is_declared_under_its_own_key_and_labels():
    assert all(key == measure.key for key, measure in MEASURES.items())
    labels = [str(m.label) for m in MEASURES.values()]
    assert all(labels) and len(labels) == len(set(labels))
    column_labels = [str(m.column_label) for m in MEASURES.values()]
    assert len(column_labels) == len(set(column_labels)), "two columns would read the same"


# --- the snapshot --------------------------------------------------------------------------


@pytest.mark.django_db
def test_snapshot_keys_and_values_are_unchanged(world, data):
    snapshot = organization_year_figures(organization=world.committee_a, year=2024).to_dict()
    assert {key: snapshot[key] for key in IDENTITY} == {
        "organization_id": world.committee_a.pk,
        "name": world.committee_a.name,
        "kind": "grassroots",
        "dissolved": False,
        "year": 2024,
    }
    children = snapshot.pop("children")
    measured = {key: value for key, value in snapshot.items() if key not in IDENTITY}
    assert measured == COMMITTEE_A_2024
    assert list(measured) == list(COMMITTEE_A_2024)  # the declaration order is the snapshot's
    assert [child["organization_id"] for child in children] == [world.cell_a1.pk, world.cell_a2.pk]
    assert all(set(child) == set(snapshot) | {"children"} for child in children)
    assert children[0]["pledges_registered"] + children[1]["pledges_registered"] == 3
    assert children[1]["participation_rate_union"] is None  # nobody to divide by
    assert json.loads(json.dumps(snapshot)) == snapshot


@pytest.mark.django_db
def test_every_measure_reads_what_the_snapshot_holds(world, data):
    figures = organization_year_figures(organization=world.committee_a, year=2024)
    snapshot = figures.to_dict()
    for measure in MEASURES.values():
        assert measure.json(measure.read(figures)) == snapshot[measure.key], measure.key


# --- shown by kind -------------------------------------------------------------------------

SAMPLES = {
    Kind.COUNT: (8842, "8.842"),
    Kind.PERCENT: (0.995, "99,5%"),
    Kind.DATE: (datetime.date(2024, 3, 31), "31/03/2024"),
    Kind.TEXT: ("Chi bộ 1", "Chi bộ 1"),
}


@pytest.mark.parametrize("key", [key for key, m in MEASURES.items() if m.kind != Kind.MAPPING])
def test_every_measure_is_written_as_its_kind(key):
    measure = MEASURES[key]
    value, text = SAMPLES[measure.kind]
    assert measure.text(value) == text
    if measure.kind in (Kind.COUNT, Kind.PERCENT):
        assert measure.text(None) == "–"


def test_a_ratio_is_a_percent_only_when_declared_so():
    ratio = Measure("x", "Tỷ lệ x", Kind.PERCENT, lambda f: 0.5)
    count = Measure("y", "Số y", Kind.COUNT, lambda f: 0.5)
    assert [cell.text for cell in cells([ratio, count], figures=None)] == ["50%", "1"]


def test_a_mapping_is_not_shown_as_one_value():
    with pytest.raises(TypeError):
        MEASURES["evaluations"].text({"good": 1})
