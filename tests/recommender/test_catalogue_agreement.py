"""What two people agree and disagree on, as the Kindred people page lists it."""

from __future__ import annotations

from recommender.catalogue import agreement


def test_a_title_is_never_both_agreed_and_disagreed_on() -> None:
    mine = {"a": 5.0, "b": 4.0, "c": 2.0, "d": 1.0}
    theirs = {"a": 5.0, "b": 3.0, "c": 4.0, "d": 4.5, "e": 1.0}
    agree, disagree = agreement(mine, theirs, str.upper, limit=3)
    assert [entry["item"] for entry in agree] == ["a", "b"]
    assert [entry["item"] for entry in disagree] == ["d", "c"]
    assert agree[0] == {"item": "a", "title": "A", "mine": 5.0, "theirs": 5.0}
    many_mine = {str(n): float(n % 5 + 1) for n in range(10)}
    agree, disagree = agreement(many_mine, {k: 3.0 for k in many_mine}, str, limit=3)
    assert len(agree) == len(disagree) == 3
    assert not {e["item"] for e in agree} & {e["item"] for e in disagree}
