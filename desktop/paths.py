"""Where the desktop app keeps its files: data directory, logs, window state, icon.

The data directory and the log directory follow the platform's conventions (through
``recommender.datadir``); both can be redirected, which tests always do so that they never
touch a real person's files: ``--data-dir`` or ``KINDRED_DATA_DIR`` for data, ``--log-dir`` or
``KINDRED_LOG_DIR`` for logs.
"""

from __future__ import annotations

import os
from pathlib import Path

from recommender.assets import asset_path
from recommender.datadir import default_log_dir
from recommender.datadir import resolve_data_dir

LOG_DIR_ENV_VARIABLE = "KINDRED_LOG_DIR"
LOG_FILE_NAME = "kindred.log"
WINDOW_STATE_FILE_NAME = "window.json"


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data directory: ``explicit``, else ``KINDRED_DATA_DIR``, else the platform's."""
    return resolve_data_dir(explicit)


def log_dir(explicit: str | Path | None = None) -> Path:
    """The log directory: ``explicit``, else ``KINDRED_LOG_DIR``, else the platform's."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_environment = os.environ.get(LOG_DIR_ENV_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser().resolve()
    return default_log_dir()


def log_file(directory: Path) -> Path:
    """The current (not yet rotated) log file inside ``directory``."""
    return directory / LOG_FILE_NAME


def window_state_file(data_directory: Path) -> Path:
    """The small JSON file remembering the window's size and position."""
    return data_directory / WINDOW_STATE_FILE_NAME


def icon_file() -> Path:
    """The window icon (PNG; Qt and GTK take PNG, the Windows build uses the .ico)."""
    return asset_path("icon", "kindred.png")
