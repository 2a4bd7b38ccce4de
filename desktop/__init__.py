"""Kindred's desktop shell: the launcher, the local server and the pywebview window.

Thin by design: it starts ``ui.create_app`` on a loopback server and shows it in a window;
all behaviour lives in ``ui/`` and ``recommender/``.
"""
