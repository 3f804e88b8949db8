"""Counters for the tests that hold work linear: how often a list's items or a document's
whole text are read, rather than how long it takes."""

from __future__ import annotations

from spacy.tokens import Doc


class CountingList(list):
    """A list that counts the items read from it, by index, slice or iteration."""

    reads = 0

    def __getitem__(self, index):
        item = super().__getitem__(index)
        self.reads += len(item) if isinstance(index, slice) else 1
        return item

    def __iter__(self):
        for item in super().__iter__():
            self.reads += 1
            yield item

    def __reversed__(self):
        for item in super().__reversed__():
            self.reads += 1
            yield item


class CountingDoc(Doc):
    """A parsed document that counts how often its whole text is read: spaCy joins every
    token anew each time, so reading it for each mention or quotation is quadratic work.

    Made from a parsed `doc` with `CountingDoc(nlp.vocab).from_bytes(doc.to_bytes())`.
    """

    reads = 0

    @property
    def text(self) -> str:
        CountingDoc.reads += 1
        return super().text
