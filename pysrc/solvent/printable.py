"""Text that shows what is really there: an error message about a file must not hide a
byte-order mark, a zero-width space or a control character inside an id."""

from __future__ import annotations


def printable(text: str) -> str:
    """``text`` with every invisible or control character (a byte-order mark, a zero-width
    or no-break space, a tab inside an id) written as its escape, as ``repr`` writes it
    (``\\ufeff``, ``\\t``). Visible text, newlines included, is left as it is; escaping
    twice changes nothing."""
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)
