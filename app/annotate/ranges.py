"""Character ranges of a text, for the layers to ask whether a span falls in one."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate


class Ranges:
    """Character ranges, asked whether a span overlaps one of them in logarithmic time:
    a text of many short lines has as many line ranges (READ MORE lines, say), and is
    not scanned for each date, quotation or mention."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [s for s, _ in ordered]
        # The furthest end among the ranges up to each one.
        self._reach = list(accumulate((e for _, e in ordered), max))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps one of the ranges: some range starts before `end`
        and ends after `start`."""
        i = bisect_left(self._starts, end) - 1  # the last range starting before `end`
        return i >= 0 and self._reach[i] > start
