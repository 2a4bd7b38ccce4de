"""What a file looks like before it is imported: the preview a person checks and corrects.

``preview_file`` runs the importer's own detection (``sniff`` for encoding, delimiter, header
and decimal mark; ``formats.identify`` for the format and each column's role) on the file, a
folder or a zip's ratings member, and keeps the first rows as cells. Nothing is read beyond
the sample and nothing is stored. A file whose columns cannot all be recognised still gets a
preview, with a warning, so the person can name the columns themselves; a file that is not a
table at all (empty, binary, an image, a web page, a zip without a ratings file) is refused
with ``RatingsImportError``, as an import would be.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from recommender.errors import RatingsImportError
from recommender.importing import formats
from recommender.importing.columns import ROLE_LABELS
from recommender.importing.columns import ColumnRoles
from recommender.importing.columns import roles_from_header
from recommender.importing.failures import import_failures_as_sentences
from recommender.importing.personal_file import PERSONAL_FILES
from recommender.importing.sniff import Layout
from recommender.importing.sniff import sniff
from recommender.importing.sources import COMMUNITY_RATINGS
from recommender.importing.sources import open_source

PREVIEW_ROWS = 10
MAX_CELL_CHARS = 200
#: Ratings files looked for inside a folder or zip, community names first.
WANTED_FILES = tuple(dict.fromkeys((*COMMUNITY_RATINGS, *PERSONAL_FILES)))


@dataclass(frozen=True)
class FilePreview:
    """The detected layout and format of a file, and what to show a person about it."""

    file_name: str
    size: int
    member: str | None  # the ratings file inside a folder or zip, when there is one
    layout: Layout
    spec: formats.FormatSpec
    warnings: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.spec.kind

    def check_roles(self, columns: ColumnRoles | None, kind: str) -> formats.FormatSpec:
        """The spec an import with these roles and kind would use; ``RatingsImportError`` with
        one sentence when they cannot work (see ``formats.with_roles``)."""
        path = Path(self.file_name)
        if columns is None:
            if kind != self.spec.kind:  # the kind changed: the detected roles must still fit
                columns = self.column_roles()
            elif not self.usable:
                raise RatingsImportError(self.warnings[0], path=path)
            else:
                return self.spec
        return formats.with_roles(self.spec, self.layout, columns, kind, path)

    @property
    def usable(self) -> bool:
        """Whether the detected roles are enough to import the file as detected."""
        required = formats.REQUIRED_ROLES[self.spec.kind]
        has_id = "item" in self.spec.roles or "title" in self.spec.roles
        rated = "rating" in self.spec.roles or self.spec.list_kind is not None
        return has_id and rated and all(r in self.spec.roles for r in required if r != "rating")

    def column_roles(self) -> dict[str, int]:
        """The detected roles a person may change: role -> column position."""
        return {role: p for role, p in self.spec.roles.items() if role in ROLE_LABELS}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: detection, columns with their roles, the first rows, the role choices."""
        layout = self.layout
        role_of = {position: role for role, position in self.column_roles().items()}
        names = [
            layout.header[i] if i < len(layout.header) else f"Column {i + 1}"
            for i in range(layout.n_fields)
        ]
        return {
            "file": self.file_name,
            "member": self.member,
            "size": self.size,
            "kind": self.spec.kind,
            "format": self.spec.name,
            "encoding": layout.encoding,
            "delimiter": layout.delimiter_name,
            "header": layout.has_header,
            "decimal": layout.decimal,
            "scale": list(self.spec.scale) if self.spec.scale else None,
            "list_kind": self.spec.list_kind,
            "columns": [
                {"index": i, "name": name, "role": role_of.get(i)} for i, name in enumerate(names)
            ],
            "rows": [
                [cell[:MAX_CELL_CHARS] for cell in row[: layout.n_fields]]
                + [""] * (layout.n_fields - len(row))
                for row in layout.rows[:PREVIEW_ROWS]
            ],
            "roles": [{"value": role, "label": label} for role, label in ROLE_LABELS.items()],
            "required": {kind: list(roles) for kind, roles in formats.REQUIRED_ROLES.items()},
            "usable": self.usable,
            "warnings": list(self.warnings),
        }


def preview_file(path: str | Path, max_bytes: int | None = None) -> FilePreview:
    """Detect the layout, format and column roles of ``path`` (file, folder or zip).

    :raise RatingsImportError: when the file is not a table Kindred can read at all.
    """
    with (
        import_failures_as_sentences(path),
        open_source(path, max_bytes, wanted=WANTED_FILES) as source,
    ):
        size = source.path.stat().st_size
        layout = sniff(source.path, size)
        warnings = _layout_warnings(layout)
        try:
            spec = formats.identify(layout, source.path)
        except RatingsImportError as error:
            warnings.insert(0, f"{error.message[:1].upper()}{error.message[1:]} Choose the roles.")
            spec = _unrecognised(layout)
        member = source.path.name if source.path != source.origin else None
        return FilePreview(source.origin.name, size, member, layout, spec, warnings)


def _unrecognised(layout: Layout) -> formats.FormatSpec:
    """A spec for a table whose ratings column was not found: whatever the header names."""
    roles = roles_from_header(layout.header) if layout.has_header else {}
    kind = formats.COMMUNITY if "user" in roles else formats.PERSONAL
    return formats.FormatSpec("generic", kind, roles)


def _layout_warnings(layout: Layout) -> list[str]:
    """What in the sample deserves a second look."""
    warnings = []
    if not layout.has_header:
        warnings.append("The file has no header row: the columns were recognised by their values.")
    uneven = sum(len(row) != layout.n_fields for row in layout.rows)
    if uneven:
        warnings.append(
            f"{uneven} of the first {len(layout.rows)} rows do not have {layout.n_fields} fields."
        )
    if layout.decimal == ",":
        warnings.append("Numbers are written with a decimal comma (4,5); they are read as such.")
    return warnings
