"""Look at a file before reading it: is it usable, its encoding, delimiter, header, decimal mark.

Encoding: a byte-order mark decides (UTF-8-BOM, UTF-16); then strict UTF-8; otherwise
charset-normalizer ranks code pages, and a Western code page (cp1252, which also reads
Latin-1 text) is preferred when it is among its candidates, because the rating files people
have are overwhelmingly Western (charset-normalizer alone calls Latin-1 MovieLens files cp1250).

The delimiter is the candidate that splits the sample lines (read with the csv module, so
quotes are honoured) into the same number of fields, two or more, most consistently.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from recommender.errors import RatingsImportError
from recommender.importing.columns import is_known_name
from recommender.importing.columns import numeric_share

SAMPLE_BYTES = 64 * 1024
WHOLE_FILE_ENCODING_CHECK = 8 * 1024**2
SAMPLE_ROWS = 400
WHITESPACE = " "  # how "any run of spaces or tabs" is written in a Layout

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file (unpack it first)"),
    (b"BZh", "a bzip2-compressed file (unpack it first)"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office document (save it as CSV)"),
    (b"RIFF", "a media file"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
)


@dataclass(frozen=True)
class Layout:
    """How a delimited text file is written, as detected from its first rows."""

    encoding: str
    delimiter: str
    has_header: bool
    header: tuple[str, ...]
    n_fields: int
    decimal: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def delimiter_name(self) -> str:
        """The delimiter in words for reports (``"tab"``, ``"::"``, ``","``)."""
        return {"\t": "tab", WHITESPACE: "whitespace"}.get(self.delimiter, self.delimiter)


def read_sample(path: Path, size: int) -> bytes:
    """The bytes used to judge the encoding: the whole file when small, else head, middle, tail."""
    try:
        with path.open("rb") as handle:
            if size <= WHOLE_FILE_ENCODING_CHECK:
                return handle.read()
            head = handle.read(1024**2)
            parts = [head]
            for fraction in (0.5, 1.0):
                handle.seek(max(int(size * fraction) - 256 * 1024, 0))
                chunk = handle.read(256 * 1024)
                start = chunk.find(b"\n") + 1
                end = chunk.rfind(b"\n") + 1 if fraction < 1.0 else len(chunk)
                parts.append(chunk[start:end])
            last_newline = head.rfind(b"\n") + 1
            parts[0] = head[:last_newline] if last_newline else head
            return b"\n".join(parts)
    except OSError as error:
        raise RatingsImportError(f"cannot be read ({error.strerror}).", path=path) from error


def refuse_unusable(data: bytes, path: Path) -> None:
    """Refuse empty, binary, image and HTML files with one sentence saying which it is."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise RatingsImportError("the file is empty.", path=path)
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise RatingsImportError(f"is {what}, not a ratings table.", path=path)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or (
        b"<html" in head and b"</" in head
    ):
        raise RatingsImportError("is a web page (HTML), not a ratings table.", path=path)
    if head.startswith((b"{", b"[")) and not re.match(rb"^\[[^\]\n]*\][,;\t]", head):
        raise RatingsImportError("looks like JSON, not a ratings table.", path=path)


def detect_encoding(data: bytes, path: Path) -> str:
    """The codec to read the file with (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``...)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(data[:4096])
    if utf16:
        return utf16
    if b"\x00" in data[:SAMPLE_BYTES]:
        raise RatingsImportError("is a binary file, not a ratings table.", path=path)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(data[: 2 * 1024**2])
    best = matches.best()
    if best is None:
        raise RatingsImportError("is a binary file, not a ratings table.", path=path)
    for match in list(matches)[:6]:
        if "cp1252" in match.could_be_from_charset or match.encoding in ("cp1252", "latin_1"):
            return _western(data)
    return best.encoding


def _western(data: bytes) -> str:
    """cp1252 when the bytes are valid cp1252, else Latin-1 (which accepts every byte)."""
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of ASCII characters has a zero in every other byte."""
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.2 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.2 * len(odd):
        return "utf-16-be"
    return None


