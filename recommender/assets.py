"""Where Kindred's bundled files (demo catalogue, icon, vendored scripts) live.

In the source tree they are in ``assets/`` beside the packages; in a PyInstaller build they are
unpacked under ``sys._MEIPASS``. Everything that reads a bundled file asks here.
"""

from __future__ import annotations

import sys
from pathlib import Path


def bundle_root() -> Path:
    """The folder holding ``assets/`` and the packages: the frozen bundle or the source tree."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def asset_path(*parts: str) -> Path:
    """The path of a bundled asset, e.g. ``asset_path("demo", "catalogue.csv")``."""
    return bundle_root().joinpath("assets", *parts)
