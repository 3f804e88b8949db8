"""Dates: DATE mentions normalised to ISO 8601.

A value is as precise as the text: `July 22, 2020` → `2020-07-22`, `April 2019` →
`2019-04`, `2015` → `2015`. Dates without a year (`Sept. 11`) and relative ones
(`on Wednesday`, `yesterday`, `last week`) are resolved against the publication date
when it is known, else they get no value. Weeks are ISO weeks (`2020-W30`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from spacy.tokens import Doc

from app.annotate.document import not_article_text
from app.annotate.lexicon import HOLIDAYS, MONTHS, NUMBER_WORDS, WEEKDAYS
from app.annotate.ranges import Ranges
from app.annotate.types import DateMention, Structure


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, the longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


_MONTH = rf"(?P<month>{_alternation(MONTHS)})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b", re.IGNORECASE)
DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}(?![a-z])", re.IGNORECASE)
MONTH_ONLY = re.compile(rf"\b{_MONTH}(?![a-z])", re.IGNORECASE)
YEAR = re.compile(r"(?<![\d,.])(?P<year>1[0-9]{3}|20[0-9]{2})(?!\d|s\b|'s\b|’s\b)")
ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")
WEEKDAY = re.compile(rf"\b(?P<weekday>{_alternation(WEEKDAYS)})\b", re.I)
AGO = re.compile(
    rf"\b(?P<n>\d+|{_alternation(NUMBER_WORDS)})\s+(?P<unit>day|week|month|year)s?\s+ago\b",
    re.IGNORECASE,
)
RELATIVE = re.compile(
    r"\b(?P<which>last|this|next|past|coming)\s+(?P<unit>week|month|year)\b", re.I
)
# Ages and durations the model labels DATE: not a point in time.
NOT_A_DATE = re.compile(
    r"\d+[- ]years?[- ]old|\byear-old\b|\baged?\b|-(?:year|month|week|day)$", re.IGNORECASE
)
# A DATE span the model tagged without any word of time in it (`44`, a surname) is noise.
TIME_WORD = re.compile(
    rf"\d{{4}}|\b(?:{_alternation(m for m in MONTHS if len(m) == 3)})[a-z]*\b|day|night|week|month"
    r"|year|decade|centur|quarter|season|spring|summer|autumn|fall|winter|christmas|easter"
    r"|ramadan|eid|hanukkah|diwali|new year|today|tomorrow|yesterday|tonight|morning"
    r"|afternoon|evening|annual|daily|hourly|now|recent|past|ago|\d+(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
HOLIDAY = re.compile(r"^(?:on |at )?(" + "|".join(HOLIDAYS) + r")(?:,? \d{4})?$", re.IGNORECASE)
RANGE = re.compile(r"\d{4}\s*[-–/]\s*\d{2,4}|\bbetween\b|\bfrom\b.*\bto\b|\d{4} to \d{4}")


def extract_dates(
    doc: Doc, structure: Structure, *, published_at: date | None, text: str | None = None
) -> list[DateMention]:
    """DATE mentions of the article body, with an ISO value where one can be given; `text`
    is `doc.text` when the caller has it (spaCy joins every token anew to read it)."""
    if isinstance(published_at, datetime):
        published_at = published_at.date()
    text = doc.text if text is None else text
    excluded = Ranges(not_article_text(structure))
    found = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        start, end = ent.start_char, ent.end_char
        if excluded.overlaps(start, end):
            continue
        span_text = text[start:end]
        if NOT_A_DATE.search(span_text) or not TIME_WORD.search(span_text):
            continue
        value = normalize_date(span_text, published_at=published_at)
        found.append(DateMention(start=start, end=end, text=span_text, value=value))
    return found


def normalize_date(text: str, *, published_at: date | None = None) -> str | None:
    """The ISO 8601 value of a date expression, or None when it cannot be given."""
    iso = ISO_DATE.search(text)
    if iso:
        return _full_date(int(iso["year"]), int(iso["month"]), int(iso["day"]))
    year_match = YEAR.search(text)
    year = int(year_match["year"]) if year_match else None
    month, day = _month_day(text, year_match)
    if month is None:
        holiday = HOLIDAY.search(text)
        if holiday:
            month, day = HOLIDAYS[holiday.group(1).lower()]
    if month is not None:
        if year is None:
            if published_at is None:
                return None
            year = _nearest_year(month, day, published_at, text.lower())
        if day is not None:
            return _full_date(year, month, day)
        return f"{year:04d}-{month:02d}"
    if year is not None:
        years = sorted({int(m["year"]) for m in YEAR.finditer(text)})
        if len(years) == 2 and RANGE.search(text):
            return f"{years[0]:04d}/{years[1]:04d}"  # an ISO 8601 interval
        return f"{year:04d}"
    if published_at is None:
        return None
    return _relative(text.lower(), published_at)


def _month_day(text: str, year_match: re.Match[str] | None) -> tuple[int | None, int | None]:
    for pattern in (MONTH_DAY, DAY_MONTH):
        for m in pattern.finditer(text):
            if year_match and m.start("day") == year_match.start("year"):
                continue
            # `May 2019` is not the 20th of May: a day is one or two digits only.
            day = int(m["day"])
            if 1 <= day <= 31:
                return MONTHS[m["month"].lower()], day
    single = MONTH_ONLY.search(text)
    if single is None:
        return None, None
    word = single["month"]
    # `may` in lower case is the verb; a month is written with a capital.
    if word.lower() == "may" and not word[0].isupper():
        return None, None
    return MONTHS[word.lower()], None


def _full_date(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None


def _nearest_year(month: int, day: int | None, published_at: date, text: str = "") -> int:
    """The year that puts a month (and day) nearest to the publication date, before it
    after `last`, after it after `next`."""
    best = published_at.year
    best_gap = None
    direction = 0
    if re.search(r"\blast\b", text):
        direction = -1
    elif re.search(r"\b(next|coming)\b", text):
        direction = 1
    for year in (published_at.year - 1, published_at.year, published_at.year + 1):
        try:
            candidate = date(year, month, day or 15)
        except ValueError:
            candidate = date(year, month, 28)
        if (
            direction
            and (candidate.year * 12 + candidate.month) * direction
            <= (published_at.year * 12 + published_at.month) * direction
        ):
            continue
        gap = abs((candidate - published_at).days)
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


def _relative(text: str, published_at: date) -> str | None:
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return published_at.isoformat()
    if re.search(r"\byesterday\b", text):
        return (published_at - timedelta(days=1)).isoformat()
    if re.search(r"\btomorrow\b", text):
        return (published_at + timedelta(days=1)).isoformat()
    weekday = WEEKDAY.search(text)
    if weekday and not re.search(r"\b(before|after|since|until|every|each)\b", text):
        target = WEEKDAYS[weekday["weekday"].lower()]
        if re.search(r"\b(next|coming)\b", text):
            ahead = (target - published_at.weekday()) % 7 or 7
            return (published_at + timedelta(days=ahead)).isoformat()
        back = (published_at.weekday() - target) % 7
        if back == 0 and re.search(r"\blast\b", text):
            back = 7
        return (published_at - timedelta(days=back)).isoformat()
    ago = AGO.search(text)
    if ago:
        n = int(ago["n"]) if ago["n"].isdigit() else NUMBER_WORDS[ago["n"].lower()]
        return _shift(published_at, ago["unit"].lower(), -n)
    rel = RELATIVE.search(text)
    if rel:
        step = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[rel["which"].lower()]
        return _shift(published_at, rel["unit"].lower(), step)
    return None


def _shift(day: date, unit: str, n: int) -> str:
    """`day` moved by n units, at that unit's precision."""
    if unit == "day":
        return (day + timedelta(days=n)).isoformat()
    if unit == "week":
        year, week, _ = (day + timedelta(weeks=n)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "month":
        index = day.year * 12 + day.month - 1 + n
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    return f"{day.year + n:04d}"
