"""The work budget of one document: its tokens, counted before any model runs.

Kept apart from the pipeline so that a process that only checks or forwards documents
(the API with its annotation processes) does not import the model's library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.annotate.decoding import normalize_text

if TYPE_CHECKING:
    from spacy.language import Language


class TooMuchWork(ValueError):
    """The document has more tokens than its work budget allows."""


def check_work_budget(text: str, *, nlp: Language, max_tokens: int) -> int:
    """The number of tokens of `text`; TooMuchWork when they exceed `max_tokens`.

    Every layer runs in time linear in the tokens, so the token count is the document's
    work; tokenizing costs a few per cent of annotating. Prose has about one token per
    five characters, a text of one-character lines one per character.
    """
    tokens = len(nlp.make_doc(normalize_text(text)))
    if tokens > max_tokens:
        raise TooMuchWork(
            f"the document has {tokens:,} tokens (words, punctuation and line breaks); "
            f"at most {max_tokens:,} are annotated"
        )
    return tokens
