"""The person's data directory: ``--data-dir``, else ``KINDRED_DATA_DIR``, else the platform's.

The platform default comes from platformdirs (``~/.local/share/Kindred`` on Linux,
``%LOCALAPPDATA%\\Kindred`` on Windows, ``~/Library/Application Support/Kindred`` on macOS).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Kindred"
ENV_VARIABLE = "KINDRED_DATA_DIR"


def resolve_data_dir(explicit: str | Path | None = None) -> Path:
    """Return the data directory to use, without creating it.

    An explicit path wins, then the ``KINDRED_DATA_DIR`` environment variable, then the
    platform's user data directory.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_environment = os.environ.get(ENV_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_log_dir() -> Path:
    """The platform's log directory for Kindred (rotated log files go here)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
