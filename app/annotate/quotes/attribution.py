"""Quotations between marks attributed to a cue and a speaker, from the words around them."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.annotate.lexicon import (
    DASHES,
    NAMING_WORDS,
    PERSONAL_PRONOUNS,
    SENTENCE_END,
    SPEECH_VERBS,
    SUBJECT_DEPS,
    VERBAL_POS,
)
from app.annotate.quotes.context import (
    Attribution,
    QuoteContext,
    after_dash,
    can_voice,
    cue_and_speaker,
    names_a_thing,
    noun_before,
    noun_near,
    source_of,
    title_cased,
    words_after,
    words_before,
)
from app.annotate.quotes.marks import MarkedQuote
from app.annotate.quotes.reported import reported_clause
from app.annotate.quotes.speakers import (
    EntityIndex,
    is_cue,
    mention_bounds,
    subject_of,
)
from app.annotate.ranges import Ranges
from app.annotate.types import QuoteKind

CLAUSE_OPENERS = frozenset(":,;—–-(")


# A quotation this short (in words) with no cue is a quoted term, not a quote.
SCARE_QUOTE_MAX_WORDS = 4


def _merge_continued(art: QuoteContext, marked: list[MarkedQuote]) -> list[MarkedQuote]:
    """Join the paragraphs of a multi-paragraph quotation into one quotation.

    A paragraph re-opening the quotation with a cue of its own after it ('“...,” Smith
    said.') starts a statement of its own: it stays apart.
    """
    out: list[MarkedQuote] = []
    for q in marked:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.continues
            and q.paragraph == art.paragraph_at(prev.end - 1) + 1  # its last paragraph
            and not _cue_after(art, q)
        ):
            out[-1] = MarkedQuote(
                prev.open_at, q.close_at, prev.start, q.end, prev.paragraph, q.continues
            )
        else:
            out.append(q)
    return out


def _clause_top(art: QuoteContext, before: list[int]) -> Token | None:
    """The verb heading the words `before` a quotation: their root, climbed to from the last."""
    doc = art.doc
    inside = set(before)
    top = doc[before[-1]]
    steps = 0
    while top.head.i in inside and top.head.i != top.i and steps < 30:
        top = top.head
        steps += 1
    return top if top.pos_ in VERBAL_POS else None


def _cue_after(art: QuoteContext, q: MarkedQuote) -> bool:
    """A speech verb follows the closing mark of `q` in its sentence."""
    if q.close_at is None:
        return False
    doc = art.doc
    _, end = art.paragraph_tokens(q.paragraph)
    i = art.token_at(q.close_at) + 1
    while i < end and doc[i].text not in SENTENCE_END and not doc[i].is_quote:
        if is_cue(doc[i]):
            return True
        i += 1
    return False


def _attribute_marked(
    art: QuoteContext, q: MarkedQuote, span: tuple[int, int], found: list[Attribution]
) -> Attribution | None:
    doc, text = art.doc, art.text
    first, last = span
    p_last = art.paragraph_at(q.end - 1)
    para_start, _ = art.paragraph_tokens(q.paragraph)
    _, para_end = art.paragraph_tokens(p_last)
    before = words_before(art, first, para_start)
    after = words_after(art, last, para_end)
    n_words = sum(1 for t in doc[first : last + 1] if not t.is_punct)

    lead = text[art.paragraphs[q.paragraph][0] : q.open_at].rstrip()
    opener = lead[-1] if lead else ""
    if opener == ":":
        before = after_dash(doc, before)
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
    # The second half of a quotation split by its cue: "...," she said, "and ...".
    resumed = (
        opener == ","
        and bool(before)
        and before[0] > 0
        and art.quote_of[before[0] - 1] != -1
        and any(doc[i].pos_ == "VERB" for i in before)
    )
    kind = QuoteKind.direct if (starts_clause and sentence_like) or resumed else QuoteKind.partial
    item = Attribution(kind, q.start, q.end, q.paragraph)

    cue = None
    if kind is QuoteKind.partial and title_cased(doc, first, last):
        return None
    if kind is QuoteKind.direct and _names_a_work(doc, before, first, last):
        return None
    if kind is QuoteKind.direct and after and _titles_something(doc, after, first, last, content):
        return None
    if kind is QuoteKind.partial:
        cue = _governing_cue(art, first, last)
        if cue is None and n_words <= SCARE_QUOTE_MAX_WORDS:
            # A term in quotation marks no speech verb governs is a scare quote ("as
            # 'too loud' or 'too shrill'", "the 'confidential' level, according to ..."),
            # unless a cue stands in its own clause ("the two nations, Xi said, have a
            # 'golden opportunity'").
            cue = _context_cue(art, q, before, after, kind)
            if cue is None or cue[1] == "according to":
                return None
    if cue is None:
        cue = _context_cue(art, q, before, after, kind)
    if cue is not None:
        item.cue, item.cue_lemma, item.speaker = cue
        return item
    # No speech verb: the colon of `Sanders delivered a retort: "..."`, or `Name: "..."`.
    # "Trump issued a statement, '...'", "he wanted to know, '...'": the verb before.
    if kind is QuoteKind.direct and opener in (":", ",") and before:
        verbs = [i for i in before if doc[i].pos_ == "VERB"]
        if verbs and (opener == ":" or art.quote_of[verbs[-1]] == -1 and not after):
            cue = cue_and_speaker(art, doc[verbs[-1]])
            if cue is None and opener == ":":
                # "Trump gestured, then leaned in and boomed: '...'", "she is sure that
                # ... louder: '...'": the subject of the clause the colon ends.
                top = _clause_top(art, before)
                if top is not None and top.i != verbs[-1]:
                    cue = cue_and_speaker(art, top)
            if cue is not None:
                item.cue, item.cue_lemma, item.speaker = cue
                return item
    if kind is QuoteKind.direct and opener == ":" and before:
        head = noun_before(doc, before)
        if head is not None:
            start, end = mention_bounds(head)
            item.speaker = max(start, before[0]), end
            return item
    if kind is QuoteKind.direct and after and doc[after[0]].text in DASHES:
        # "..." ― Name: the signature of a letter or a social media post.
        head = noun_near(art, after[1:4], after[0])
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
    if n_words <= SCARE_QUOTE_MAX_WORDS and not (n_words > 1 and content[-1:] in SENTENCE_END):
        # A few quoted words that are no sentence, and nothing ties them to a speaker: a
        # title or a nickname ("Breaking Bad", "Little Marco"), whatever its capitals.
        return None
    if kind is QuoteKind.partial:
        # "Clinton supports 'appropriate pay raises for all workers'": the one the
        # sentence is about, when it names someone.
        subject = _named_subject(art, art.doc[first].sent.root)
        if subject is not None:
            item.speaker = mention_bounds(subject)
        return item
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


def _name_colon_lines(art: QuoteContext, found: list[Attribution], index: EntityIndex):
    """A line led by a name and a colon ("Sanders: Brexit's message could ...").

    Headlines and transcripts give what someone said this way. The name must be
    a known person or organisation; what follows is reported, unless it is a
    quotation already found.
    """
    doc, text = art.doc, art.text
    taken = Ranges((f.start, f.end) for f in found)
    out = []
    for p, (start, end) in enumerate(art.paragraphs):
        colon = text.find(":", start, min(end, start + 40))
        if colon <= start or art.is_excluded(start):
            continue
        first, last = art.token_at(start), art.token_at(colon - 1)
        words = doc[first : last + 1]
        if not 1 <= len(words) <= 4 or not all(
            (t.is_title or t.is_upper) and t.is_alpha and len(t) > 1 for t in words
        ):
            continue
        # Headlines fool the tagger: a name known from the article is enough.
        key = index.at(start, colon) or index.named(words[-1].text)
        if key is None or index.types.get(key) not in ("PERSON", "ORG"):
            continue
        c_start = colon + 1
        while c_start < end and text[c_start] in " \t\"“‘'":
            c_start += 1
        c_end = end
        while c_end > c_start and text[c_end - 1] in " .;\"”’'":
            c_end -= 1
        if len(text[c_start:c_end].split()) < 3:
            continue
        if taken.overlaps(c_start, c_end):
            continue
        item = Attribution(QuoteKind.indirect, c_start, c_end, p)
        item.speaker, item.key = (first, last + 1), key
        c = art.token_at(colon)
        item.cue, item.cue_lemma = (c, c + 1), ":"
        out.append(item)
    return out


def _names_a_work(doc: Doc, before: list[int], first: int, last: int) -> bool:
    """ "her memoir, 'Tough Choices.'", "a show called 'Brokers'": a title after what it names."""
    if len(before) < 2 or not title_cased(doc, first, last):
        return False
    word, last_word = doc[before[-2]], doc[before[-1]]
    if last_word.lower_ in NAMING_WORDS:
        return True
    return last_word.text == "," and word.pos_ == "NOUN"


def _titles_something(doc: Doc, after: list[int], first: int, last: int, content: str) -> bool:
    """ "'Broad City' star Arturo Castro", "'Pop-up art show opens,' by Eddie Small": a title."""
    word = doc[after[0]]
    if word.lower_ == "by" and content.endswith(","):
        return True  # the byline of a piece: '"Headline," by Name'
    return word.pos_ == "NOUN" and word.is_lower and title_cased(doc, first, last)


def _signature_below(art: QuoteContext, q: MarkedQuote) -> tuple[int, int] | None:
    """The name signing a quotation on the line below it ("- Bernie Sanders")."""
    p = art.paragraph_at(q.end - 1) + 1
    if p >= len(art.paragraphs) or art.text[art.paragraphs[p - 1][1] - 1] not in "\"”'.!?":
        return None
    start, end = art.paragraphs[p]
    if art.text[start] not in "-—–―":
        return None
    tokens = [i for i in range(art.token_at(start), art.token_at(end - 1) + 1)][:6]
    head = noun_near(art, tokens, tokens[0])
    if head is None or head.pos_ != "PROPN":
        return None
    return mention_bounds(head)


def _previous_subject(art: QuoteContext, first: int) -> Token | None:
    """The named subject of the sentence just before token `first`, when it names someone."""
    if first == 0:
        return None
    return _named_subject(art, art.doc[first - 1].sent.root)


def _named_subject(art: QuoteContext, root: Token) -> Token | None:
    """The subject of `root` outside any quotation, when it names someone."""
    subject = subject_of(root) if root.pos_ in VERBAL_POS else None
    if subject is None or art.quote_of[subject.i] != -1:
        return None
    if subject.ent_type_ in ("PERSON", "ORG") or subject.lower_ in PERSONAL_PRONOUNS:
        return subject
    if can_voice(subject):
        return subject
    return None


def _introducing_cue(art: QuoteContext, paragraph: int) -> tuple | None:
    """The cue of a paragraph ending in a colon ("Smith responded:") that introduces the next."""
    if paragraph == 0:
        return None
    start, end = art.paragraphs[paragraph - 1]
    if art.text[end - 1] != ":":
        return None
    colon = art.doc[art.token_at(end - 1)]
    root = colon.sent.root if colon.sent.start <= colon.i else colon.head
    if art.quote_of[root.i] != -1 or root.pos_ not in VERBAL_POS:
        return None
    return cue_and_speaker(art, root)


def _governing_cue(art: QuoteContext, first: int, last: int) -> tuple | None:
    """The speech verb a quoted fragment depends on ("declared X 'a red line'")."""
    doc = art.doc
    for i in range(first, last + 1):
        head = doc[i].head
        if first <= head.i <= last:
            continue
        found = None
        steps = 0
        while steps < 8:
            if art.quote_of[head.i] == -1 and is_cue(head):
                cue = cue_and_speaker(art, head)
                if cue is not None:
                    if not names_a_thing(doc[cue[2][0] : cue[2][1]].root):
                        return cue
                    # "X said the platform should reiterate its 'stalwart allies'": a
                    # thing's speech inside someone's report is theirs to report.
                    found = found or cue
            if head.head.i == head.i:
                break
            head = head.head
            steps += 1
        if found is not None:
            return found
    return None


def _context_cue(
    art: QuoteContext, q: MarkedQuote, before: list[int], after: list[int], kind: QuoteKind
) -> tuple | None:
    doc = art.doc
    after_cues = [i for i in after if is_cue(doc[i])]
    # Not a relative clause on the subject of the quotation's clause ("officers he has
    # spoken with 'understand ...'", "Nothing the president said 'will ...'").
    first = art.token_at(q.start)
    before_cues = [i for i in before if is_cue(doc[i]) and not _closed_relative(doc[i], first)]
    ends_open = art.text[q.end - 1 : q.end] in (",", "?", "!", "—", "-", "…")
    colon_before = bool(before) and doc[before[-1]].text == ":"
    order: list[int] = []
    if art.text[q.end - 1 : q.end] == "." and after and doc[after[0]].is_title:
        # A full stop ends the quotation's sentence: what follows is another sentence,
        # unless it is a bare `Smith said.` with nothing else to report.
        after_cues = [i for i in after_cues if _bare(doc[i])]
    # "...: 'France is no longer France,' he claimed": a cue right after a quotation
    # left open by its comma is its own, even after a colon.
    # Not a participle ("...: '...,' referencing ..."): it tells more of the act before.
    cue_follows = (
        ends_open
        and bool(after_cues)
        and after_cues[0] - after[0] <= 3
        and not _participle(doc[after_cues[0]])
    )
    if before_cues and _introduces_next(art, after):
        # "X responded with, '...?' Y then wrote back, '...'": the words after the
        # quotation run into the next one they introduce.
        after_cues = []
    if colon_before and not cue_follows:
        order = before_cues[::-1] + after_cues
    elif ends_open or not before_cues:
        order = after_cues + before_cues[::-1]
    else:
        order = before_cues[::-1] + after_cues
    for i in order:
        around = after if after and i >= after[0] else before
        cue = cue_and_speaker(art, doc[i], around if kind is QuoteKind.direct else None)
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
                    subject = noun_near(art, after[:n], i)
                    if subject is not None:
                        return (i, i + 1), lemma, mention_bounds(subject)
        # "...," he laughed: any verb with its subject right after the quotation.
        for i in after[:4]:
            token = doc[i]
            if token.pos_ == "VERB":
                cue = cue_and_speaker(art, token, after)
                if cue is not None:
                    return cue
    return None


def _closed_relative(verb: Token, first: int) -> bool:
    """`verb` tells of the subject of the clause holding token `first`, and ends before."""
    noun = verb.head
    if verb.dep_ != "relcl" or noun.dep_ not in SUBJECT_DEPS or verb.right_edge.i >= first:
        return False
    clause = noun.head
    return clause.left_edge.i <= first <= clause.right_edge.i


def _participle(token: Token) -> bool:
    return token.tag_ == "VBG" and not any(c.dep_ in SUBJECT_DEPS for c in token.children)


def _introduces_next(art: QuoteContext, after: list[int]) -> bool:
    """The words `after` a quotation end in a comma or colon right before another one."""
    if not after:
        return False
    last = after[-1]
    nxt = last + 1
    return (
        art.doc[last].text in (",", ":")
        and nxt < len(art.doc)
        and art.quote_of[nxt] != -1
        and art.quote_of[nxt] != art.quote_of[after[0] - 1]
    )


def _bare(verb: Token) -> bool:
    """A cue saying nothing of its own ("Smith said.", "she said on Monday.")."""
    if reported_clause(verb) is not None:
        return False
    return not any(
        c.dep_ in ("dobj", "ccomp", "xcomp", "dative", "attr", "acomp", "oprd") for c in verb.rights
    )


def _according_to(doc: Doc, tokens: list[int]) -> tuple | None:
    for i in tokens:
        if doc[i].lower_ == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to":
            source = source_of(doc[i + 1])
            if source is not None:
                return (i, i + 2), "according to", mention_bounds(source)
    return None
