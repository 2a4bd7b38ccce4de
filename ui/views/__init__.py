"""One blueprint per feature; each serves an HTML page and its JSON twin under ``/api``.

=================  ============================================  ================================
page               JSON twin                                     changes (need ``X-CSRF-Token``)
=================  ============================================  ================================
``/``              ``GET /api/status``
``/catalogue``     ``GET /api/catalogue?q=&sort=&genre=&page=``
``/recommendations`` ``GET /api/recommendations?user=&n=&page=``   ``POST/DELETE /api/hidden``
                   ``&sort=&q=&genre=&year_from=&year_to=``
                   ``&min_confidence=``
``/ratings``       ``GET /api/ratings?q=``                       ``POST/DELETE /api/ratings``
``/ratings/export.csv`` (download)
``/items/<id>``    ``GET /api/items/<id>``
``/people``        ``GET /api/people?n=``
``/about``         ``GET /api/about``
=================  ============================================  ================================

Bodies of changes are JSON objects: ``{"item": ID, "rating": number}`` to rate,
``{"item": ID}`` to delete a rating or hide/unhide an item. Errors are ``{"error": sentence}``
with 400 (bad input) or 404 (unknown item or community member).
"""
