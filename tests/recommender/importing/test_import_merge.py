"""Re-importing a newer export: new ratings added, changed ones updated, app ratings kept."""

from __future__ import annotations

from recommender.importing import read_personal
from recommender.importing.merge import compare

HEADER = "Date,Name,Year,Letterboxd URI,Rating\n"


def test_reimport_adds_changes_and_keeps_app_ratings(write):
    first, _ = read_personal(
        write("old/ratings.csv", HEADER + "2020-01-01,Heat,1995,a,4\n2020-01-01,Alien,1979,b,3\n")
    )
    current = first.as_dict()  # without a community, Letterboxd rows keep their URI as id
    assert current == {"a": 4.0, "b": 3.0}
    current["c"] = 2.0  # rated in the app
    newer, _ = read_personal(
        write(
            "new/ratings.csv",
            HEADER + "2020-01-01,Heat,1995,a,4\n"
            "2021-01-01,Alien,1979,b,4.5\n"
            "2021-01-01,Brazil,1985,c,5\n"
            "2021-01-01,Ran,1985,d,5\n",
        )
    )
    changes = compare(current, newer, rated_in_app={"c"})
    assert changes.added == {"d": 5.0}
    assert changes.changed == {"b": (3.0, 4.5)}
    assert changes.unchanged == 1
    assert changes.kept_from_app == ("c",)
    assert changes.merged(current) == {
        "a": 4.0,
        "b": 4.5,
        "c": 2.0,
        "d": 5.0,
    }
    assert changes.summary() == (
        "1 new rating, 1 changed, 1 unchanged, 1 rating you made in Kindred kept."
    )
