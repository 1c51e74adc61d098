"""The shared table renderer shows headers and cells in words and registers tables for the exports."""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from valuechain.section import cell_words, collect_tables, header_words, render_table, table_frame


def test_cells_in_words():
    assert [cell_words(v) for v in (True, False, None, math.nan, pd.NA, pd.NaT)] == [
        "yes",
        "no",
        "",
        "",
        "",
        "",
    ]
    assert cell_words({"open", "gated"}) == "gated, open"
    assert cell_words(["a", 2, None]) == "a, 2, "
    assert (
        cell_words(1234567) == "1,234,567"
        and cell_words(2026) == "2026"
        and cell_words(0.123456) == "0.123"
        and cell_words(2.0) == "2"
    )
    assert cell_words("True") == "yes" and cell_words("nan") == "" and cell_words("Truer") == "Truer"
    assert cell_words(pd.Timestamp("2024-05-01")) == "2024-05-01"


def test_headers_in_words():
    assert header_words("release_date") == "release date"
    assert header_words("rho_s") == "ρ_s"
    assert header_words("CN share") == "CN share"


@given(
    st.lists(
        st.one_of(st.booleans(), st.none(), st.floats(allow_nan=True), st.integers(), st.text(max_size=5)),
        min_size=1,
        max_size=8,
    )
)
def test_every_cell_is_words(values):
    for value in values:
        assert cell_words(value) not in {"True", "False", "None", "nan"}


def test_tables_are_registered_and_linked_only_while_collected():
    plain = render_table(["a_b"], [[True]])
    assert "<th>a b</th>" in plain and "<td>yes</td>" in plain and "csv" not in plain
    with collect_tables("demo") as tables:
        page = render_table(
            ["release_date", "open"], [["2024-01-01", True], ["2024-02-01", None]], name="Main list"
        )
        render_table(["x"], [[1.5]])
    assert list(tables) == ["main-list", "table-2"]
    assert 'href="tables/demo-main-list.csv"' in page and 'href="tables/demo-main-list.parquet"' in page
    assert list(tables["main-list"].columns) == ["release date", "open"]
    assert tables["main-list"]["open"].tolist()[0] is True and tables["table-2"]["x"].tolist() == [1.5]


def test_export_keeps_numbers_and_words():
    frame = table_frame(["n", "n", "kind"], [[1, 2.5, {"b", "a"}], [None, 3, None]])
    assert list(frame.columns) == ["n", "n (2)", "kind"]
    assert frame["kind"].tolist() == ["a, b", ""]
    assert frame["n (2)"].tolist() == [2.5, 3]
