"""One place that turns an importer's unexpected failure into the package's import error.

The readers raise ``RatingsImportError`` for every problem they recognise. Anything else a
broken file can still provoke in pandas, zip handling or decoding is logged with its traceback
(for the developers) and becomes one sentence naming the file (for the person), so no other
exception type ever leaves ``read_community`` or ``read_personal``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from recommender.errors import RatingsImportError

logger = logging.getLogger(__name__)

# What a file can still make pandas, zipfile or the codecs raise past the readers' own checks.
UNEXPECTED_READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    UnicodeError,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
)


@contextmanager
def import_failures_as_sentences(path: str | Path) -> Iterator[None]:
    """Let ``RatingsImportError`` through; say "too large" for memory or recursion
    exhaustion; turn the errors in ``UNEXPECTED_READ_ERRORS`` into "could not be imported"."""
    try:
        yield
    except RatingsImportError:
        raise
    except (MemoryError, RecursionError) as error:
        raise RatingsImportError(
            f"is too large to import ({type(error).__name__}).", path=path
        ) from error
    except UNEXPECTED_READ_ERRORS as error:
        logger.exception("unexpected failure importing %s", path)
        raise RatingsImportError(f"could not be imported ({error}).", path=path) from error
