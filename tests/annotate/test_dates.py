"""Tests for app.annotate.dates: DATE mentions normalised to ISO 8601."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.annotate.dates import extract_dates, normalize_date
from app.annotate.document import not_article_text, parse_structure
from tests.annotate.counting import CountingList

# A Thursday.
PUBLISHED = date(2020, 7, 23)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("July 22, 2020", "2020-07-22"),
        ("22 July 2020", "2020-07-22"),
        ("Wednesday, July 22, 2020", "2020-07-22"),
        ("the 22nd of July 2020", "2020-07-22"),
        ("Sept. 11, 2001", "2001-09-11"),
        ("April 2019", "2019-04"),
        ("2015", "2015"),
        ("the end of 2015", "2015"),
        ("mid-2019", "2019"),
        ("1996-08-30", "1996-08-30"),
        ("February 30, 2020", "2020-02"),  # no such day: the month is still right
        ("between 1831 and 1865", "1831/1865"),  # an ISO 8601 interval
        ("2001-2002", "2001/2002"),
        ("Christmas 2004", "2004-12-25"),
    ],
)
def test_absolute_dates(text: str, value: str) -> None:
    assert normalize_date(text, published_at=None) == value
    assert normalize_date(text, published_at=PUBLISHED) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sept. 11", "2020-09-11"),
        ("May 5", "2020-05-05"),
        ("11 September", "2020-09-11"),
        ("Wednesday", "2020-07-22"),  # the most recent Wednesday on or before publication
        ("on Thursday", "2020-07-23"),  # the day of publication itself
        ("last Thursday", "2020-07-16"),
        ("Friday", "2020-07-17"),
        ("next Tuesday", "2020-07-28"),
        ("Monday night", "2020-07-20"),
        ("yesterday", "2020-07-22"),
        ("today", "2020-07-23"),
        ("tomorrow", "2020-07-24"),
        ("last week", "2020-W29"),
        ("this week", "2020-W30"),
        ("last month", "2020-06"),
        ("this year", "2020"),
        ("next year", "2021"),
        ("two years ago", "2018"),
        ("3 days ago", "2020-07-20"),
        ("January", "2021-01"),  # nearer to publication than January 2020
        ("March", "2020-03"),
        ("last September", "2019-09"),
        ("next March", "2021-03"),
        ("last March", "2020-03"),
        ("Christmas", "2020-12-25"),  # nearer than the last one
        ("Christmas Day", "2020-12-25"),
    ],
)
def test_relative_dates_need_the_publication_date(text: str, value: str) -> None:
    assert normalize_date(text, published_at=PUBLISHED) == value
    assert normalize_date(text, published_at=None) is None


@pytest.mark.parametrize(
    "text",
    [
        "the 1990s",
        "recent years",
        "the past few months",
        "decades",
        "the Christmas period",
        "the last Saturday before Christmas",
    ],
)
def test_spans_without_a_point_in_time(text: str) -> None:
    assert normalize_date(text, published_at=PUBLISHED) is None


def test_may_the_verb_is_not_a_month() -> None:
    assert normalize_date("the talks may end", published_at=PUBLISHED) is None


@pytest.mark.nlp
def test_seed_dates(nlp, seed_text: str, gold: dict) -> None:
    structure = parse_structure(seed_text)
    dates = extract_dates(nlp(seed_text), structure, published_at=None)
    found = {(d.text, d.value) for d in dates}
    for expected in gold["dates"]["should"]:
        assert (expected["text"], expected["value"]) in found
    for d in dates:
        assert seed_text[d.start : d.end] == d.text
    # Nothing from READ MORE titles or the Source line.
    for span in [*structure.read_more, structure.source]:
        assert not any(span.start < d.end and d.start < span.end for d in dates)
    # Relative dates have no value without a publication date...
    assert ("Wednesday", None) in found


@pytest.mark.nlp
def test_relative_dates_resolved_against_publication(nlp, seed_text: str) -> None:
    doc = nlp(seed_text)
    structure = parse_structure(seed_text)
    for published in (PUBLISHED, datetime(2020, 7, 23, 9, 30)):
        dates = extract_dates(doc, structure, published_at=published)
        values = {d.text: d.value for d in dates}
        assert values["Wednesday"] == "2020-07-22"
        assert values["Monday"] == "2020-07-20"
        assert values["July 22, 2020"] == "2020-07-22"


@pytest.mark.nlp
def test_ages_and_durations_are_not_dates(nlp) -> None:
    text = (
        "The 62-year-old minister resigned on March 3, 2021, after six years in office. "
        "He had launched a five-year plan in 2016."
    )
    dates = extract_dates(nlp(text), parse_structure(text), published_at=None)
    assert not [d for d in dates if "year-old" in d.text or d.text.endswith("-year")]
    values = [d.value for d in dates]
    assert "2021-03-03" in values and "2016" in values


@pytest.mark.nlp
def test_dates_in_many_read_more_lines_are_left_out_reading_each_line_once(
    nlp, monkeypatch
) -> None:
    import app.annotate.dates as dates_module

    excluded: list[CountingList] = []

    def counted(structure):
        excluded.append(CountingList(not_article_text(structure)))
        return excluded[-1]

    monkeypatch.setattr(dates_module, "not_article_text", counted)
    count = 600
    lines = ["Council news", "The council approved the plan on 3 March 2020."]
    lines += [f"READ MORE: Council met on {k % 28 + 1} May 2019" for k in range(count)]
    text = "\n\n".join(lines)
    found = extract_dates(nlp(text), parse_structure(text), published_at=None)
    assert [(d.text, d.value) for d in found] == [("3 March 2020", "2020-03-03")]
    # Each date was checked against every READ MORE line before it: quadratic.
    [ranges] = excluded
    assert len(ranges) >= count
    assert ranges.reads <= 2 * len(ranges)
