"""Quotes: direct, partial and indirect, attributed to resolved speakers.

The method, in one pass over the article:
1. quotation marks are paired line by line (`marks`), outside READ MORE
   titles and the Source line; a line left open and re-opened on the next
   line makes one multi-paragraph quotation, unless a cue of its own follows
   the re-opened one;
2. each quotation gets a cue verb from the words around it ("..., X said",
   "X said: ...", "X said officials are '...'", "X called it '...'"), the
   speaker being the cue's subject (`speakers`). Without a cue, a
   quotation continues the previous one of its line, or takes the name
   signing it ("― Name"), the subject of the sentence before it, or, standing
   alone at the head of a line, the previous line's speaker. A short quoted
   fragment without a cue (scare quotes) or a quoted title is left out;
3. reported speech (`reported`) is a reporting verb with the clause it
   reports ("X said the deal ...", "..., X said", "according to X, ...",
   "X urged Y to ..."); a quoted fragment outside any such clause brings the
   phrase of the verb it hangs from ("referred to migrants as 'criminals'"), and
   quoted words inside one, however few, are its speaker's (`terms`);
4. speakers are resolved to the given entities; he/she to the nearest person
   of a fitting gender named as a subject before them. A pronoun reporting
   inside a clause of the same one ("Cruz railed against what he calls
   '...'", "the council pledged ... what it called '...'") is served as that
   clause's subject;
5. quotes are grouped into attributions (`grouping`): every segment of one
   statement carries the same `attribution_id`.
"""

from __future__ import annotations

import logging

from spacy.tokens import Doc

from app.annotate.quotes.attribution import (
    _attribute_marked,
    _merge_continued,
    _name_colon_lines,
)
from app.annotate.quotes.context import Attribution, QuoteContext
from app.annotate.quotes.grouping import assign_attributions
from app.annotate.quotes.marks import pair_marks
from app.annotate.quotes.reported import fragment_clauses, reported_speech
from app.annotate.quotes.resolution import _infer_genders, _resolve, _to_quote
from app.annotate.quotes.speakers import EntityIndex
from app.annotate.quotes.terms import quoted_terms
from app.annotate.types import Entity, Quote, Structure

log = logging.getLogger(__name__)


def extract_quotes(
    doc: Doc, structure: Structure, entities: list[Entity], *, text: str | None = None
) -> list[Quote]:
    """The quotes of the article parsed as `doc`, speakers resolved to `entities`; `text` is
    `doc.text` when the caller has it (spaCy joins every token anew to read it)."""
    if len(doc) == 0:
        return []
    art = QuoteContext(doc, structure, text=text)
    marked = _merge_continued(
        art, [q for q in pair_marks(art.text, art.paragraphs) if not art.is_excluded(q.open_at)]
    )
    spans = []
    for n, q in enumerate(marked):
        first = art.token_at(q.open_at)
        last = art.token_at(q.close_at if q.close_at is not None else q.end - 1)
        if q.close_at is not None and last > first and art.glued_after(q.close_at):
            # 'paranoia,”Clinton said': the tokenizer kept the next word with the closing
            # mark; that token is left outside the quotation, so it can name the speaker.
            last -= 1
        for i in range(first, last + 1):
            art.quote_of[i] = n
        spans.append((first, last))
    found: list[Attribution] = []
    left_out = []
    for n, q in enumerate(marked):
        try:
            item = _attribute_marked(art, q, spans[n], found)
        except Exception:  # one odd parse costs that quote, never the article
            log.warning("quote at %d left out", q.start, exc_info=True)
            continue
        if item is not None:
            found.append(item)
        else:
            left_out.append((q, spans[n]))
    found.extend(reported_speech(art, found))
    found.extend(quoted_terms(art, left_out, found))
    found.extend(fragment_clauses(art, found))
    index = EntityIndex.build(art.text, entities)
    found.extend(_name_colon_lines(art, found, index))
    found.sort(key=lambda f: f.start)
    _infer_genders(art, index)
    _resolve(art, found, index)
    return assign_attributions(art.text, [_to_quote(art, f) for f in found])
