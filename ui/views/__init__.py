"""One blueprint per feature; each serves an HTML page and its JSON twin under ``/api``."""
