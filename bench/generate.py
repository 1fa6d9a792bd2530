"""Write a synthetic catalogue that conforms to ontology/shapes.ttl, for benchmarks.

Same style as data/*.trig: every statement sits in a named graph named after an
ag:Citation, and the citations and their web pages are described in the default graph.
IRIs are relative (``<award/x>``, no @base). About ``TRIPLES_PER_SPECIMEN`` triples are
written per specimen (award types, variants, counts and citations included); no triple
is stated in two graphs. The output depends only on the arguments (seeded).

    python bench/generate.py --specimens 1000 --out /tmp/catalogue
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TRIPLES_PER_SPECIMEN = 17.75
"""Measured: 16.8 for a specimen, its mark and measurement, 0.8 for its share of a citation,
and about 0.15 for its share of an award type (one per 200 specimens)."""
ROW = 5
"""Specimens per citation (one 'Serial number: ...' table row, as in data/labor-medals)."""

PREFIXES = """\
@prefix ag:          <https://awardgraph.example/ontology#> .
@prefix rdfs:        <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:        <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:     <http://purl.org/dc/terms/> .
@prefix xsd:         <http://www.w3.org/2001/XMLSchema#> .
@prefix award:       <award/> .
@prefix variant:     <variant/> .
@prefix specimen:    <specimen/> .
@prefix collection:  <collection/> .
@prefix count:       <awarding-count/> .
@prefix measurement: <measurement/> .
@prefix mark:        <mark/> .
@prefix period:      <period/> .
@prefix cite:        <citation/> .
"""
ADJECTIVES = ["Valiant", "Distinguished", "Heroic", "Selfless"]
ADJECTIVES += ["Honored", "Exemplary", "Outstanding", "Faithful"]
FIELDS = [
    *("Labor", "Service", "Defense", "Construction", "Mining", "Transport", "Agriculture"),
    *("Science", "Education", "Medicine", "Railways", "Aviation", "Fire Service", "Fishing"),
]
FEATURES = ["fastened with a screw post", "a pentagonal suspension", "a flat reverse"]
COLLECTIONS = ("kihnu", "private-a", "private-b", "museum-loan")
PERIOD = "period:up-to-1991"


@dataclass(frozen=True)
class Summary:
    files: tuple[Path, ...]
    triples: int
    specimens: int
    award_types: int


Pairs = list[tuple[str, str]]


def text(value: str) -> str:
    """An English literal (the generated words need no escapes)."""
    return f'"{value}"@en'


def year(value: int) -> str:
    return f'"{value}"^^xsd:gYear'


class Writer:
    """Turtle blocks grouped into citation graphs; counts the triples it writes."""

    def __init__(self, page_base: str) -> None:
        self.graphs: list[str] = []
        self.citations: list[str] = []
        self.pages: list[str] = []
        self.triples = 0
        self.page_base = page_base

    def block(self, subject: str, pairs: Pairs) -> str:
        self.triples += len(pairs)
        body = " ;\n        ".join(f"{p} {o}" for p, o in pairs)
        return f"    {subject} {body} ."

    def page(self, slug: str, title: str) -> str:
        iri = f"<{self.page_base}{slug}.html>"
        pairs = [("a", "ag:WebPage"), ("rdfs:label", text(title)), ("dcterms:title", text(title))]
        self.pages.append(self.block(iri, pairs).strip())
        return iri

    def graph(self, name: str, page: str, quote: str, blocks: list[str]) -> None:
        self.graphs.append(f"cite:{name} {{\n" + "\n\n".join(blocks) + "\n}\n")
        pairs = [
            ("a", "ag:Citation"),
            ("rdfs:label", text(f"{name}, {quote.split(':')[0].lower()}")),
            ("dcterms:source", page),
            ("ag:quote", text(quote)),
        ]
        self.citations.append(self.block(f"cite:{name}", pairs).strip())

    def text(self, header: str) -> str:
        parts = [header, PREFIXES, *self.graphs, *self.pages, "", *self.citations, ""]
        return "\n".join(parts)


def award_type(w: Writer, rng: random.Random, index: int, specimens: int) -> None:
    """One award type, its variants and awarding count, then its specimens by rows."""
    kind = "medal" if index % 3 else "badge"
    name = f"{ADJECTIVES[index % len(ADJECTIVES)]} {FIELDS[index // len(ADJECTIVES) % 14]}"
    label = (f"Medal for {name}" if kind == "medal" else f"Badge of {name}") + (
        f", class {index // 112 + 1}" if index >= 112 else ""
    )
    slug = f"{kind}-{index:04d}"
    established = rng.randint(1918, 1985)
    page = w.page(slug, label)
    variants = [f"variant:{slug}-{v}" for v in range(1 + index % 3)]
    awarded = rng.randint(1, 2000) * 100
    count: Pairs = [("a", "ag:AwardingCount")]
    if index % 5:
        count += [("rdfs:label", text(f"{label}: about {awarded} awarded up to 1991"))]
        count += [("ag:count", str(awarded)), ("ag:qualifier", "ag:approximately")]
        count += [("ag:period", PERIOD)]
    else:
        words = "tens of thousands"
        count += [("rdfs:label", text(f"{label}: {words}")), ("ag:countText", text(words))]
    award: Pairs = [
        ("a", "ag:AwardType"),
        ("rdfs:label", text(label)),
        ("ag:kind", f"ag:{kind}"),
        ("ag:established", year(established)),
        ("ag:material", rng.choice(["ag:silver", "ag:bronze", "ag:brass"])),
        ("ag:awardingCount", f"count:{slug}"),
    ]
    blocks = [w.block(f"award:{slug}", award), w.block(f"count:{slug}", count)]
    for v, variant in enumerate(variants):
        pairs = [
            ("a", "ag:Variant"),
            ("rdfs:label", text(f"{label}, variant {v + 1}")),
            ("skos:broader", f"award:{slug}"),
            ("ag:distinguishingFeature", text(FEATURES[v])),
        ]
        blocks.append(w.block(variant, pairs))
    w.graph(f"{slug}-type", page, f"{label}: established in {established}", blocks)

    serials = rng.sample(range(1, 10 * specimens + 1000), specimens)
    for row in range(0, specimens, ROW):
        blocks = []
        for serial in serials[row : row + ROW]:
            blocks += specimen(w, rng, slug, label, serial, variants, established)
        numbers = " ".join(str(s) for s in serials[row : row + ROW])
        w.graph(f"{slug}-row-{row // ROW + 1}", page, f"Serial number: {numbers}", blocks)


def specimen(
    w: Writer,
    rng: random.Random,
    slug: str,
    label: str,
    serial: int,
    variants: list[str],
    established: int,
) -> Iterator[str]:
    """A specimen with its serial-number mark and a thickness measurement."""
    iri = f"{slug}-{serial}"
    pairs: Pairs = [
        ("a", "ag:Specimen"),
        ("rdfs:label", text(f"{label} No. {serial}")),
        ("ag:specimenOf", f"award:{slug}"),
        ("ag:inCollection", f"collection:{rng.choice(COLLECTIONS)}"),
        ("ag:serialNumber", f'"{serial}"'),
        ("ag:mark", f"mark:{iri}-number"),
        ("ag:measurement", f"measurement:{iri}-thickness"),
    ]
    if rng.random() < 0.5:
        pairs.append(("ag:variant", rng.choice(variants)))
    if rng.random() < 0.3:
        pairs.append(("ag:yearOfIssue", year(rng.randint(established, 1991))))
    yield w.block(f"specimen:{iri}", pairs)
    mark: Pairs = [
        ("a", "ag:Mark"),
        ("rdfs:label", text(f"No. {serial}: serial number")),
        ("ag:markType", "ag:serialNumberMark"),
        ("ag:text", f'"{serial}"'),
    ]
    yield w.block(f"mark:{iri}-number", mark)
    size = rng.randint(80, 200) / 1000
    measured: Pairs = [
        ("a", "ag:Measurement"),
        ("rdfs:label", text(f"No. {serial}: {size} inch thick")),
        ("ag:measures", "ag:thickness"),
        ("ag:value", str(size)),
        ("ag:unit", "ag:inch"),
    ]
    yield w.block(f"measurement:{iri}-thickness", measured)


def shared(w: Writer) -> None:
    """The collections and the period the awarding counts refer to (first file only)."""
    page = w.page("collections", "Collections")
    blocks = [
        w.block(f"collection:{c}", [("a", "ag:Collection"), ("rdfs:label", text(f"{c} coll."))])
        for c in COLLECTIONS
    ]
    period = [("a", "ag:Period"), ("rdfs:label", text("up to 1991")), ("ag:endYear", year(1991))]
    blocks.append(w.block(PERIOD, period))
    w.graph("collections", page, "Collections: the pieces shown here", blocks)


def award_types_for(specimens: int) -> int:
    return max(6, min(400, specimens // 200))


def generate(specimens: int, out: Path, files: int = 1, seed: int = 1941) -> Summary:
    """Write ``files`` TriG files into ``out`` with ``specimens`` specimens in all."""
    rng = random.Random(seed)
    types = award_types_for(specimens)
    weights = [rng.randint(1, 10) for _ in range(types)]
    per_type = Counter(rng.choices(range(types), weights, k=specimens))
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    triples = 0
    for f in range(files):
        w = Writer("https://collector.example/awards/")
        if f == 0:
            shared(w)
        for index in range(f, types, files):
            award_type(w, rng, index, per_type[index])
        path = out / f"catalogue-{f + 1:02d}.trig"
        header = f"# Synthetic catalogue written by bench/generate.py (seed {seed}, file {f + 1})."
        path.write_text(w.text(header), encoding="utf-8")
        written.append(path)
        triples += w.triples
    return Summary(tuple(written), triples, specimens, types)


def specimens_for(triples: int) -> int:
    """How many specimens give about ``triples`` triples."""
    return max(1, round(triples / TRIPLES_PER_SPECIMEN))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--specimens", type=int, help="number of specimens")
    size.add_argument("--triples", type=int, help="about this many triples instead")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--files", type=int, default=1, help="number of .trig files")
    parser.add_argument("--seed", type=int, default=1941)
    args = parser.parse_args()
    n = args.specimens if args.specimens is not None else specimens_for(args.triples)
    summary = generate(n, args.out, args.files, args.seed)
    print(
        f"{summary.triples} triples, {summary.specimens} specimens, "
        f"{summary.award_types} award types in {len(summary.files)} file(s) under {args.out}"
    )


if __name__ == "__main__":
    main()
