"""Quotes: direct, partial and indirect, attributed to resolved speakers.

The method, in one pass over the article:
1. quotation marks are paired paragraph by paragraph (`quote_marks`), outside
   READ MORE titles and the Source line;
2. each quotation gets a cue verb from the words around it ("..., X said",
   "X said: ...", "X said officials are '...'"), the speaker being the cue's
   subject; a quotation without a cue continues the previous one of its
   paragraph, or, standing alone at the head of a paragraph, the previous
   paragraph's speaker; a short quotation without a cue is a scare quote and
   left out;
3. reported speech is a reporting verb with a clausal complement ("X said
   the deal ...", "..., X said", "according to X, ...");
4. speakers are resolved to entities, pronouns to the nearest fitting person
   named as a subject before them.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.annotate.quote_marks import MarkedQuote, pair_marks, split_paragraphs
from app.annotate.quote_speakers import (
    PERSONAL_PRONOUNS,
    REPORTING_VERBS,
    SPEECH_VERBS,
    EntityIndex,
    is_cue,
    mention_bounds,
    subject_of,
)
from app.annotate.types import Cue, Entity, Quote, QuoteKind, Span, Structure

log = logging.getLogger(__name__)

SENTENCE_END = frozenset({".", "!", "?"})
CLAUSE_OPENERS = frozenset(":,;—–-(")
CLAUSE_TRAILERS = frozenset(" :,;—–-\n\"“”'")
DASHES = frozenset({"―", "—", "–", "-", "--"})
# A quotation this short (in words) with no cue is a quoted term, not a quote.
SCARE_QUOTE_MAX_WORDS = 4
MAX_PARAGRAPHS_BACK = 3
REQUEST_VERBS = frozenset(
    {"call", "urge", "ask", "press", "demand", "implore", "beg", "encourage", "invite", "warn"}
)
GENDERED_PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}


@dataclass
class _Found:
    kind: QuoteKind
    start: int
    end: int
    paragraph: int
    cue: tuple[int, int] | None = None  # token range
    cue_lemma: str = ""
    speaker: tuple[int, int] | None = None  # token range
    follows: _Found | None = None  # takes the speaker of this earlier quote
    floating: bool = False  # takes the speaker of the previous paragraph
    key: str | None = None


class _Article:
    """Token and paragraph lookups over one parsed article."""

    def __init__(self, doc: Doc, structure: Structure):
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        self.paragraphs = split_paragraphs(self.text)
        self.excluded = [(s.start, s.end) for s in structure.read_more]
        if structure.source is not None:
            self.excluded.append((structure.source.start, structure.source.end))
        self.paragraph_starts = [p[0] for p in self.paragraphs]
        self.quote_of = [-1] * len(doc)

    def token_at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def paragraph_at(self, offset: int) -> int:
        return max(0, bisect_right(self.paragraph_starts, offset) - 1)

    def paragraph_tokens(self, p: int) -> tuple[int, int]:
        start, end = self.paragraphs[p]
        return self.token_at(start), self.token_at(end - 1) + 1

    def is_excluded(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.excluded)


def extract_quotes(doc: Doc, structure: Structure, entities: list[Entity]) -> list[Quote]:
    """The quotes of the article parsed as `doc`, speakers resolved to `entities`."""
    if len(doc) == 0:
        return []
    art = _Article(doc, structure)
    marked = _merge_continued(
        [q for q in pair_marks(art.text, art.paragraphs) if not art.is_excluded(q.open_at)]
    )
    spans = []
    for n, q in enumerate(marked):
        first = art.token_at(q.open_at)
        last = art.token_at(q.close_at if q.close_at is not None else q.end - 1)
        for i in range(first, last + 1):
            art.quote_of[i] = n
        spans.append((first, last))
    found: list[_Found] = []
    for n, q in enumerate(marked):
        try:
            item = _attribute_marked(art, q, spans[n], found)
        except Exception:  # one odd parse costs that quote, never the article
            log.warning("quote at %d left out", q.start, exc_info=True)
            continue
        if item is not None:
            found.append(item)
    found.extend(_indirect(art, found))
    found.sort(key=lambda f: f.start)
    index = EntityIndex.build(art.text, entities)
    _infer_genders(art, index)
    _resolve(art, found, index)
    return [_to_quote(art, f) for f in found]


def _merge_continued(marked: list[MarkedQuote]) -> list[MarkedQuote]:
    """Join the paragraphs of a multi-paragraph quotation into one quotation."""
    out: list[MarkedQuote] = []
    for q in marked:
        prev = out[-1] if out else None
        if prev is not None and prev.continues and q.paragraph == prev.paragraph + 1:
            out[-1] = MarkedQuote(
                prev.open_at, q.close_at, prev.start, q.end, prev.paragraph, q.continues
            )
        else:
            out.append(q)
    return out


def _attribute_marked(
    art: _Article, q: MarkedQuote, span: tuple[int, int], found: list[_Found]
) -> _Found | None:
    doc, text = art.doc, art.text
    first, last = span
    p_last = art.paragraph_at(q.end - 1)
    para_start, _ = art.paragraph_tokens(q.paragraph)
    _, para_end = art.paragraph_tokens(p_last)
    before = _context_before(art, first, para_start)
    after = _context_after(art, last, para_end)
    n_words = sum(1 for t in doc[first : last + 1] if not t.is_punct)

    lead = text[art.paragraphs[q.paragraph][0] : q.open_at].rstrip()
    opener = lead[-1] if lead else ""
    content = text[q.start : q.end]
    sentence_like = content[:1].isupper() or content[:1].isdigit() or not content[:1].isalpha()
    after_cue_verb = bool(before) and is_cue(doc[before[-1]])
    starts_clause = (
        not opener
        or opener in CLAUSE_OPENERS
        or opener in SENTENCE_END
        or opener in "”\"'’"
        or after_cue_verb
    )
    kind = QuoteKind.direct if starts_clause and sentence_like else QuoteKind.partial
    item = _Found(kind, q.start, q.end, q.paragraph)

    cue = None
    if kind is QuoteKind.partial and _is_title(doc, first, last):
        return None
    if kind is QuoteKind.partial:
        cue = _governing_cue(art, first, last)
    if cue is None:
        cue = _context_cue(art, q, before, after, kind)
    if cue is not None:
        item.cue, item.cue_lemma, item.speaker = cue
        return item
    # No speech verb: the colon of `Sanders delivered a retort: "..."`, or `Name: "..."`.
    if kind is QuoteKind.direct and opener == ":" and before:
        verbs = [i for i in before if doc[i].pos_ == "VERB"]
        if verbs:
            cue = _cue_and_speaker(art, doc[verbs[-1]])
            if cue is not None:
                item.cue, item.cue_lemma, item.speaker = cue
                return item
        head = _noun_before(doc, before)
        if head is not None:
            item.speaker = mention_bounds(head)
            return item
    if kind is QuoteKind.direct and after and doc[after[0]].text in DASHES:
        # "..." ― Name: the signature of a letter or a social media post.
        head = _noun_near(art, after[1:4], after[0])
        if head is not None and head.pos_ == "PROPN":
            item.speaker = mention_bounds(head)
            return item
    # A quotation continuing the previous one of its paragraph ("...," he said. "...").
    for prev in reversed(found):
        if prev.paragraph == q.paragraph and prev.end <= q.start:
            item.follows = prev
            return item
        if prev.paragraph < q.paragraph:
            break
    if kind is QuoteKind.partial:
        return None if n_words <= SCARE_QUOTE_MAX_WORDS else item
    signature = _signature_below(art, q)
    if signature is not None:
        item.speaker = signature
        return item
    if opener in SENTENCE_END:
        # "Clinton touted her record. 'We need ...'": the subject of the sentence before.
        subject = _previous_subject(art, first)
        if subject is not None:
            item.speaker = mention_bounds(subject)
            return item
    if not opener:
        introduced = _introducing_cue(art, q.paragraph)
        if introduced is not None:
            item.cue, item.cue_lemma, item.speaker = introduced
        else:
            item.floating = True
    return item


def _is_title(doc: Doc, first: int, last: int) -> bool:
    """A quoted name of a work or a show ("Morning Joe", "The Apprentice"), not words said."""
    words = [t for t in doc[first + 1 : last] if t.is_alpha]
    if not words or len(words) > 6:
        return False
    if all(t.ent_type_ == "WORK_OF_ART" for t in words):
        return True
    small = {"of", "the", "and", "a", "an", "in", "on", "for", "to", "at", "with"}
    return words[0].is_title and all(t.is_title or t.lower_ in small for t in words)


def _signature_below(art: _Article, q: MarkedQuote) -> tuple[int, int] | None:
    """The name signing a quotation on the line below it ("- Bernie Sanders")."""
    p = art.paragraph_at(q.end - 1) + 1
    if p >= len(art.paragraphs) or art.text[art.paragraphs[p - 1][1] - 1] not in "\"”'.!?":
        return None
    start, end = art.paragraphs[p]
    if art.text[start] not in "-—–―":
        return None
    tokens = [i for i in range(art.token_at(start), art.token_at(end - 1) + 1)][:6]
    head = _noun_near(art, tokens, tokens[0])
    if head is None or head.pos_ != "PROPN":
        return None
    return mention_bounds(head)


def _previous_subject(art: _Article, first: int) -> Token | None:
    """The named subject of the sentence just before token `first`, when it names someone."""
    if first == 0:
        return None
    sent = art.doc[first - 1].sent
    subject = subject_of(sent.root) if sent.root.pos_ in ("VERB", "AUX") else None
    if subject is None or art.quote_of[subject.i] != -1:
        return None
    if subject.ent_type_ in ("PERSON", "ORG") or subject.lower_ in PERSONAL_PRONOUNS:
        return subject
    return None


def _introducing_cue(art: _Article, paragraph: int) -> tuple | None:
    """The cue of a paragraph ending in a colon ("Smith responded:") that introduces the next."""
    if paragraph == 0:
        return None
    start, end = art.paragraphs[paragraph - 1]
    if art.text[end - 1] != ":":
        return None
    colon = art.doc[art.token_at(end - 1)]
    root = colon.sent.root if colon.sent.start <= colon.i else colon.head
    if art.quote_of[root.i] != -1 or root.pos_ not in ("VERB", "AUX"):
        return None
    return _cue_and_speaker(art, root)


def _context_before(art: _Article, first: int, para_start: int) -> list[int]:
    """Tokens of the sentence before a quotation, back to a sentence end or another quotation."""
    out = []
    i = first - 1
    while i >= para_start and art.quote_of[i] == -1 and art.doc[i].text not in SENTENCE_END:
        out.append(i)
        i -= 1
    out.reverse()
    return out


def _context_after(art: _Article, last: int, para_end: int) -> list[int]:
    """Tokens of the same sentence after a quotation, up to a sentence end or another quotation."""
    out = []
    i = last + 1
    while i < para_end and art.quote_of[i] == -1 and art.doc[i].text not in SENTENCE_END:
        out.append(i)
        i += 1
    return out


def _governing_cue(art: _Article, first: int, last: int) -> tuple | None:
    """The speech verb a quoted fragment depends on ("declared X 'a red line'")."""
    doc = art.doc
    for i in range(first, last + 1):
        head = doc[i].head
        if first <= head.i <= last:
            continue
        steps = 0
        while steps < 8:
            if art.quote_of[head.i] == -1 and is_cue(head):
                cue = _cue_and_speaker(art, head)
                if cue is not None:
                    return cue
            if head.head is head:
                break
            head = head.head
            steps += 1
    return None


def _context_cue(
    art: _Article, q: MarkedQuote, before: list[int], after: list[int], kind: QuoteKind
) -> tuple | None:
    doc = art.doc
    after_cues = [i for i in after if is_cue(doc[i])]
    before_cues = [i for i in before if is_cue(doc[i])]
    ends_open = art.text[q.end - 1 : q.end] in (",", "?", "!", "—", "-", "…")
    colon_before = bool(before) and doc[before[-1]].text == ":"
    order: list[int] = []
    if art.text[q.end - 1 : q.end] == "." and after and doc[after[0]].is_title:
        # A full stop ends the quotation's sentence: what follows is another sentence,
        # unless it is a bare `Smith said.` with nothing else to report.
        after_cues = [i for i in after_cues if _reported_clause(doc[i]) is None]
    if colon_before:
        order = before_cues[::-1] + after_cues
    elif ends_open or not before_cues:
        order = after_cues + before_cues[::-1]
    else:
        order = before_cues[::-1] + after_cues
    for i in order:
        around = after if after and i >= after[0] else before
        cue = _cue_and_speaker(art, doc[i], around if kind is QuoteKind.direct else None)
        if cue is not None:
            return cue
    for tokens in (after, before):
        according = _according_to(doc, tokens)
        if according is not None:
            return according
    if kind is QuoteKind.direct and ends_open and after:
        # "...," the document states: a speech verb the tagger took for a plural noun.
        for n, i in enumerate(after[1:10], start=1):
            token = doc[i]
            lemma = token.lower_[:-1]
            if token.tag_ == "NNS" and token.lower_.endswith("s") and lemma in SPEECH_VERBS:
                following = doc[i + 1] if i + 1 < len(doc) else None
                if following is None or following.is_punct:
                    subject = _noun_near(art, after[:n], i)
                    if subject is not None:
                        return (i, i + 1), lemma, mention_bounds(subject)
        # "...," he laughed: any verb with its subject right after the quotation.
        for i in after[:4]:
            token = doc[i]
            if token.pos_ == "VERB":
                cue = _cue_and_speaker(art, token, after)
                if cue is not None:
                    return cue
    return None


def _cue_and_speaker(art: _Article, verb: Token, around: list[int] | None = None) -> tuple | None:
    """The cue `verb` with its speaker: its subject, else a name in the words `around` it."""
    subject = subject_of(verb)
    if subject is not None and subject.pos_ not in ("NOUN", "PROPN", "PRON", "NUM", "DET"):
        subject = None  # a misparse ("Of Carson, Levine said")
    if subject is None or art.quote_of[subject.i] != -1:
        # A parse running the quotation into the sentence, or missing the subject of an
        # inverted "..., added a Democrat": the nearest noun next to the cue speaks.
        near = [i for i in around or [] if abs(i - verb.i) <= 5]
        subject = _noun_near(art, near, verb.i)
    if subject is None or subject.dep_ == "expl":
        return None
    return (verb.i, verb.i + 1), verb.lemma_.lower(), mention_bounds(subject)


def _noun_near(art: _Article, tokens: list[int], verb: int) -> Token | None:
    """The nearest name, noun or pronoun to `verb` among `tokens`, compounds climbed."""
    doc = art.doc
    # The subject side first: "...," Ramos, 58, told AFP.
    for i in sorted(tokens, key=lambda i: (i > verb, abs(i - verb))):
        token = doc[i]
        if token.pos_ in ("PROPN", "NOUN", "PRON") and art.quote_of[i] == -1:
            steps = 0
            while token.dep_ in ("compound", "flat") and token.head.i in tokens and steps < 5:
                token = token.head
                steps += 1
            return token
    return None


def _according_to(doc: Doc, tokens: list[int]) -> tuple | None:
    for i in tokens:
        if doc[i].lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to":
            source = _source_of(doc[i + 1])
            if source is not None:
                return (i, i + 2), "according to", mention_bounds(source)
    return None


def _source_of(to: Token) -> Token | None:
    """Who "according to" cites: a name in its phrase first, else its object."""
    words = [t for t in to.subtree if t is not to and t.pos_ in ("PROPN", "NOUN", "PRON")]
    for token in words:
        if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") and token.dep_ != "compound":
            return token
    objects = [t for t in words if t.head is to]
    return objects[0] if objects else (words[0] if words else None)


def _noun_before(doc: Doc, tokens: list[int]) -> Token | None:
    for i in reversed(tokens[:-1]):
        token = doc[i]
        if token.pos_ in ("PROPN", "NOUN", "PRON"):
            while token.dep_ in ("compound", "flat") and token.head.i in tokens:
                token = token.head
            return token
        if not token.is_punct:
            return None
    return None


def _indirect(art: _Article, found: list[_Found]) -> list[_Found]:
    """Reported speech: a reporting verb and the clause it reports."""
    doc = art.doc
    direct = [(f.start, f.end) for f in found if f.kind is QuoteKind.direct]
    fragments = {f.cue[0]: f for f in found if f.kind is QuoteKind.partial and f.cue is not None}
    out = []
    for token in doc:
        if art.quote_of[token.i] != -1 or not (
            token.lower_ == "according" or is_cue(token, REPORTING_VERBS)
        ):
            continue
        try:
            item = _reported_at(art, token, direct, fragments)
        except Exception:  # one odd parse costs that quote, never the article
            log.warning("reported speech at %d left out", token.idx, exc_info=True)
            continue
        if item is not None:
            out.append(item)
    return out


def _reported_at(
    art: _Article, token: Token, direct: list[tuple[int, int]], fragments: dict[int, _Found]
) -> _Found | None:
    """The reported speech whose cue is `token`, if any."""
    doc = art.doc
    if art.is_excluded(token.idx):
        return None
    if token.lower_ == "according":
        clause = _according_clause(token)
        to = next((t for t in token.children if t.lower_ == "to"), None)
        source = _source_of(to) if to is not None else None
        if source is None or clause is None:
            return None
        cue_range, lemma, speaker = (token.i, token.i + 2), "according to", mention_bounds(source)
    else:
        if _infinitive_evidence(token):
            return None
        clause = _reported_clause(token) or _reported_request(token)
        if clause is None and token.i in fragments:
            # "X called the plan 'a disaster'": what X said of what, around the fragment.
            clause = _verb_complement(token, fragments[token.i])
        cue = _cue_and_speaker(art, token) if clause is not None else None
        if clause is None or cue is None:
            return None
        cue_range, lemma, speaker = cue
    start, end = _trim(doc, *clause)
    if end - start < 2:
        return None
    c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    if token.i in fragments and c_start <= fragments[token.i].start < c_end:
        c_end = max(c_end, fragments[token.i].end)
    inside = sum(max(0, min(c_end, e) - max(c_start, s)) for s, e in direct)
    if inside > 0.5 * (c_end - c_start):
        return None
    if inside:
        # The clause runs on into a quotation of its own ("... lesson: '...'"): stop there.
        c_end = min([s for s, _ in direct if c_start < s < c_end] + [c_end])
        while c_end > c_start and art.text[c_end - 1] in CLAUSE_TRAILERS:
            c_end -= 1
        if c_end - c_start < 10:
            return None
    item = _Found(QuoteKind.indirect, c_start, c_end, art.paragraph_at(c_start))
    item.cue, item.cue_lemma, item.speaker = cue_range, lemma, speaker
    return item


def _reported_request(verb: Token) -> tuple[int, int] | None:
    """What a request reports: "urged X to ...", "called for ...", "called on X to ..."."""
    lemma = verb.lemma_.lower()
    if lemma not in REQUEST_VERBS:
        return None
    rights = [c for c in verb.rights if c.dep_ in ("dobj", "dative", "prep", "xcomp", "ccomp")]
    if lemma == "call":
        anchor = [c for c in rights if c.dep_ == "prep" and c.lower_ in ("for", "on")]
    else:
        anchor = [c for c in rights if c.dep_ in ("xcomp", "ccomp")]
    if not anchor:
        return None
    start = rights[0].left_edge.i
    if rights[0] is anchor[0] and rights[0].dep_ == "prep" and rights[0].i + 1 < len(verb.doc):
        start = rights[0].i + 1  # "called for eliminating ...": what is called for
    end = max([anchor[-1].right_edge.i] + [c.right_edge.i for c in rights if c.dep_ == "xcomp"])
    return start, end + 1


def _infinitive_evidence(verb: Token) -> bool:
    """ "numbers to show how ...": a verb of evidence in the infinitive reports nothing."""
    return verb.lemma_.lower() not in SPEECH_VERBS and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children
    )


def _verb_complement(verb: Token, fragment: _Found) -> tuple[int, int] | None:
    """The words after `verb` that it governs, when they hold the quoted `fragment`."""
    kept = [
        child
        for child in verb.rights
        if child.dep_ not in ("punct", "cc", "conj", "advcl", "parataxis", "mark")
    ]
    if not kept:
        return None
    start, end = kept[0].left_edge.i, kept[-1].right_edge.i + 1
    doc = verb.doc
    if not (
        doc[start].idx <= fragment.start
        and fragment.end <= doc[end - 1].idx + len(doc[end - 1]) + 1
    ):
        return None
    return start, end


def _reported_clause(verb: Token) -> tuple[int, int] | None:
    """The clause `verb` reports: its clausal complement, or the clause it is inserted in."""
    if any(c.lower_ in ("what", "whatever") for c in verb.children):
        return None  # "a return to what he said were the frontlines": a description
    for child in verb.children:
        if child.dep_ == "ccomp" and child.left_edge.i < verb.i < child.i:
            return None  # "what officials said was their plan"
        if child.dep_ == "ccomp" and _is_statement(child):
            end = child.right_edge.i + 1
            # "X said A, and B": a coordinated clause with its own subject, parsed as
            # hanging from the cue, is reported too.
            for other in verb.rights:
                if (
                    other.dep_ == "conj"
                    and other.i > child.i
                    and not is_cue(other, REPORTING_VERBS)
                    and _own_subject(other, verb)
                ):
                    end = other.right_edge.i + 1
            return child.left_edge.i, end
    head = verb.head
    after_comma = verb.left_edge.i > 0 and verb.doc[verb.left_edge.i - 1].text in (",", "—", "–")
    if verb.dep_ == "parataxis" or (
        verb.dep_ == "ccomp"
        and head.i < verb.i
        and after_comma
        and not is_cue(head, REPORTING_VERBS)
    ):
        if not _is_statement(head):
            return None
        # "The talks failed, he said." or "Mrs. Smith, officials said, would ...":
        # the clause the cue interrupts or follows, without the cue's own words.
        left = (head.left_edge.i, verb.left_edge.i)
        right = (verb.right_edge.i + 1, head.right_edge.i + 1)
        if left[1] - left[0] > 1 and right[1] - right[0] > 1 and verb.dep_ == "parataxis":
            return left[0], right[1]
        return max(left, right, key=lambda r: r[1] - r[0])
    return None


def _own_subject(clause: Token, verb: Token) -> bool:
    """`clause` has a subject, other than the speaker of `verb` ("... and then he left")."""
    speaker = subject_of(verb)
    return any(
        c.dep_ in ("nsubj", "nsubjpass", "expl") and (speaker is None or c.lower_ != speaker.lower_)
        for c in clause.children
    )


def _is_statement(root: Token) -> bool:
    """A clause with a subject of its own that is not itself a bare "X said"."""
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children)
    if not has_subject and root.right_edge.i - root.left_edge.i < 5:
        return False
    if is_cue(root) and not any(c.dep_ in ("ccomp", "dobj") for c in root.children):
        return root.right_edge.i - root.left_edge.i > 6
    return True


def _according_clause(according: Token) -> tuple[int, int] | None:
    head = according.head
    if head is according:
        return None
    left = (head.left_edge.i, according.left_edge.i)
    right = (according.right_edge.i + 1, head.right_edge.i + 1)
    best = max(left, right, key=lambda r: r[1] - r[0])
    return best if best[1] > best[0] else None


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    def loose(t: Token) -> bool:
        return t.is_punct and not t.is_quote or t.is_space

    while start < end and loose(doc[start]):
        start += 1
    while end > start and loose(doc[end - 1]):
        end -= 1
    return start, end


def _resolve(art: _Article, found: list[_Found], index: EntityIndex) -> None:
    """Give each quote its speaker entity: names looked up, pronouns and followers resolved."""
    doc = art.doc
    for item in found:
        if item.follows is not None:
            item.speaker, item.key = item.follows.speaker, item.follows.key
            continue
        if item.floating:
            item.speaker, item.key = _previous_paragraph_speaker(art, found, item, index)
            continue
        if item.speaker is None:
            continue
        start, end = item.speaker
        head = doc[start:end].root
        gender = PERSONAL_PRONOUNS.get(head.lower_) if end - start == 1 else None
        if gender is not None:
            item.key = _antecedent(art, index, head.idx, item.paragraph, gender)
        else:
            c_start, c_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
            item.key = index.at(c_start, c_end, prefer=head.idx)
            if item.key is None and head.pos_ == "PROPN":
                # A name the entity layer missed here ("Mr Iwata"), known elsewhere.
                item.key = index.named(head.text)


def _antecedent(art: _Article, index: EntityIndex, offset: int, paragraph: int, gender: str):
    """The person a he/she refers to, among people of a fitting gender named before it.

    The nearest one named as the subject of a main clause (or who spoke) wins;
    else the nearest subject; else the nearest named at all.
    """
    floor = art.paragraphs[max(0, paragraph - MAX_PARAGRAPHS_BACK)][0]
    candidates = [
        m
        for m in index.before(offset, floor)
        if index.types.get(m[2]) == "PERSON"
        and index.gender.get(m[2], gender) == gender
        and art.quote_of[art.token_at(m[0])] == -1
    ]
    near = art.paragraphs[max(0, paragraph - 1)][0]
    roles = []
    for m_start, m_end, _ in candidates:
        span = art.doc.char_span(m_start, m_end, alignment_mode="expand")
        root = span.root if span is not None else None
        if root is not None and root.dep_ == "appos":
            root = root.head  # "His mother Katherine Jackson told ..."
        if root is None or root.dep_ not in ("nsubj", "nsubjpass"):
            roles.append(2)
        elif (root.head.dep_ == "ROOT" or is_cue(root.head)) and m_start >= near:
            roles.append(0)
        else:
            roles.append(1)
    chosen = None
    for wanted in (0, 1, 2):
        chosen = next((m[2] for m, r in zip(candidates, roles, strict=True) if r <= wanted), None)
        if chosen is not None:
            break
    if chosen is not None:
        index.gender.setdefault(chosen, gender)
    return chosen


def _infer_genders(art: _Article, index: EntityIndex) -> None:
    """What the article tells of people's gender: the pronouns of sentences naming one person."""
    doc = art.doc
    votes: dict[str, list[int]] = {}
    for sent in doc.sents:
        mentions = [
            m
            for m in index.before(sent.end_char, sent.start_char)
            if index.types.get(m[2]) == "PERSON" and art.quote_of[art.token_at(m[0])] == -1
        ]
        if len({m[2] for m in mentions}) != 1:
            continue
        # Only a person the sentence is about: its subject ("Michael Jackson's mother ...
        # she" tells nothing of Michael Jackson).
        span = doc.char_span(mentions[0][0], mentions[0][1], alignment_mode="expand")
        if span is None or span.root.dep_ not in ("nsubj", "nsubjpass", "appos"):
            continue
        tally = votes.setdefault(mentions[0][2], [0, 0])
        for token in sent:
            gender = GENDERED_PRONOUNS.get(token.lower_)
            if gender is not None and art.quote_of[token.i] == -1:
                tally[gender == "f"] += 1
    for key, (male, female) in votes.items():
        if male != female and key not in index.gender:
            index.gender[key] = "m" if male > female else "f"


