"""``python -m desktop`` (and the packaged ``Kindred`` executable): start Kindred."""

from __future__ import annotations

import sys

from desktop.launcher import main

if __name__ == "__main__":
    sys.exit(main())
