"""`make bench` at a tiny count, on SQLite: every row measured, every ratio a number."""

import math

import pytest
from django.db import connection

from operations import bench

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the bench runs on its own SQLite file: once is enough"
)

ROWS = [
    "list of 100, country and dates",
    "list of 10, country and dates",
    "detail with 20 claims",
    "timeline page of 50",
    "q by a name alias",
    "bbox",
    "list of 100, first page",
    "list of 100, deep page",
    "CSV export, all",
    "GeoJSON export, all",
    "Datasette, list of 100",
]


@pytest.fixture(scope="module")
def results():
    return bench.run(50, 1, databases=("SQLite",))


def by_label(results):
    return {figure.label: figure for figure in results["SQLite"]}


def test_every_row_is_measured_beside_its_limit(results):
    figures = by_label(results)
    assert list(figures) == ROWS
    for label, figure in figures.items():
        assert figure.median_ms > 0 and figure.per_second > 0, label
        if label != bench.DATASETTE_LABEL:
            assert figure.queries > 0, label
            assert math.isfinite(figure.times_limit) and figure.times_limit > 0, label


def test_exports_give_every_operation_and_the_worker_memory(results):
    figures = by_label(results)
    for label in ("CSV export, all", "GeoJSON export, all"):
        assert figures[label].rows == 50
        assert figures[label].peak_rss_mb > 10


def test_datasette_answers_the_same_filter(results):
    figures = by_label(results)
    list_ids = figures[bench.DATASETTE_LABEL].rows
    assert 0 < list_ids <= 50


def test_the_list_of_10_runs_as_many_queries_as_the_list_of_100(results):
    figures = by_label(results)
    assert figures["list of 10, country and dates"].queries == figures[ROWS[0]].queries


def test_the_table_has_a_line_per_row_with_ratios(results):
    printed = bench.table(results, 50)
    lines = printed.splitlines()
    for label in ROWS:
        [line] = [line for line in lines if line.startswith(label)]
        if label == bench.DATASETTE_LABEL:
            assert "ours " in line
        else:
            ratio = [cell for cell in line.split() if cell.endswith("x")][-1]
            assert float(ratio[:-1]) > 0
