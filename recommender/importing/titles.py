"""Titles: split MovieLens-style "Title, The (Alternate) (Year)" and normalise for matching.

MovieLens writes "Usual Suspects, The (1995)" and "Postman, The (Postino, Il) (1994)";
Letterboxd writes "The Usual Suspects", 1995. Both reduce to the key ``usual suspects``:
diacritics removed (NFKD), leading articles dropped in any of the usual languages, "&" read as
"and", punctuation removed, spaces collapsed. Alternate titles in parentheses (and "a.k.a."
ones) are indexed as further keys of the same item.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ARTICLES = (
    "the",
    "a",
    "an",
    "le",
    "la",
    "les",
    "l'",
    "il",
    "lo",
    "gli",
    "i",
    "el",
    "los",
    "las",
    "der",
    "die",
    "das",
    "den",
    "det",
    "de",
    "het",
    "een",
    "ein",
    "eine",
    "o",
    "os",
    "as",
    "um",
    "uma",
    "un",
    "une",
    "una",
    "en",
    "ett",
)
_YEAR_SUFFIX = re.compile(r"^(?P<title>.*?)\s*\((?P<year>\d{4})(?:\s*[-–]\s*\d{0,4})?\)\s*$")
_TRAILING_ARTICLE = re.compile(
    r"^(?P<body>.+?),\s*(?P<article>" + "|".join(re.escape(a) for a in ARTICLES) + r")\s*$",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_NOT_WORD = re.compile(r"[^\w\s']")


def split_year(title: str) -> tuple[str, int | None]:
    """``"Heat (1995)"`` -> ``("Heat", 1995)``; a title without a year keeps ``None``."""
    match = _YEAR_SUFFIX.match(title.strip())
    if not match:
        return title.strip(), None
    return match.group("title").strip(), int(match.group("year"))


def front_article(title: str) -> str:
    """``"Usual Suspects, The"`` -> ``"The Usual Suspects"`` (an apostrophe article joins)."""
    match = _TRAILING_ARTICLE.match(title.strip())
    if not match:
        return title.strip()
    article = match.group("article")
    joiner = "" if article.endswith("'") else " "
    return f"{article}{joiner}{match.group('body')}"


def display_title(raw_title: str) -> str:
    """A MovieLens title as a person writes it: article in front, alternates kept, no year.

    ``"City of Lost Children, The (Cité des enfants perdus, La)"`` ->
    ``"The City of Lost Children (Cité des enfants perdus, La)"``.
    """
    main, alternates = _split_alternates(raw_title)
    shown = front_article(main)
    return " ".join([shown, *(f"({alternate})" for alternate in alternates)])


def _split_alternates(title: str) -> tuple[str, list[str]]:
    alternates = _PARENTHESES.findall(title)
    main = _PARENTHESES.sub(" ", title).strip()
    return (main or title), [a.strip() for a in alternates if a.strip()]


@lru_cache(maxsize=1 << 18)
def normalise(title: str) -> str:
    """The matching key of one title (see the module docstring).

    Cached: a catalogue's titles are normalised several times each (whole, main part,
    alternates, loose keys), 87,585 titles for MovieLens 32M. Plain ASCII titles, most of
    them, skip the Unicode decomposition.
    """
    text = front_article(title)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = _NOT_WORD.sub(" ", text)
    words = text.replace("'", "' ").split()
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return " ".join(word.rstrip("'") for word in words if word.rstrip("'"))


def title_keys(title: str) -> set[str]:
    """Every key a title can be found under: the whole, the main part, each alternate."""
    keys = {normalise(title)}
    main, alternates = _split_alternates(title)
    keys.add(normalise(main))
    for alternate in alternates:
        alternate = re.sub(r"^(a\.k\.a\.|aka)\s+", "", alternate, flags=re.IGNORECASE)
        keys.add(normalise(alternate))
    series = re.sub(r"\s*\([^()]*#[^()]*\)\s*$", "", title)  # "(The Hunger Games, #1)"
    keys.add(normalise(series))
    return {key for key in keys if key}


def loose_title_keys(title: str) -> set[str]:
    """Second-chance keys, tried only when the exact keys find nothing.

    The part before a colon ("Solo: A Star Wars Story" -> "solo"), the part after a dash
    ("Star Wars: Episode V - The Empire Strikes Back" -> "empire strikes back"), the two
    joined ("star wars the force awakens"), and every key without spaces, so "Chain Saw" finds
    "Chainsaw".
    """
    main, _alternates = _split_alternates(title)
    keys = set()
    before_colon = main.split(":", 1)[0] if ":" in main else None
    after_dash = main.rsplit(" - ", 1)[1] if " - " in main else None
    for part in (before_colon, after_dash):
        if part:
            keys.add(normalise(part))
    if before_colon and after_dash:
        keys.add(normalise(f"{before_colon} {after_dash}"))
    keys |= {key.replace(" ", "") for key in keys | title_keys(title)}
    return {key for key in keys if key}


def query_keys(title: str) -> set[str]:
    """What a title from an export is looked up under in the loose index."""
    keys = title_keys(title)
    return keys | {key.replace(" ", "") for key in keys}