def decode_sample(data: bytes, encoding: str) -> str:
    """The first ``SAMPLE_BYTES`` decoded, cut at the last complete line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(data[:SAMPLE_BYTES], final=len(data) <= SAMPLE_BYTES)
    if len(data) > SAMPLE_BYTES and "\n" in text:
        text = text[: text.rfind("\n")]
    return text.lstrip("\ufeff")


def split_rows(lines: list[str], delimiter: str) -> list[list[str]]:
    """Split sample lines into fields the way pandas will (csv quoting for one-char delimiters)."""
    if delimiter == "::":
        return [line.split("::") for line in lines]
    if delimiter == WHITESPACE:
        return [line.split() for line in lines]
    try:
        return [list(row) for row in csv.reader(lines, delimiter=delimiter, quotechar='"')]
    except csv.Error:
        return [line.split(delimiter) for line in lines]


def detect_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample most consistently into two or more fields.

    Score = (share of lines having the most common field count, that count); ties go to the
    order ``::``, tab, ``;``, ``|``, ``,`` so ``1;4,5`` (decimal comma) splits on ``;``.
    """
    candidates = ["::", "\t", ";", "|", ","]
    best: tuple[float, int, int] | None = None
    chosen = None
    for priority, delimiter in enumerate(candidates):
        if delimiter == "::" and not all("::" in line for line in lines[:50]):
            continue
        counts = [len(row) for row in split_rows(lines, delimiter)]
        if not counts:
            continue
        modal = max(set(counts), key=counts.count)
        if modal < 2:
            continue
        consistency = round(counts.count(modal) / len(counts), 2)
        score = (consistency, modal, -priority)
        if consistency >= 0.8 and (best is None or score > best):
            best, chosen = score, delimiter
    if chosen is not None:
        return chosen
    counts = [len(line.split()) for line in lines]
    if counts and min(counts) >= 2 and len(set(counts)) == 1:
        return WHITESPACE
    return ","


def detect_header(rows: list[list[str]]) -> bool:
    """True when the first row names columns rather than holding data.

    A header is recognised by a known column name (``userId``, ``Your Rating``...), or by a
    text cell above a column whose other cells are numbers.
    """
    if not rows:
        return False
    first, rest = rows[0], rows[1:]
    if any(is_known_name(cell) for cell in first):
        return True
    for column, cell in enumerate(first):
        if numeric_share([[cell]], 0) == 0 and rest and numeric_share(rest, column) >= 0.9:
            return True
    return False


def detect_decimal(rows: list[list[str]], delimiter: str) -> str:
    """``","`` when the delimiter is not a comma and numbers are written like ``4,5``."""
    if delimiter == ",":
        return "."
    cells = [cell for row in rows[1:50] for cell in row]
    decimal_commas = sum(bool(re.fullmatch(r"-?\d+,\d+", cell.strip())) for cell in cells)
    decimal_points = sum(bool(re.fullmatch(r"-?\d+\.\d+", cell.strip())) for cell in cells)
    return "," if decimal_commas > decimal_points else "."


def sniff(path: Path, size: int) -> Layout:
    """Detect the layout of a delimited text file, or refuse it with a clear sentence."""
    data = read_sample(path, size)
    refuse_unusable(data, path)
    encoding = detect_encoding(data, path)
    text = decode_sample(data, encoding)
    lines = [line for line in text.splitlines() if line.strip()][:SAMPLE_ROWS]
    if not lines:
        raise RatingsImportError("the file is empty.", path=path)
    delimiter = detect_delimiter(lines)
    rows = [[cell.strip() for cell in row] for row in split_rows(lines, delimiter)]
    rows = [row for row in rows if any(row)]
    has_header = detect_header(rows)
    header = tuple(rows[0]) if has_header else ()
    data_rows = rows[1:] if has_header else rows
    counts = [len(row) for row in data_rows] or [len(header)]
    n_fields = len(header) if has_header else max(set(counts), key=counts.count)
    return Layout(
        encoding=encoding,
        delimiter=delimiter,
        has_header=has_header,
        header=header,
        n_fields=n_fields,
        decimal=detect_decimal(rows, delimiter),
        rows=tuple(tuple(row) for row in data_rows[:SAMPLE_ROWS]),
    )
