"""Text files that are not UTF-8: where the first bad byte is, what it probably is, and how to fix it.

Every text input (CSV, Markdown, names lists) is read as UTF-8 (a byte-order mark is allowed, as
Excel's "CSV UTF-8" writes one). A file that is not UTF-8 is **refused** with the first
offending row and character and the way to save it again from Excel; it is never guessed.

Why refuse rather than read it as Windows-1252 (Excel's "CSV (Comma delimited)" on a UK
laptop)? Any sequence of bytes decodes as Windows-1252 or Latin-1, so a guess can never be
confirmed, and a wrong guess silently changes names and codes: a name in the identifier list
would then no longer match the same name in the data, and the identifier guard could miss it.
Saving once more as "CSV UTF-8" takes a minute and makes the run's input exactly what the
analyst sees in Excel.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError, Problem

__all__ = ["EXCEL_ADVICE", "not_utf8_problem", "read_text"]

EXCEL_ADVICE = (
    "open it in Excel and choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)' "
    "(for a text file: Notepad > Save As > Encoding 'UTF-8'), then run again"
)
"""How to save a file as UTF-8, for the messages."""

_CHUNK = 1 << 20


def _first_bad_byte(path: Path) -> tuple[int, int, int, bytes] | None:
    """``(line, column, byte offset, bytes around it)`` of the first byte that is not UTF-8, or None."""
    dec = codecs.getincrementaldecoder("utf-8")()
    line, col, offset = 1, 1, 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            final = not chunk
            try:
                text = dec.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                good = chunk[: exc.start]
                # the characters before the bad byte in this chunk (an earlier partial sequence is in the decoder)
                before = good.decode("utf-8", errors="replace")
                line += before.count("\n")
                col = (len(before) - before.rfind("\n")) if "\n" in before else col + len(before)
                return line, col, offset + exc.start, chunk[exc.start : exc.start + 4]
            line += text.count("\n")
            col = (len(text) - text.rfind("\n")) if "\n" in text else col + len(text)
            offset += len(chunk)
            if final:
                return None


def not_utf8_problem(path: Path | str, shown: str | None = None) -> Problem | None:
    """A :class:`Problem` naming the first byte of ``path`` that is not UTF-8 (None when it all is).

    The row is the file's line (a CSV's header is row 1), the character is the byte as Windows-1252
    would show it (Excel's usual encoding on a UK laptop), and the message says how to save the file
    as UTF-8.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); f = os.path.join(d, "x.csv")
    >>> _ = open(f, "wb").write("name,amount\\nA,\\u00a35\\n".encode("cp1252"))
    >>> print(not_utf8_problem(f, "x.csv").message)  # doctest: +ELLIPSIS
    is not UTF-8 text: byte 0xA3 (the character '£' in Windows-1252, as saved by Excel's 'CSV (Comma delimited)')...
    """
    p = Path(path)
    found = _first_bad_byte(p)
    if found is None:
        return None
    line, col, _, around = found
    byte = around[:1]
    try:
        char = byte.decode("cp1252")
        what = f"the character '{char}' in Windows-1252, as saved by Excel's 'CSV (Comma delimited)'"
    except UnicodeDecodeError:
        what = "not a character in UTF-8 or Windows-1252: perhaps another encoding"
    return Problem(
        file=shown or str(p),
        place=f"row {line}, character {col}",
        message=f"is not UTF-8 text: byte 0x{byte.hex().upper()} ({what}); {EXCEL_ADVICE}",
    )


def read_text(path: Path | str, shown: str | None = None) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); :class:`InputError` naming the first
    offending row and character when it is not UTF-8 (see :func:`not_utf8_problem`)."""
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problem = not_utf8_problem(p, shown)
        if problem is None:  # pragma: no cover - read_text and the incremental decoder agree
            raise
        raise InputError(problem) from None
