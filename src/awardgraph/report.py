"""What validation found: one ``Violation`` per SHACL result, and the ``Report`` of them all.

SHACL validation reports: https://www.w3.org/TR/shacl/#validation-report
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from awardgraph.namespaces import Namer

SHACL_SPEC = "https://www.w3.org/TR/shacl/"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, with the file and label of the entity it is about."""

    file: Path | None
    focus: Node
    label: str | None
    path: str | None
    value: Node | None
    message: str
    shape: Node | None
    severity: str


@dataclass(frozen=True)
class Report:
    """The outcome of validating the data files against the shapes."""

    conforms: bool
    violations: tuple[Violation, ...]
    files: tuple[Path, ...]
    statements: int
    namer: Namer
    shapes_file: Path | None = None
    cached: int = 0
    """Files (and the ontology) not validated again: the validation cache knew them."""

    def format(self, root: Path) -> str:
        """Group the results by entity, one header per entity and one line per result."""
        shown = _Shown(root, self.namer)
        groups: dict[tuple[str, str], list[Violation]] = defaultdict(list)
        for v in self.violations:
            groups[(shown.path(v.file), shown.term(v.focus))].append(v)
        lines: list[str] = []
        for (file, focus), found in sorted(groups.items()):
            label = found[0].label
            lines.append(f"{file}: {focus}" + (f" {self.namer.literal(label)}" if label else ""))
            for v in sorted(found, key=lambda v: (v.path or "", v.message)):
                lines.append("  " + shown.violation(v))
        shapes = shown.path(self.shapes_file) if self.shapes_file else "the shapes"
        n = len(self.files)
        if self.conforms:
            lines.append(
                f"{n} file{'s' if n != 1 else ''} conform{'' if n != 1 else 's'} to {shapes} "
                f"({self.statements} statements)"
            )
        else:
            lines.append(
                f"{len(self.violations)} results for {len(groups)} entities: the data does not "
                f"conform to {shapes}. See {SHACL_SPEC}#validation-report"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Shown:
    root: Path
    namer: Namer

    def path(self, file: Path | None) -> str:
        if file is None:
            return "(no file)"
        try:
            return str(file.relative_to(self.root))
        except ValueError:
            return str(file)

    def term(self, node: Node | None) -> str:
        if isinstance(node, Literal):
            datatype = str(node.datatype) if node.datatype else None
            return self.namer.literal(str(node), node.language, datatype)
        if isinstance(node, URIRef):
            return self.namer.iri(str(node))
        return f"_:{node}"

    def violation(self, v: Violation) -> str:
        where = v.path or "(node)"
        value = f": {self.term(v.value)}" if v.value is not None else ""
        level = "" if v.severity == "Violation" else f"[{v.severity}] "
        return f"{level}{where}{value} — {v.message}"
