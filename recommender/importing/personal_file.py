"""Read one person's export (IMDb, Letterboxd, Goodreads, generic) and match it to a community.

Rated rows become ratings on the community's scale (the original value is kept beside it);
rows without a rating become "seen" (IMDb rows without a rating, Goodreads 0 on the read or
currently-reading shelf, Letterboxd watched.csv) or the want-list (Goodreads to-read,
Letterboxd watchlist.csv). Rows that match no community item are returned with the reason,
so the interface can let the person resolve them by search.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.community import Community
from recommender.errors import RatingsImportError
from recommender.importing import formats
from recommender.importing import reading
from recommender.importing import rows
from recommender.importing.collect import concat_rows
from recommender.importing.columns import ColumnRoles
from recommender.importing.failures import import_failures_as_sentences
from recommender.importing.matching import ItemIndex
from recommender.importing.matching import Match
from recommender.importing.matching import clean_isbn
from recommender.importing.matching import item_index
from recommender.importing.progress import CancelCheck
from recommender.importing.progress import ImportCancelled
from recommender.importing.progress import ProgressCallback
from recommender.importing.report import ImportReport
from recommender.importing.scales import Scale
from recommender.importing.scales import convert
from recommender.importing.sniff import sniff
from recommender.importing.sources import open_source

logger = logging.getLogger(__name__)

PERSONAL_FILES = ("ratings.csv", "watched.csv", "watchlist.csv", "goodreads_library_export.csv")
LIST_FILES = ("watched.csv", "watchlist.csv")
WANT_SHELVES = {"to-read", "want-to-read", "to read"}


@dataclass(frozen=True, slots=True)
class PersonalRating:
    """One of the person's ratings, on the community's scale, with what the export said."""

    item: str
    rating: float
    original_rating: float
    original_scale: Scale
    title: str | None
    year: int | None
    rated_at: str | None
    source_id: str | None
    line: int
    matched_by: str


@dataclass(frozen=True, slots=True)
class UnmatchedRow:
    """A row of the export that matched no community item, and why (``list_kind``: rated,
    seen or want)."""

    line: int
    title: str | None
    year: int | None
    source_id: str | None
    original_rating: float | None
    list_kind: str
    reason: str


@dataclass(frozen=True)
class PersonalRatings:
    """What one export says about one person, in the community's terms.

    Without a community, ``item`` is the export's own key (IMDb ``tt`` id, Goodreads book id,
    "Title (Year)") and ratings stay on the export's scale.
    """

    source: str
    scale: Scale
    community_scale: Scale | None
    ratings: tuple[PersonalRating, ...]
    seen: tuple[str, ...]
    want: tuple[str, ...]
    unmatched: tuple[UnmatchedRow, ...]

    def as_dict(self) -> dict[str, float]:
        """``{item: rating}`` on the community's scale, ready for ``UserKNN.recommend``."""
        return {rating.item: rating.rating for rating in self.ratings}


def read_personal(
    path: str | Path,
    community: Community | None = None,
    *,
    columns: ColumnRoles | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    max_bytes: int | None = None,
) -> tuple[PersonalRatings, ImportReport]:
    """Read a personal export (file, folder or Letterboxd zip) and match it to ``community``.

    ``columns`` (role -> column position or header name) replaces the detected roles of the
    ratings file when a person corrected them; ``progress`` and ``cancel`` work as for
    ``read_community`` (a cancelled read raises ``ImportCancelled``).
    """
    with (
        import_failures_as_sentences(path),
        open_source(path, max_bytes, wanted=PERSONAL_FILES, companions=LIST_FILES) as source,
    ):
        from_archive = source.temporary is not None or Path(path).is_dir()
        companions = source.companions if from_archive else {}
        reading_options = _Options(columns, progress, cancel)
        return _read(source.path, source.origin, companions, community, reading_options)


@dataclass(frozen=True)
class _Options:
    """How the main ratings file is read: the person's column roles, progress and cancel."""

    columns: ColumnRoles | None = None
    progress: ProgressCallback | None = None
    cancel: CancelCheck | None = None


