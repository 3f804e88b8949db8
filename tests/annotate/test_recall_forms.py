"""The search for other occurrences of the names found finds what the names' pattern finds."""

from __future__ import annotations

import pytest

from app.annotate.entities import recall
from app.annotate.entities.recall import _alternation, _Forms

TEXT = (
    "Smith met Smithson and Smith-Jones. Ann Lee-Ross, Ann Lee and Lee spoke.\n"
    "Al-Aqsa, al-Aqsa and Al met. 'Ndrangheta men met .NET people. X_Y and 9to5.\n"
    "SMITH SAID ANN LEE WAS THERE\n"
    "Smith"
)
FORMS = [
    ["Smith"],
    ["Smith", "Smithson", "Smith-Jones"],
    ["Ann", "Ann Lee", "Ann Lee-Ross", "Lee"],
    ["Al", "Al-Aqsa", "al"],
    ["X_Y", "9to5", "Smith"],
    ["'Ndrangheta", ".NET", "Smith"],  # forms opening with no word character
    ["SMITH", "ANN LEE", "ANN"],
]


@pytest.mark.parametrize("forms", FORMS)
@pytest.mark.parametrize("many", [False, True], ids=["each-word-searched", "words-looked-up"])
def test_forms_find_what_the_pattern_finds(forms, many, monkeypatch) -> None:
    if many:
        monkeypatch.setattr(recall, "_MAX_WORDS_SEARCHED", 0)
    pattern = _alternation(forms)
    upper = TEXT.index("SMITH SAID")
    assert list(pattern.finditer(TEXT))  # every case has something to find
    for bounds in [(), (upper, upper + len("SMITH SAID ANN LEE")), (5, len(TEXT) - 3)]:
        expected = [m.span() for m in pattern.finditer(TEXT, *bounds)]
        assert list(_Forms(forms).spans(TEXT, *bounds)) == expected