def _previous_paragraph_speaker(art: _Article, found: list[_Found], item: _Found, index):
    p = item.paragraph - 1
    if p < 0:
        return None, None
    for prev in reversed(found):
        if prev.paragraph == p and prev.speaker is not None and prev.start < item.start:
            return prev.speaker, prev.key
        if prev.paragraph < p:
            break
    start, end = art.paragraphs[p]
    for m_start, m_end, key in index.before(end, start):
        if index.types.get(key) != "PERSON":
            continue
        span = art.doc.char_span(m_start, m_end, alignment_mode="expand")
        if span is not None and span.root.dep_ in ("nsubj", "nsubjpass"):
            return (span.start, span.end), key
    return None, None


def _to_quote(art: _Article, f: _Found) -> Quote:
    doc, text = art.doc, art.text
    speaker = None
    if f.speaker is not None:
        s, e = f.speaker
        c_start, c_end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
        speaker = Span(start=c_start, end=c_end, text=text[c_start:c_end])
    cue = None
    if f.cue is not None:
        s, e = f.cue
        c_start, c_end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
        cue = Cue(start=c_start, end=c_end, text=text[c_start:c_end], lemma=f.cue_lemma)
    return Quote(
        kind=f.kind,
        start=f.start,
        end=f.end,
        text=text[f.start : f.end],
        speaker_mention=speaker,
        speaker_key=f.key,
        cue=cue,
    )