def _read(
    path: Path,
    origin: Path,
    companions: dict[str, Path],
    community: Community | None,
    options: _Options,
) -> tuple[PersonalRatings, ImportReport]:
    report = ImportReport(path=origin, kind=formats.PERSONAL)
    table, spec = _read_export(path, origin, report, options)
    for name, companion in companions.items():
        if companion.resolve() != path.resolve():
            extra, extra_spec = _read_export(companion, origin, ImportReport(path=companion))
            if extra_spec.list_kind is not None:
                table = concat_rows([table, extra])
            else:
                report.warn(f"{name} in the export was not recognised and was ignored")
    index = item_index(community) if community is not None else None
    return _assemble(table, spec, report, index, community)


def _read_export(
    path: Path, origin: Path, report: ImportReport, options: _Options | None = None
) -> tuple[pd.DataFrame, formats.FormatSpec]:
    """One export file as rows: line, key, title, year, rating, timestamp, list_kind, isbns."""
    options = options or _Options()
    size = path.stat().st_size
    layout = sniff(path, size)
    spec = formats.identify(layout, path)
    if options.columns is not None:
        spec = formats.with_roles(spec, layout, options.columns, formats.PERSONAL, origin)
    if spec.kind != formats.PERSONAL:
        raise RatingsImportError(
            f"holds many people's ratings ({spec.name}); import it as a community instead.",
            path=origin,
        )
    report.format, report.encoding = spec.name, layout.encoding
    report.delimiter, report.has_header = layout.delimiter_name, layout.has_header
    names = layout.header
    report.columns = {
        r: names[p] if p < len(names) else f"column {p + 1}" for r, p in spec.roles.items()
    }
    numeric = ("rating",) if "rating" in spec.roles else ()
    frame = reading.read_table(
        path,
        layout,
        spec.roles,
        numeric,
        report,
        size=size,
        progress=options.progress,
        cancel=options.cancel,
    )
    if options.cancel is not None and options.cancel():
        raise ImportCancelled("the import was cancelled.", path=origin)
    frame = frame[~rows.blank_rows(frame, [r for r in spec.roles if r != "line"])]
    classified = _classify(frame, spec, report)
    reading.attach_raw_lines(report, path, report.encoding or layout.encoding, size)
    return classified, spec


def _classify(frame: pd.DataFrame, spec: formats.FormatSpec, report: ImportReport) -> pd.DataFrame:
    """Sort rows into rated / seen / want and keep what matching needs."""
    id_role = "item" if "item" in spec.roles else "title"
    if spec.list_kind is not None:
        listed = frame.assign(rating=float("nan"), list_kind=spec.list_kind)
        return _rows_for_matching(listed, spec)
    ratings, not_number = rows.numeric_ratings(frame)
    unrated = ratings.isna() & ~not_number
    if spec.zero_means_unrated:
        unrated |= ratings == 0
    if spec.name not in ("imdb", "goodreads"):
        unrated &= False  # elsewhere a missing rating is a bad row
    listed = frame[unrated.to_numpy()].copy()
    listed["rating"] = float("nan")
    shelf = listed["shelf"].astype(str).str.strip().str.lower() if "shelf" in listed else None
    listed["list_kind"] = (
        "seen" if shelf is None else shelf.isin(WANT_SHELVES).map({True: "want", False: "seen"})
    )
    rated_part = frame[~unrated.to_numpy()]
    rated, _implicit, scale = rows.validate(
        rated_part, [id_role], report, spec.scale, spec.zero_means_unrated
    )
    if scale is None:
        raise RatingsImportError("has no ratings on a scale Kindred knows.", path=report.path)
    report.scale = scale
    rated = rated.assign(list_kind="rated")
    return _rows_for_matching(concat_rows([rated, listed]), spec)


