"""The JSON diff document: what :meth:`MatrixDiff.to_json` writes and :func:`read_diff` reads.

One versioned object (``"type": "stancematrix diff"``) holding the diff's options, the
scale (as a matrix document writes it), the metadata, actor, issue and source changes
(each side written with the entry's fields, see :mod:`stancematrix._io.schema`), the new
orders, the claim changes, the unpaired cells and the stance shifts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from stancematrix._diff.matrixdiff import Changes, ClaimData, MatrixDiff, changes, orders
from stancematrix._diff.matrixdiff import make as make_diff
from stancematrix._diff.values import (
    PARTS,
    Claim,
    EntityChange,
    MetadataChange,
    Part,
    entity_key,
    from_position,
    shift_kind,
    to_position,
)
from stancematrix._io.jsonreader import Reader, kind_of
from stancematrix._io.schema import CLAIM, ENTRIES, compact, scale_data
from stancematrix._io.source import MAX_RATIO, MAX_SIZE, Input, read_text
from stancematrix._scale import Scale
from stancematrix.exceptions import StanceMatrixError

__all__ = ["DIFF_FORMAT_VERSION", "diff_to_json", "read_diff"]

#: The version of the diff document :meth:`MatrixDiff.to_json` writes.
DIFF_FORMAT_VERSION: Final = 2
_DIFF_TOP: Final = (
    "format_version",
    "type",
    "options",
    "scale",
    "metadata",
    "actors",
    "issues",
    "sources",
    "order",
    "claims",
    "unpaired",
    "shifts",
)
_OPTIONS: Final = ("stance_only", "ignore_case", "ignore_whitespace")
_ENTRIES: Final = {entry.name: entry for entry in ENTRIES}


def diff_to_json(patch: MatrixDiff, *, indent: int | None = 2) -> str:
    """Write a diff as a versioned JSON document (see :meth:`MatrixDiff.to_json`)."""

    def entity(change: EntityChange) -> dict[str, Any]:
        out: dict[str, Any] = {"change": change.change}
        if change.index is not None:
            out["index"] = change.index
        for side in ("old", "new"):
            value = getattr(change, side)
            if value is not None:
                out[side] = compact(value, _ENTRIES[change.part].fields)
        return out

    def claim(value: Claim | None) -> dict[str, Any] | None:
        return None if value is None else compact(to_position(value), CLAIM.fields)

    document: dict[str, Any] = {
        "format_version": DIFF_FORMAT_VERSION,
        "type": "stancematrix diff",
        "options": patch.options,
    }
    document["scale"] = scale_data(patch.scale)  # as a matrix document writes it
    document["metadata"] = [
        {
            "key": m.key,
            **({"old": m.old} if m.old is not None else {}),
            **({"new": m.new} if m.new is not None else {}),
        }
        for m in patch.metadata
    ]
    for name, entities in (
        ("actors", patch.actors),
        ("issues", patch.issues),
        ("sources", patch.sources),
    ):
        document[name] = [entity(e) for e in entities]
    document["order"] = [
        {"part": part, "old": list(old), "new": list(new)} for part, old, new in orders(patch)
    ]
    claims = []
    for change in patch.claims:
        item: dict[str, Any] = {"change": change.change}
        if change.old is not None:
            item["old"] = compact(change.old, CLAIM.fields)
        if change.new is not None:
            item["new"] = compact(change.new, CLAIM.fields)
        claims.append(item)
    document["claims"] = claims
    document["unpaired"] = [{"actor": a, "issue": i} for a, i in patch.unpaired]
    shifts = []
    for old, new, actor, issue in sorted(changes(patch).shifts, key=lambda s: s[2:]):
        item = {"actor": actor, "issue": issue}
        if old is not None:
            item["old"] = claim(old)
        if new is not None:
            item["new"] = claim(new)
        shifts.append(item)
    document["shifts"] = shifts
    return json.dumps(document, ensure_ascii=False, indent=indent) + "\n"


def read_diff(
    source: Input, *, max_ratio: float = MAX_RATIO, max_size: int = MAX_SIZE
) -> MatrixDiff:
    """Read a diff from the JSON document :meth:`MatrixDiff.to_json` wrote.

    Args:
        source: A path, an open file, bytes (gzip is recognised), or the JSON text (a
            ``str`` holding a line break or starting with ``{`` or ``[``; any other
            ``str`` is a file name).
        max_ratio: Refuse gzip input that expands to more than this many times its own
            size (checked past 1 MiB of output), as a decompression bomb would.
        max_size: Refuse gzip input that expands to more than this many bytes.

    Raises:
        ReadError: If gzip input expands beyond the limits, the input is not valid JSON
            or not a diff document of a supported
            ``format_version``, has a missing, unknown or repeated key or a value of the
            wrong type, or describes an impossible diff (a stance off the scale, a
            changed claim whose two sides are in different cells …). The error names the
            file, the line and column of the object concerned, and its path
            (``claims[3].new.stance``).
    """
    text, name = read_text(source, looks_like_text="{[", max_ratio=max_ratio, max_size=max_size)
    return _DiffReader(text, name).read_diff()


class _DiffReader(Reader):
    """Checks a diff document's shape, reporting errors with path, line and column."""

    def read_diff(self) -> MatrixDiff:
        root = self.parse()
        root = self.obj(root, "", ("format_version", "type", "scale"), _DIFF_TOP)
        self.check_version(root, DIFF_FORMAT_VERSION, "diff ", oldest=1)
        if root["type"] != "stancematrix diff":
            raise self.fail(
                "not a diff document (type must be 'stancematrix diff')", "type", root, root["type"]
            )
        options: dict[str, bool] = {}
        if "options" in root:
            node = self.obj(root["options"], "options", (), _OPTIONS)
            for key, value in node.items():
                if type(value) is not bool:
                    raise self.fail(
                        f"expected true or false, got {kind_of(value)}",
                        f"options.{key}",
                        node,
                        value,
                    )
                options[key] = value
        scale = self.scale(root["scale"], "scale")
        metadata = []
        for i, node in enumerate(self.list_of(root, "metadata")):
            where = f"metadata[{i}]"
            node = self.obj(node, where, ("key",), ("key", "old", "new"))
            values = {k: self.string(node[k], f"{where}.{k}") for k in node}
            if values.get("old") == values.get("new"):
                raise self.fail("a metadata change needs differing old and new", where, node)
            metadata.append(MetadataChange(values["key"], values.get("old"), values.get("new")))
        entities: dict[Part, list[EntityChange]] = {}
        named: tuple[tuple[Part, str], ...] = (
            ("actor", "actors"),
            ("issue", "issues"),
            ("source", "sources"),
        )
        for part, name in named:
            entities[part] = [
                self.entity(part, node, f"{name}[{i}]")
                for i, node in enumerate(self.list_of(root, name))
            ]
        orders = []
        for i, node in enumerate(self.list_of(root, "order")):
            where = f"order[{i}]"
            node = self.obj(node, where, ("part", "old", "new"), ("part", "old", "new"))
            part = node["part"]
            if part not in PARTS:
                raise self.fail(
                    f"part must be one of {', '.join(PARTS)}", f"{where}.part", node, part
                )
            old = self.strings(node["old"], f"{where}.old")
            new = self.strings(node["new"], f"{where}.new")
            orders.append((part, old, new))
        changed, removed, added = [], [], []
        for i, node in enumerate(self.list_of(root, "claims")):
            where = f"claims[{i}]"
            node = self.obj(node, where, ("change",), ("change", "old", "new"))
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            change = "added" if old_claim is None else "removed" if new_claim is None else "changed"
            if old_claim is None and new_claim is None:
                raise self.fail("a claim change needs an old or a new claim", where, node)
            if node["change"] != change:
                raise self.fail(
                    f"change is {change!r} for these sides", f"{where}.change", node, node["change"]
                )
            if old_claim is not None and new_claim is not None:
                if old_claim[:2] != new_claim[:2]:
                    raise self.fail("a changed claim must stay in its cell", where, node)
                changed.append((old_claim, new_claim))
            elif old_claim is not None:
                removed.append(old_claim)
            elif new_claim is not None:
                added.append(new_claim)
        unpaired = []
        for i, node in enumerate(self.list_of(root, "unpaired")):
            where = f"unpaired[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue"))
            unpaired.append(
                (
                    self.string(node["actor"], f"{where}.actor"),
                    self.string(node["issue"], f"{where}.issue"),
                )
            )
        shifts = []
        for i, node in enumerate(self.list_of(root, "shifts")):
            where = f"shifts[{i}]"
            node = self.obj(node, where, ("actor", "issue"), ("actor", "issue", "old", "new"))
            cell = (
                self.string(node["actor"], f"{where}.actor"),
                self.string(node["issue"], f"{where}.issue"),
            )
            old_claim = self.claim(node, "old", where, scale)
            new_claim = self.claim(node, "new", where, scale)
            for claim in (old_claim, new_claim):
                if claim is not None and claim[:2] != cell:
                    raise self.fail("a shift's claims must be in its cell", where, node)
            kind, _ = shift_kind(
                scale,
                None if old_claim is None else old_claim[3],
                None if new_claim is None else new_claim[3],
            )
            if kind is None:
                raise self.fail("the stance does not move between these claims", where, node)
            shifts.append((old_claim, new_claim, *cell))
        return make_diff(
            scale=scale,
            entities=entities,
            orders=orders,
            metadata=metadata,
            data=ClaimData(
                value=Changes(tuple(changed), tuple(removed), tuple(added), tuple(shifts)),
                empty=not (changed or removed or added),
            ),
            unpaired=unpaired,
            options=options,
        )

    def list_of(self, root: Mapping[str, Any], key: str) -> list[Any]:
        return self.items(root, key, "") if key in root else []

    def entity(self, part: Part, node: Any, where: str) -> EntityChange:
        node = self.obj(node, where, ("change",), ("change", "index", "old", "new"))
        sides = {
            side: self.entry(node[side], f"{where}.{side}", _ENTRIES[part])
            for side in ("old", "new")
            if side in node
        }
        index = node.get("index")
        if index is not None and (type(index) is not int or index < 0):
            raise self.fail("expected a non-negative integer", f"{where}.index", node, index)
        old, new = sides.get("old"), sides.get("new")
        if old is None and new is None:
            raise self.fail(f"an {part} change needs an old or a new {part}", where, node)
        if old is not None and new is not None:
            if entity_key(old) != entity_key(new):
                raise self.fail(f"a changed {part} must keep its key", where, node)
            if old == new:
                raise self.fail(f"a changed {part} must change", where, node)
            if index is not None:
                raise self.fail("only an added or removed entry has an index", where, node)
        elif index is None:
            raise self.fail(f"an added or removed {part} needs an index", where, node)
        change = EntityChange(part, old, new, index)
        if node["change"] != change.change:
            raise self.fail(
                f"change is {change.change!r} for these sides",
                f"{where}.change",
                node,
                node["change"],
            )
        return change

    def claim(self, node: Mapping[str, Any], side: str, where: str, scale: Scale) -> Claim | None:
        if side not in node:
            return None
        path = f"{where}.{side}"
        value = self.obj(node[side], path, CLAIM.required, CLAIM.fields)
        position = self.build(value, path, CLAIM)
        if position.stance not in scale:
            try:
                scale.code(position.stance)
            except StanceMatrixError as error:
                raise self.fail(str(error), f"{path}.stance", value, position.stance) from error
        return from_position(position)
