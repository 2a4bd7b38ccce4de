"""CSV exports neutralise formula cells; backups round-trip the data directory and restores
refuse anything unsound without changing it; the CLI's backup and restore."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest
from test_community_store import leftovers
from test_community_store import write_ratings_csv

from recommender.cli import main
from recommender.errors import DataDirError
from recommender.storage import DATABASE_FILE
from recommender.storage import Store
from recommender.storage.backup import BACKUP_MANIFEST
from recommender.storage.backup import create_backup
from recommender.storage.backup import restore_backup
from recommender.storage.export import neutralised
from recommender.storage.export import ratings_csv
from recommender.storage.export import recommendations_csv
from recommender.workspace import Workspace


# ---------------------------------------------------------------------- CSV
@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Alien", "Alien"),
        ("", ""),
        (None, ""),
        (-1.5, -1.5),
        (4.0, 4.0),
    ],
)
def test_formula_cells_are_neutralised_numbers_are_not(cell, written):
    assert neutralised(cell) == written


def test_ratings_and_recommendations_csv_read_back_as_plain_text():
    ratings = [
        {"item": "=1+1", "title": "@Evil", "year": None, "my_rating": 4.5, "rated_at": "2026"},
        {"item": "d1", "title": "Plain, with comma", "year": 1999, "my_rating": 2.0},
    ]
    rows = list(csv.reader(io.StringIO(ratings_csv(ratings))))
    assert rows == [
        ["item", "title", "year", "my_rating", "rated_at"],
        ["'=1+1", "'@Evil", "", "4.5", "2026"],
        ["d1", "Plain, with comma", "1999", "2.0", ""],
    ]
    recommended = [
        {"item": "x", "title": "-Minus", "year": 2001, "predicted_rating": 4.2,
         "confidence": 0.7, "kindred_count": 12, "genres": ["Drama", "=War"]},
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(recommendations_csv(recommended))))
    assert rows[0][:3] == ["rank", "item", "title"]
    assert rows[1] == ["1", "x", "'-Minus", "2001", "4.2", "0.7", "12", "Drama|=War"]


def test_workspace_exports(tmp_path: Path):
    with Workspace(tmp_path / "data") as workspace:
        for item in workspace.catalogue(genre="Sci-Fi", per_page=5)["items"]:
            workspace.rate(item["item"], 5.0)
        ratings = list(csv.DictReader(io.StringIO(workspace.export_ratings_csv())))
        assert len(ratings) == 5 and {row["my_rating"] for row in ratings} == {"5.0"}
        top = list(csv.DictReader(io.StringIO(workspace.export_recommendations_csv(n=7))))
        expected = workspace.recommendations(n=7)["items"]
        assert [row["item"] for row in top] == [item["item"] for item in expected]
        assert [row["rank"] for row in top] == [str(n) for n in range(1, 8)]


# ---------------------------------------------------------------------- backup and restore
@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """A data dir with a stored community, ratings in it and in the demo, and a setting."""
    data_dir = tmp_path / "data"
    ratings_file = write_ratings_csv(tmp_path / "films" / "ratings.csv", 40, 60, 10, seed=4)
    with Workspace(data_dir) as workspace:
        workspace.import_community(ratings_file, name="films")
        workspace.rate("d155", 4.0)
        workspace.use_community("films")
        workspace.rate("1", 3.5)
    return data_dir


def test_backup_and_restore_round_trip(filled: Path, tmp_path: Path):
    archive = tmp_path / "backup.zip"
    with Workspace(filled) as workspace:
        manifest = workspace.create_backup(archive)
        assert manifest["communities"] == ["films"]
        workspace.rate("2", 1.0)  # after the backup: undone by the restore
        workspace.delete_community("films")
        assert workspace.community.is_demo
        restored = workspace.restore_backup(archive)
        assert restored["created_at"] == manifest["created_at"]
        assert workspace.community.name == "films", "the remembered community is back"
        assert workspace.my_ratings_map() == {"1": 3.5}
        assert workspace.store.ratings("Demo films") == {"d155": 4.0}
    with Workspace(tmp_path / "elsewhere") as other:
        assert other.communities()[1:] == []
    assert main(["restore", str(archive), "--data-dir", str(tmp_path / "elsewhere")]) == 0
    with Workspace(tmp_path / "elsewhere") as other:
        assert other.community.name == "films"
        assert other.my_ratings_map() == {"1": 3.5}
        assert len(leftovers(tmp_path / "elsewhere")) == 1


def test_backup_command_prints_the_manifest(filled, tmp_path, capsys):
    assert main(["backup", str(tmp_path / "b.zip"), "--json", "--data-dir", str(filled)]) == 0
    manifest = json.loads(capsys.readouterr().out)
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        names = set(archive.namelist())
    assert names == set(manifest["files"]) | {BACKUP_MANIFEST}
    assert DATABASE_FILE in names and any(name.endswith("user_items.npy") for name in names)


def test_backup_command_keeps_an_existing_file_unless_forced(filled, tmp_path, capsys):
    older = tmp_path / "b.zip"
    older.write_bytes(b"an older backup")
    assert main(["backup", str(older), "--data-dir", str(filled)]) == 2
    assert capsys.readouterr().err == (
        f"error: {older} already exists; choose another name, or add --force to replace it.\n"
    )
    assert older.read_bytes() == b"an older backup"
    assert main(["backup", str(older), "--force", "--data-dir", str(filled)]) == 0
    assert zipfile.is_zipfile(older)


def rewrite(archive: Path, target: Path, change) -> Path:
    """Copy ``archive`` to ``target`` with ``change(name, data) -> (name, data) | None``."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            changed = change(info.filename, source.read(info))
            if changed is not None:
                copy.writestr(changed[0], changed[1])
    return target


