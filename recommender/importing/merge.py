"""Re-importing a newer export: what it adds and changes, without losing ratings made in the app.

Storage decides where ratings live; this module only compares. Given the person's current
ratings (``item -> rating`` on the community's scale), the items whose rating was last set in
the app, and a new ``PersonalRatings``, it says which ratings are new, which changed, which
stay as they are, and which app ratings it leaves alone (an app rating is newer intent than an
old export row).
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass

from recommender.importing.personal_file import PersonalRatings

TOLERANCE = 1e-9


@dataclass(frozen=True)
class ReimportChanges:
    """The difference a re-import makes (ratings on the community's scale)."""

    added: dict[str, float]
    changed: dict[str, tuple[float, float]]
    unchanged: int
    kept_from_app: tuple[str, ...]
    new_seen: tuple[str, ...]
    new_want: tuple[str, ...]

    def merged(self, current: Mapping[str, float]) -> dict[str, float]:
        """The person's ratings after applying the re-import to ``current``."""
        result = dict(current)
        result.update(self.added)
        result.update({item: new for item, (_old, new) in self.changed.items()})
        return result

    def summary(self) -> str:
        """One sentence for the person: what changed."""
        parts = [
            f"{len(self.added):,} new rating{'' if len(self.added) == 1 else 's'}",
            f"{len(self.changed):,} changed",
            f"{self.unchanged:,} unchanged",
        ]
        if self.kept_from_app:
            kept = len(self.kept_from_app)
            parts.append(f"{kept:,} rating{'' if kept == 1 else 's'} you made in Kindred kept")
        if self.new_seen:
            parts.append(f"{len(self.new_seen):,} more seen")
        if self.new_want:
            parts.append(f"{len(self.new_want):,} added to the want-list")
        return ", ".join(parts) + "."


def compare(
    current: Mapping[str, float],
    incoming: PersonalRatings,
    rated_in_app: Collection[str] = (),
    seen: Collection[str] = (),
    want: Collection[str] = (),
) -> ReimportChanges:
    """Compare an export with the person's current ratings, seen items and want-list."""
    app = set(rated_in_app)
    added: dict[str, float] = {}
    changed: dict[str, tuple[float, float]] = {}
    kept: list[str] = []
    unchanged = 0
    for rating in incoming.ratings:
        if rating.item in app:
            kept.append(rating.item)
        elif rating.item not in current:
            added[rating.item] = rating.rating
        elif abs(current[rating.item] - rating.rating) > TOLERANCE:
            changed[rating.item] = (current[rating.item], rating.rating)
        else:
            unchanged += 1
    known = set(current) | set(added)
    new_seen = tuple(item for item in incoming.seen if item not in set(seen) | known)
    new_want = tuple(item for item in incoming.want if item not in set(want) | known)
    return ReimportChanges(added, changed, unchanged, tuple(kept), new_seen, new_want)
