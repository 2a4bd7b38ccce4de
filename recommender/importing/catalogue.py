"""Item metadata found beside a community's ratings: titles, years, genres and outside ids.

MovieLens ``movies.csv`` + ``links.csv`` (imdbId read as text, written ``tt`` + 7 digits),
``u.item`` (pipe-separated Latin-1 with 19 genre flags), ``movies.dat`` (``::``), goodbooks
``books.csv`` (``goodreads_book_id``, ISBN with its lost leading zero restored) and
Book-Crossing ``BX-Books.csv``. A broken metadata file costs titles, never the import: it is
reported as a warning.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from recommender.errors import RatingsImportError
from recommender.importing.report import ImportReport
from recommender.importing.sniff import detect_encoding
from recommender.importing.sniff import read_sample
from recommender.importing.titles import display_title
from recommender.importing.titles import split_year

logger = logging.getLogger(__name__)

METADATA_FILES = (
    "movies.csv",
    "links.csv",
    "u.item",
    "u.genre",
    "movies.dat",
    "books.csv",
    "BX-Books.csv",
)
ML100K_GENRES = (
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)
ITEM_COLUMNS = ("title", "year", "genres")


def metadata_beside(folder: Path) -> dict[str, Path]:
    """The known metadata files present in ``folder`` (name -> path)."""
    found = {}
    for name in METADATA_FILES:
        candidate = folder / name
        if candidate.is_file():
            found[name] = candidate
    return found


def _encoding(path: Path) -> str:
    return detect_encoding(read_sample(path, path.stat().st_size), path)


def _read(path: Path, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pd.read_csv(
            path, encoding=_encoding(path), dtype=str, keep_default_na=False, **options
        )


def _titles_and_years(raw_titles: pd.Series) -> tuple[list[str], list[int | None]]:
    titles, years = [], []
    for raw in raw_titles.fillna(""):
        title, year = split_year(str(raw))
        titles.append(display_title(title))
        years.append(year)
    return titles, years


def _movies_csv(files: dict[str, Path]) -> pd.DataFrame:
    movies = _read(files["movies.csv"])
    titles, years = _titles_and_years(movies["title"])
    items = pd.DataFrame(
        {"title": titles, "year": years, "genres": movies["genres"].to_numpy()},
        index=movies["movieId"].str.strip(),
    )
    items["genres"] = items["genres"].replace("(no genres listed)", "")
    if "links.csv" in files:
        links = _read(files["links.csv"]).set_index("movieId")
        imdb = links["imdbId"].str.strip()
        links["imdb_id"] = imdb.where(imdb == "", "tt" + imdb.str.zfill(7))
        items = items.join(links[["imdb_id", "tmdbId"]].rename(columns={"tmdbId": "tmdb_id"}))
    return items


def _u_item(files: dict[str, Path]) -> pd.DataFrame:
    genres = list(ML100K_GENRES)
    if "u.genre" in files:
        table = _read(files["u.genre"], sep="|", header=None, names=["genre", "index"])
        table = table[table["genre"] != ""]
        genres = [
            name
            for name, _ in sorted(
                zip(table["genre"], table["index"].astype(int), strict=True),
                key=lambda pair: pair[1],
            )
        ]
    names = ["item", "title", "release", "video", "url", *genres]
    table = _read(files["u.item"], sep="|", header=None, names=names, quoting=3)
    flags = table[genres].apply(lambda column: column.str.strip() == "1")
    genre_text = flags.apply(
        lambda row: "|".join(g for g, on in zip(genres, row, strict=True) if on and g != "unknown"),
        axis=1,
    )
    titles, years = _titles_and_years(table["title"])
    return pd.DataFrame(
        {"title": titles, "year": years, "genres": genre_text.to_numpy()},
        index=table["item"].str.strip(),
    )


def _movies_dat(files: dict[str, Path]) -> pd.DataFrame:
    table = _read(
        files["movies.dat"],
        sep="::",
        engine="python",
        header=None,
        names=["item", "title", "genres"],
        quoting=3,
    )
    titles, years = _titles_and_years(table["title"])
    return pd.DataFrame(
        {"title": titles, "year": years, "genres": table["genres"].to_numpy()},
        index=table["item"].str.strip(),
    )


def _goodbooks(files: dict[str, Path]) -> pd.DataFrame:
    books = _read(files["books.csv"])
    year = pd.to_numeric(books["original_publication_year"], errors="coerce")
    isbn = books["isbn"].str.strip()
    isbn = isbn.where(~isbn.str.fullmatch(r"\d{8,9}[\dXx]?"), isbn.str.zfill(10))
    return pd.DataFrame(
        {
            "title": books["title"].to_numpy(),
            "year": year.round().astype("Int64").to_numpy(),
            "genres": "",
            "authors": books["authors"].to_numpy(),
            "goodreads_book_id": books["goodreads_book_id"].str.strip().to_numpy(),
            "isbn": isbn.to_numpy(),
        },
        index=books["book_id"].str.strip(),
    )


def _book_crossing(files: dict[str, Path]) -> pd.DataFrame:
    books = _read(files["BX-Books.csv"], sep=";", escapechar="\\", on_bad_lines="skip")
    year = pd.to_numeric(books["Year-Of-Publication"], errors="coerce")
    return pd.DataFrame(
        {
            "title": books["Book-Title"].to_numpy(),
            "year": year.where((year > 0) & (year < 2100)).round().astype("Int64").to_numpy(),
            "genres": "",
            "authors": books["Book-Author"].to_numpy(),
            "isbn": books["ISBN"].str.strip().to_numpy(),
        },
        index=books["ISBN"].str.strip(),
    )


READERS: tuple[tuple[str, Callable[[dict[str, Path]], pd.DataFrame]], ...] = (
    ("movies.csv", _movies_csv),
    ("u.item", _u_item),
    ("movies.dat", _movies_dat),
    ("books.csv", _goodbooks),
    ("BX-Books.csv", _book_crossing),
)


def read_catalogue(files: dict[str, Path], report: ImportReport) -> pd.DataFrame | None:
    """The first readable metadata table among ``files``, indexed by item id (text)."""
    for name, reader in READERS:
        if name not in files:
            continue
        try:
            items = reader(files)
        except (
            RatingsImportError,
            ValueError,
            KeyError,
            IndexError,
            OSError,
            pd.errors.ParserError,
            UnicodeError,
        ) as error:
            logger.info("metadata %s unreadable: %s", files[name], error)
            report.warn(f"{name} could not be read for titles ({error}); ids are shown instead")
            continue
        report.metadata_files.append(name)
        if name == "movies.csv" and "links.csv" in files:
            report.metadata_files.append("links.csv")
        items.index.name = "item"
        items = items[~items.index.duplicated(keep="first")]
        items["year"] = pd.array(items["year"], dtype="Int64")
        return items
    return None


def complete_catalogue(items: pd.DataFrame | None, rated_items: pd.Index) -> pd.DataFrame:
    """Every rated item gets a row; an item without metadata is titled by its id."""
    if items is None:
        items = pd.DataFrame(
            {
                "title": pd.Series(dtype=object),
                "year": pd.array([], "Int64"),
                "genres": pd.Series(dtype=object),
            }
        )
        items.index.name = "item"
    missing = rated_items.difference(items.index)
    if len(missing):
        extra = pd.DataFrame(
            {
                "title": missing.astype(str),
                "year": pd.array([None] * len(missing), "Int64"),
                "genres": "",
            },
            index=missing.astype(str),
        )
        items = pd.concat([items, extra]) if len(items) else extra
    items.index = items.index.astype(str)
    items.index.name = "item"
    items["title"] = items["title"].fillna(pd.Series(items.index, index=items.index))
    items["genres"] = items["genres"].fillna("")
    items["year"] = pd.array(items["year"], dtype="Int64")
    return items
