"""Results tables: the teams named in rows of standings, results and fixtures.

Sports pages print tables the model reads poorly (`Stoke 4 3 1 0 7 4 10`, `Harlequins 75
Gloucester 19`, `BALTIMORE AT SEATTLE`, `Arsenal v Stoke`): it leaves most names untagged,
spans a name with its scores, or takes a town for the place. A row of one of these
shapes names teams, and a text with several such rows is a table; its names are
organisations (a country's name stays the country, as for national teams elsewhere).
"""

from __future__ import annotations

import re

from app.annotate.entities.gazetteer import lookup_place
from app.annotate.entities.labels import _place_label
from app.annotate.entities.mentions import _Mention
from app.annotate.ranges import Ranges

_WORD = r"[A-Z][\w'’.&\-]*"
_NAME = rf"({_WORD}(?: {_WORD}){{0,3}})"
_CELL = r"(?:\d+(?:\.\d+)?|\.\d+|\d+/\d+|-)"
# `Stoke 4 3 1 0 7 4 10`, `BOSTON 69 65 .515 5 1/2`: a name and three figures or more.
STANDING = re.compile(rf"{_NAME}(?: +{_CELL}){{3,}}")
# `Harlequins 75 Gloucester 19`, `Atlanta 6 CHICAGO 5 (2nd game)`.
RESULT = re.compile(rf"{_NAME} +\d+ +{_NAME} +\d+(?: +\([^()]*\))?")
# `Arsenal v Stoke`, `Swindon/Notts Co v Middlesbrough`.
FIXTURE = re.compile(rf"{_NAME}(?:/{_NAME})? +(?:v|vs\.?) +{_NAME}(?:/{_NAME})?\.?")
# `KANSAS CITY AT DETROIT`: the visitors, then where they play (a place, not a team).
AWAY_FIXTURE = re.compile(rf"{_NAME} +AT +{_NAME}")
_SCORE = r"\d+(?:-\d+)?"
_BRACKET = r"(?: \([^()]*\))?"
_INNINGS = rf"{_NAME} {_SCORE}{_BRACKET}(?: and {_SCORE}{_BRACKET})?"
# `At Hove: Sussex 363 (W. Athey 111), Lancashire 218 and 53-0.`, `Israel 2, Bulgaria 0`:
# after the ground, each side and its score; the names in brackets are players.
SCORES = re.compile(rf"(?:(?:At )?[A-Z][\w'’. \-]*{_BRACKET}: )?{_INNINGS}, {_INNINGS}\.?(?: .*)?")
ROWS = (STANDING, RESULT, FIXTURE, AWAY_FIXTURE, SCORES)
# Fewer rows than this are a line that happens to have the shape, not a table.
MIN_ROWS = 3
# The votes a name in a table gives its label: a row is plain evidence, a model label
# in running text a guess.
TABLE_WEIGHT = 3


def _table_names(text: str) -> list[tuple[int, int, bool]]:
    """The (start, end, is_team) of each name in the article's table rows, if it has a
    table: the name of a team, or of the place an away fixture is played at."""
    found: list[tuple[int, int, bool]] = []
    rows = 0
    pos = 0
    for line in text.split("\n"):
        body = line.strip()
        offset = pos + line.index(body) if body else pos
        pos += len(line) + 1
        if not body or not body[0].isupper():
            continue
        for pattern in ROWS:
            match = pattern.fullmatch(body)
            if match is None:
                continue
            rows += 1
            for g in range(1, pattern.groups + 1):
                name = match.group(g)
                if name is None:
                    continue
                start = offset + match.start(g)
                # A full stop ends the row (`Cyprus v Israel.`), unless in initials (`F.P.`).
                if name.endswith(".") and "." not in name.split()[-1][:-1]:
                    name = name[:-1]
                found.append((start, start + len(name), pattern is not AWAY_FIXTURE or g == 1))
            break
    return found if rows >= MIN_ROWS else []


def _table_mentions(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """The teams of the article's results tables as mentions of organisations, in place
    of the model's mentions that overlap them (`Bristol City 4`, `Haitai 2 Samsung 0`),
    which are removed from `mentions`."""
    names = _table_names(text)
    if not names:
        return []
    # A table whose names the model mostly reads as people's ranks players (a golf
    # leaderboard) or candidates (a poll), not teams.
    model = {(m.start, m.end): m for m in mentions}
    people = sum(
        1
        for start, end, _ in names
        if (m := model.get((start, end))) is not None and m.label == "PERSON"
    )
    if 2 * people > len(names):
        return []
    taken = Ranges((start, end) for start, end, _ in names)
    mentions[:] = [m for m in mentions if not taken.overlaps(m.start, m.end)]
    found = []
    for start, end, is_team in names:
        name = text[start:end]
        place = lookup_place(name)
        if is_team:
            label = "GPE" if place is not None and place.kind == "country" else "ORG"
        elif place is not None:
            label = _place_label(place)
        else:
            continue
        found.append(_Mention(start, end, name, label, TABLE_WEIGHT, from_model=False))
    return found
