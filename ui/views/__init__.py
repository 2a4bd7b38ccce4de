"""One blueprint per feature; each serves an HTML page and its JSON twin under ``/api``.

* ``/`` ↔ ``GET /api/status``
* ``/catalogue`` ↔ ``GET /api/catalogue?q=&sort=&genre=&page=&per_page=``
* ``/recommendations`` ↔ ``GET /api/recommendations?user=&n=&page=&sort=&q=&genre=``
  ``&year_from=&year_to=&min_confidence=``; changes: ``POST``/``DELETE /api/hidden``;
  download of the top 50: ``/recommendations/export.csv``
* ``/ratings`` ↔ ``GET /api/ratings?q=``; changes: ``POST``/``DELETE /api/ratings``;
  download: ``/ratings/export.csv``
* ``/items/<id>`` ↔ ``GET /api/items/<id>``
* ``/people`` ↔ ``GET /api/people?n=``
* ``/evaluate`` ↔ ``GET /api/evaluate`` (poll); ``POST`` starts, ``DELETE`` cancels
* ``/settings`` ↔ ``GET /api/settings``; ``POST`` changes model options, ``DELETE`` restores
  the defaults; ``POST /api/display-scale`` with ``{"preference": ...}`` chooses the scale
  ratings are shown and given in; ``POST /api/clear-data`` with ``{"confirm": true}`` clears
  the person's data
* want-list (shown on ``/ratings``): ``GET /api/want``; ``POST``/``DELETE /api/want``
* ``/import`` ↔ ``GET /api/import``; ``POST /api/import/staged?name=`` (the raw file body)
  stages a file and answers its preview; ``GET``/``DELETE /api/import/staged/<id>``;
  ``POST /api/import/jobs`` starts the import with the person's roles and kind,
  ``GET /api/import/jobs/<id>`` polls it, ``POST /api/import/jobs/<id>/cancel`` cancels it;
  ``GET /api/imports/<log id>/skipped.csv`` downloads an import's skipped rows;
  ``POST /api/import`` (one step: a personal export, uploaded) stays for scripts
* ``/communities`` ↔ ``GET /api/communities``; ``POST`` imports an uploaded community file,
  ``DELETE`` deletes one, ``POST /api/communities/current`` switches
* inside the window only: ``POST /api/native/open-file`` with ``{"purpose": "personal" |
  "community", "name"?}`` opens the system's file dialog and stages the chosen file in place
  (no size limit); answers ``{"cancelled": true}`` or its preview; 404 in a browser
* ``/about`` ↔ ``GET /api/about``

Changes need the ``X-CSRF-Token`` header and take JSON objects: ``{"item": ID, "rating": n}``
to rate on the community's scale or ``{"item": ID, "display_rating": n}`` on the person's
display scale, ``{"item": ID}`` to delete a rating or to hide/unhide an item.

Every rating in an answer is on the community's scale (``my_rating``, ``predicted_rating``,
``community_mean``, a neighbour's ``rating``) with a ``*_display`` twin in the person's display
scale, described by the answer's (or ``/api/status``'s) ``display_scale``. Errors are
``{"error": one sentence}`` with 400 (bad input) or 404 (unknown item or community member).
"""