def newer_manifest(name: str, data: bytes):
    if name == BACKUP_MANIFEST:
        return name, json.dumps({**json.loads(data), "schema_version": 999}).encode()
    return name, data


def escaping_everywhere(name: str, data: bytes):
    """Rename the database member to climb out of the folder, in the manifest too."""
    evil = "../../kindred.sqlite3"
    if name == BACKUP_MANIFEST:
        manifest = json.loads(data)
        manifest["files"][evil] = manifest["files"].pop(DATABASE_FILE)
        manifest["files"][DATABASE_FILE] = manifest["files"][evil]
        return name, json.dumps(manifest).encode()
    return name, data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda n, d: (n, d[:-1] + bytes([d[-1] ^ 1])) if n.endswith(".npy") else (n, d),
         "does not match its checksum"),
        (lambda n, d: None if n == DATABASE_FILE else (n, d), "incomplete"),
        (lambda n, d: ("../../evil.npy", d) if n.endswith("item_ids.npy") else (n, d),
         "incomplete or has unexpected files"),
        (lambda n, d: None if n == BACKUP_MANIFEST else (n, d), "not a Kindred backup"),
        (newer_manifest, "newer version of Kindred"),
        (escaping_everywhere, "incomplete or has unexpected files"),
    ],
    ids=["flipped-bit", "no-database", "escaping-name", "no-manifest", "newer", "in-manifest"],
)  # fmt: skip
def test_unsound_backups_are_refused_and_change_nothing(filled, tmp_path, change, message):
    archive = tmp_path / "backup.zip"
    with Workspace(filled) as workspace:
        workspace.create_backup(archive)
        workspace.rate("3", 5.0)
        bad = rewrite(archive, tmp_path / "bad.zip", change)
        with pytest.raises(DataDirError, match=message) as refused:
            workspace.restore_backup(bad)
        assert "\n" not in str(refused.value)
        assert workspace.my_ratings_map() == {"1": 3.5, "3": 5.0}
    assert not (tmp_path / "evil.npy").exists()
    assert len(leftovers(filled)) == 1


def test_not_a_zip_and_an_open_directory_are_refused(filled: Path, tmp_path: Path):
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(DataDirError, match="not a Kindred backup"):
        restore_backup(text, filled)
    archive = tmp_path / "backup.zip"
    with Store(filled) as store:
        create_backup(store, archive)
        with pytest.raises(DataDirError, match="close it before restoring"):
            restore_backup(archive, filled)  # this very Store still has it open
    restore_backup(archive, filled)


def test_a_member_named_outside_the_layout_is_suspicious(filled: Path, tmp_path: Path):
    archive = tmp_path / "backup.zip"
    with Store(filled) as store:
        create_backup(store, archive)

    def add_escaping(name: str, data: bytes):
        if name == BACKUP_MANIFEST:
            manifest = json.loads(data)
            manifest["files"]["../../evil.npy"] = manifest["files"][DATABASE_FILE]
            return name, json.dumps(manifest).encode()
        return name, data

    bad = rewrite(archive, tmp_path / "bad.zip", add_escaping)
    with zipfile.ZipFile(bad, "a") as appended:
        appended.writestr("../../evil.npy", b"x")
    with pytest.raises(DataDirError, match=r"suspicious member \(../../evil.npy\)"):
        restore_backup(bad, filled)
    assert not (tmp_path / "evil.npy").exists()