def _rows_for_matching(frame: pd.DataFrame, spec: formats.FormatSpec) -> pd.DataFrame:
    def column(role: str) -> pd.Series:
        if role in frame:
            return frame[role].astype("string").str.strip().astype(object)
        return pd.Series(None, index=frame.index, dtype=object)

    years = pd.to_numeric(column("year"), errors="coerce")
    if "year_published" in frame:
        years = years.fillna(pd.to_numeric(column("year_published"), errors="coerce"))
    return pd.DataFrame(
        {
            "line": frame["line"].to_numpy(),
            "key": column("item").to_numpy() if "item" in frame else column("uri").to_numpy(),
            "title": column("title").to_numpy(),
            "year": years.round().astype("Int64").to_numpy(),
            "rating": pd.to_numeric(frame["rating"], errors="coerce").to_numpy(dtype=float),
            "timestamp": column("timestamp").to_numpy(),
            "list_kind": frame["list_kind"].to_numpy(),
            "isbn": column("isbn").to_numpy(),
            "isbn13": column("isbn13").to_numpy(),
            "format": spec.name,
        }
    )


def _match_one(row, index: ItemIndex | None) -> Match:
    year = None if pd.isna(row.year) else int(row.year)
    if index is None:
        own = row.key if isinstance(row.key, str) and row.key else None
        if own is None and row.title:
            own = f"{row.title} ({year})" if year is not None else str(row.title)
        return Match(own, "export id") if own else Match(None, "no id or title")
    key = row.key if isinstance(row.key, str) else None
    generic_imdb = row.format == "generic" and key is not None and key.lower().startswith("tt")
    return index.match(
        imdb_id=key if row.format.startswith("imdb") or generic_imdb else None,
        goodreads_id=row.key if row.format == "goodreads" else None,
        isbns=(clean_isbn(row.isbn), clean_isbn(row.isbn13)),
        item=row.key if row.format == "generic" else None,
        title=row.title if isinstance(row.title, str) else None,
        year=year,
    )


def _assemble(
    table: pd.DataFrame,
    spec: formats.FormatSpec,
    report: ImportReport,
    index: ItemIndex | None,
    community: Community | None,
) -> tuple[PersonalRatings, ImportReport]:
    scale = report.scale or spec.scale or (1.0, 5.0)
    target = community.scale if community is not None else scale
    matches = [_match_one(row, index) for row in table.itertuples(index=False)]
    table = table.assign(match=[m.item for m in matches], how=[m.how for m in matches])
    unmatched = tuple(
        UnmatchedRow(
            int(r.line),
            _text(r.title),
            None if pd.isna(r.year) else int(r.year),
            _text(r.key),
            None if pd.isna(r.rating) else float(r.rating),
            r.list_kind,
            r.how,
        )
        for r in table[table["match"].isna()].itertuples(index=False)
    )
    rated = rows.drop_duplicates(
        table[(table["list_kind"] == "rated") & table["match"].notna()].rename(
            columns={"match": "item"}
        ),
        ["item"],
        report,
    )
    ratings = tuple(
        PersonalRating(
            item=str(r.item),
            rating=float(convert(r.rating, scale, target)),
            original_rating=float(r.rating),
            original_scale=scale,
            title=_text(r.title),
            year=None if pd.isna(r.year) else int(r.year),
            rated_at=_text(r.timestamp),
            source_id=_text(r.key),
            line=int(r.line),
            matched_by=r.how,
        )
        for r in rated.itertuples(index=False)
    )
    rated_items = {rating.item for rating in ratings}
    seen = _unique(table, "seen", rated_items)
    want = _unique(table, "want", rated_items | set(seen))
    report.scale = scale
    report.ratings = report.items = len(ratings)
    report.users = 1
    report.seen, report.want = len(seen), len(want)
    if index is not None:
        report.matched = int(((table["list_kind"] == "rated") & table["match"].notna()).sum())
        report.unmatched = sum(row.list_kind == "rated" for row in unmatched)
    personal = PersonalRatings(
        spec.name, scale, community.scale if community else None, ratings, seen, want, unmatched
    )
    return personal, report


def _unique(table: pd.DataFrame, kind: str, exclude: set[str]) -> tuple[str, ...]:
    items = table.loc[(table["list_kind"] == kind) & table["match"].notna(), "match"]
    return tuple(dict.fromkeys(str(item) for item in items if str(item) not in exclude))


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None
