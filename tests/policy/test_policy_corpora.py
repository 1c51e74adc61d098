"""Corpus loaders on the real snapshots: reproducible counts per year, dating rules, known cases."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.errors import InputError
from valuechain.policy.analysis import (
    before_after,
    classify_documents,
    events_for_figure,
    fisher_exact_p,
    plot_timeline,
    theme_trends,
    two_proportion_z,
)
from valuechain.policy.corpora import (
    agora_date,
    chinese_numeral,
    congress_years,
    html_to_text,
    load_agora,
    load_cn_policy,
    load_cpc,
    load_gwr,
    load_user_documents,
    parse_date,
    read_text_file,
    resolution_year,
)


@pytest.fixture(scope="module")
def cn_policy(shared_data):
    return load_cn_policy(shared_data / "policy" / "cn-ai-policy-platform" / "all_policies_unified.csv")


@pytest.fixture(scope="module")
def gwr(shared_data):
    return load_gwr(shared_data / "policy" / "cn-political-corpora" / "government_work_reports.jsonl")


@pytest.fixture(scope="module")
def cn_policy_themes(cn_policy):
    return classify_documents(cn_policy.documents)


@pytest.fixture(scope="module")
def gwr_themes(gwr):
    return classify_documents(gwr.documents)


def test_cn_policy_counts_per_year(cn_policy):
    assert len(cn_policy.documents) == 375
    assert cn_policy.counts_per_year() == {
        2018: 23,
        2019: 16,
        2020: 24,
        2021: 33,
        2022: 20,
        2023: 34,
        2024: 52,
        2025: 161,
        2026: 12,
    }
    bodies = {d.issuing_body for d in cn_policy.documents}
    assert bodies == {"MIIT", "CAC", "TC260"}
    assert cn_policy.precision_counts() == {"day": 375}


def test_cn_policy_release_date_kept_where_it_differs(cn_policy):
    guide = next(d for d in cn_policy.documents if "国家人工智能产业综合标准化体系建设指南" in d.title)
    assert guide.date == date(2024, 6, 5)
    assert guide.publication_date == date(2024, 7, 2)


def test_gwr_reports_and_resolutions_are_dated_or_dropped_with_a_count(gwr):
    reports = [d for d in gwr.documents if d.doc_type == "government_work_report"]
    resolutions = [d for d in gwr.documents if d.doc_type == "npc_resolution"]
    assert len(reports) == 52
    assert len(resolutions) + sum(gwr.dropped.values()) == 20
    assert sum(gwr.dropped.values()) == 1
    assert 2020 not in {d.date.year for d in reports}  # the 2020 report is missing from the corpus
    r2024 = next(d for d in reports if d.date.year == 2024)
    assert r2024.date == date(2024, 3, 5) and r2024.date_precision == "day"
    res2023 = next(d for d in resolutions if "第十四届全国人民代表大会第一次会议" in d.title)
    assert res2023.date == date(2023, 3, 13) and res2023.date_precision == "day"
    res2025 = next(d for d in resolutions if "第十四届全国人民代表大会第三次会议" in d.title)
    assert res2025.date.year == 2025 and res2025.date_precision == "year"


def test_cpc_and_agora_counts(shared_data):
    cpc = load_cpc(shared_data / "policy" / "cn-political-corpora" / "cpc_congress_reports.jsonl")
    assert len(cpc.documents) == 15 and sum(cpc.dropped.values()) == 1
    assert {d.date.year for d in cpc.documents} >= {2012, 2017, 2022}
    agora = load_agora(shared_data / "policy" / "us-agora-congress" / "ai_laws_enacted_by_congress.csv")
    assert len(agora.documents) == 147
    assert agora.precision_counts() == {"fiscal-year": 117, "congress": 23, "year": 7}
    assert agora.counts_per_year() == {2020: 36, 2021: 14, 2022: 49, 2023: 22, 2024: 26}
    assert all(d.country == "US" and d.language == "en" for d in agora.documents)


def test_agora_dating_rules():
    assert congress_years(117) == (2021, 2022)
    p, lo, hi, prec, congress = agora_date(
        "CHIPS", "https://www.congress.gov/bill/117th-congress/house-bill/4346"
    )
    assert (lo, hi, prec, congress) == (date(2021, 1, 1), date(2022, 12, 31), "congress", 117)
    _, lo, _, prec, _ = agora_date(
        "AI in Government Act of 2020", "https://www.congress.gov/bill/116th-congress/house-bill/133/text"
    )
    assert (lo.year, prec) == (2020, "year")
    p, _, _, prec, _ = agora_date(
        "James M. Inhofe National Defense Authorization Act for Fiscal Year 2023, Section 1",
        "https://www.congress.gov/bill/117th-congress/house-bill/7776/text",
    )
    assert (p.year, prec) == (2022, "fiscal-year")
    _, _, _, _, congress = agora_date(
        "NDAA FY2021", "https://www.congress.gov/116/plaws/publ283/PLAW-116publ283.pdf"
    )
    assert congress == 116
    with pytest.raises(InputError):
        agora_date("x", "https://example.org/law")


def test_npc_resolution_year_from_title():
    assert chinese_numeral("十四") == 14 and chinese_numeral("二十") == 20 and chinese_numeral("三") == 3
    assert chinese_numeral("abc") is None
    assert resolution_year("第十四届全国人民代表大会第三次会议关于政府工作报告的决议") == 2025
    assert resolution_year("第十三届全国人民代表大会第三次会议关于政府工作报告的决议") == 2020
    assert resolution_year("第二届全国人民代表大会第三次会议关于政府工作报告的决议") is None


def test_gwr_2019_kaiyuan_jieliu_not_open_source(gwr_themes):
    rows = gwr_themes[(gwr_themes["theme"] == "open_source")]
    assert int(rows["present"].sum()) == 0  # no Government Work Report supports open source in these terms
    r2019 = rows[(rows["year"] == 2019) & (rows["doc_type"] == "government_work_report")].iloc[0]
    assert r2019["hits"] == 0


def test_cn_policy_open_source_documents_all_after_first_control_round(cn_policy_themes):
    rows = cn_policy_themes[(cn_policy_themes["theme"] == "open_source") & cn_policy_themes["present"]]
    assert len(rows) == 4
    assert (rows["date"] > date(2022, 10, 7)).all()
    assert set(rows["issuing_body"]) == {"MIIT", "CAC"}


def test_theme_counts_per_year_are_reproducible(cn_policy, cn_policy_themes):
    again = classify_documents(cn_policy.documents)
    a = theme_trends(cn_policy_themes, ["country"], period="year")
    b = theme_trends(again, ["country"], period="year")
    assert a.equals(b)
    standards = a[a["theme"] == "standards"].set_index("year")["with_theme"].to_dict()
    assert sum(standards.values()) == int(
        cn_policy_themes[cn_policy_themes["theme"] == "standards"]["present"].sum()
    )


def test_before_after_cn_policy_2022_10_07(cn_policy_themes):
    ba = before_after(cn_policy_themes, date(2022, 10, 7))
    row = ba.table.set_index("theme").loc["open_source"]
    assert (row["n_before"], row["k_before"], row["k_after"]) == (109, 0, 4)
    assert row["n_before"] + row["n_after"] == 375
    assert bool(row["thin"]) is True
    thin = [n for n in ba.notes if "Thin series" in n]
    assert len(thin) == 1 and "2022-10-07" in thin[0]
    assert ba.straddling == 0


def test_a_shock_after_the_last_document_says_so(cn_policy_themes):
    ba = before_after(cn_policy_themes, date(2030, 1, 1))
    assert (ba.table["n_after"] == 0).all()
    empty = [n for n in ba.notes if n.startswith("No documents are dated wholly after 2030-01-01")]
    assert len(empty) == 1 and empty[0].endswith("nothing is compared at this shock.")


def test_every_trends_figure_shows_the_us_shocks_and_confounders(cn_policy_themes, tmp_path):
    from valuechain.policy.timeline import load_events
    from valuechain.reference.events import CONFOUNDERS, SHOCKS

    events = events_for_figure(load_events(), {"CN"})
    days = {e.date.isoformat() for e in events} | {
        e.publication_date.isoformat() for e in events if e.publication_date
    }
    assert set(SHOCKS) <= days and set(CONFOUNDERS) <= days
    assert {e.country for e in events if e.category not in ("us_shock", "confounder")} == {"CN"}
    trends = theme_trends(cn_policy_themes, ["country"])
    for suffix, magic in ((".pdf", b"%PDF"), (".png", b"\x89PNG"), (".svg", b"<?xml")):
        out = plot_timeline(events, trends, tmp_path / f"fig{suffix}")
        assert out.read_bytes()[: len(magic)] == magic, suffix
    with pytest.raises(InputError, match="is a directory"):
        plot_timeline(events, trends, tmp_path)
    with pytest.raises(InputError, match=r"must end in \.png, \.pdf or \.svg"):
        plot_timeline(events, trends, tmp_path / "fig.jpeg")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.pdf", "fig.png", "fig.svg"]


def test_before_after_sets_aside_straddling_documents(gwr_themes):
    ba = before_after(gwr_themes, date(2025, 1, 13), window_years=3)
    # the 2025 report and the 2025 resolution are dated to the year only: their side of the shock is unknown
    assert ba.straddling == 2


def test_statistical_tests():
    z, p = two_proportion_z(10, 100, 20, 100)
    assert z == pytest.approx(1.98, abs=0.01) and p == pytest.approx(0.0477, abs=0.001)
    assert fisher_exact_p(0, 109, 4, 266) == pytest.approx(0.327, abs=0.002)
    assert two_proportion_z(0, 10, 0, 10)[0] != two_proportion_z(0, 10, 0, 10)[0]  # NaN when undefined


def test_user_documents_with_metadata_and_filename_dates(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "2023-10-17_note.txt").write_text(
        "The rule imposes export controls on advanced chips.", encoding="utf-8"
    )
    (folder / "page.html").write_text(
        "<html><head><style>p{}</style><script>x=1</script></head><body><p>推广开源技术。</p>"
        "<p>建设开源社区。</p></body></html>",
        encoding="utf-8",
    )
    (folder / "metadata.csv").write_text(
        "file,date,country,issuing_body\npage.html,2024-01-18,CN,MIIT\n", encoding="utf-8"
    )
    corpus = load_user_documents([folder], country="US")
    by_name = {d.doc_id: d for d in corpus.documents}
    note, page = by_name["user-2023-10-17_note"], by_name["user-page"]
    assert (note.date, note.country, note.language) == (date(2023, 10, 17), "US", "en")
    assert (page.date, page.country, page.language, page.issuing_body) == (
        date(2024, 1, 18),
        "CN",
        "zh",
        "MIIT",
    )
    assert "x=1" not in page.text and "推广开源技术" in page.text


def test_user_document_errors(tmp_path):
    undated = tmp_path / "note.txt"
    undated.write_text("Export controls on chips.", encoding="utf-8")
    with pytest.raises(InputError, match="date of note.txt is unknown"):
        load_user_documents([undated], country="US")
    with pytest.raises(InputError, match="country"):
        load_user_documents([undated], date_text="2024")
    with pytest.raises(InputError, match="does not parse"):
        load_user_documents([undated], country="US", date_text="17/10/2023")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_text_file(empty)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError, match="binary"):
        read_text_file(binary)
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    with pytest.raises(InputError, match="PDF"):
        read_text_file(pdf)


def test_html_to_text():
    assert html_to_text("<div>a<script>b</script>&amp;c</div>") == "a&c"


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_roundtrip(day):
    point, low, high, precision = parse_date(day.isoformat())
    assert point == low == high == day and precision == "day"
    p, lo, hi, prec = parse_date(day.strftime("%Y-%m"))
    assert lo <= day <= hi and prec == "month" and lo.day == 1
    p, lo, hi, prec = parse_date(str(day.year))
    assert lo <= day <= hi and prec == "year"


@given(st.text(max_size=12).filter(lambda s: not s.strip().isdigit()))
def test_parse_date_rejects_garbage(text):
    try:
        parse_date(text)
    except InputError as exc:
        assert "does not parse" in str(exc)
