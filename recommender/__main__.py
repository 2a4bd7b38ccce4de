"""``python -m recommender``: the command-line interface."""

from __future__ import annotations

import sys

from recommender.cli import main

if __name__ == "__main__":
    sys.exit(main())
