"""The ``awardgraph`` command line: a thin skin over the library.

Each command calls one library function and turns an ``AwardgraphError`` into a message
on standard error and the error's exit code: 0 success (or data that conforms), 1 data
that does not conform to the SHACL shapes, 2 any other error (as pySHACL's CLI does).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

import click

from awardgraph import __version__
from awardgraph.build import LARGE_DATA, build
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.errors import AwardgraphError, ValidationFailed
from awardgraph.formats import GRAPH_FORMATS, RESULT_FORMATS, graph_format
from awardgraph.validate import validate_files

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

R = TypeVar("R")


def with_config(command: Callable[..., R]) -> Callable[..., R]:
    """Add --data-dir, --base-iri, --store and --config; pass ``config``; report our errors.

    An ``AwardgraphError`` becomes ``Error: …`` on stderr and the error's own exit code
    (not ``click.ClickException``, whose exit code is one per class).
    """

    @click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Directory of *.trig/*.ttl data files [env AWARDGRAPH_DATA_DIR; default data/].",
    )
    @click.option(
        "--base-iri",
        help="Base for the data's relative IRIs [env AWARDGRAPH_BASE_IRI; "
        "default https://awardgraph.example/].",
    )
    @click.option(
        "--store",
        "store",
        metavar="DIR|URL",
        help="On-disk store directory, or a SPARQL server's query endpoint URL: `build` "
        "loads it, other commands read it [env AWARDGRAPH_STORE; default: build in memory].",
    )
    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Settings file (TOML) [env AWARDGRAPH_CONFIG; default: awardgraph.toml if present].",
    )
    @functools.wraps(command)
    def wrapper(
        data_dir: Path | None,
        base_iri: str | None,
        store: str | None,
        config_file: Path | None,
        **kwargs: Any,
    ) -> R:
        root = Path.cwd()
        try:
            # Paths given on the command line are relative to the working directory.
            config = Config.load(
                data_dir=data_dir and data_dir.resolve(),
                base_iri=base_iri,
                store=store if store is None or "://" in store else Path(store).resolve(),
                config=config_file and config_file.resolve(),
            )
            root = config.root
            return command(config=config, **kwargs)
        except AwardgraphError as error:
            if isinstance(error, ValidationFailed):
                click.echo(error.report.format(root), err=True)
            click.echo(f"Error: {error}", err=True)
            raise click.exceptions.Exit(error.exit_code) from error

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="awardgraph")
@click.option("-v", "--verbose", is_flag=True, help="Show the RDF libraries' own warnings.")
def cli(verbose: bool) -> None:
    """Publish a collector's catalogue of Soviet awards as linked data.

    \b
    Examples:
      awardgraph build                      validate and index data/*.trig
      awardgraph validate data/labor-medals.trig
      awardgraph query established-in-year --param year=1938
      awardgraph export --format jsonld -o catalogue.jsonld
      awardgraph serve                      then open http://127.0.0.1:8000/
    """
    # rdflib logs a traceback for every ill-typed literal; SHACL reports them better.
    logging.getLogger("rdflib").setLevel(logging.NOTSET if verbose else logging.ERROR)


@cli.command("build")
@with_config
def build_command(config: Config) -> None:
    """Validate the data against the shapes and index it; print a summary.

    Nothing is written when the data does not conform (exit 1). With --store the
    new store replaces the old one only once it is complete.

    \b
    Examples:
      awardgraph build
      awardgraph build --store .awardgraph/store
    """
    with _progress_bar() as progress:
        publication = build(config, progress)
    click.echo(publication.summary(config))


@cli.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_config
def validate_command(config: Config, files: tuple[Path, ...]) -> None:
    """Check data files against ontology/shapes.ttl (SHACL) and print the report.

    Exit codes: 0 the data conforms, 1 it does not, 2 an error (syntax, unreadable file).

    \b
    Examples:
      awardgraph validate
      awardgraph validate data/labor-medals.trig data/soviet-badges.trig
    """
    report = validate_files(config, [f.resolve() for f in files] or None)
    click.echo(report.format(config.root))
    raise click.exceptions.Exit(0 if report.conforms else 1)


@cli.command("synth")
@click.option(
    "--specimens", type=click.IntRange(0), required=True, help="Number of specimens in all."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the catalogue-NN.trig files into.",
)
@click.option("--files", type=click.IntRange(1), default=1, show_default=True, help="Files.")
@click.option("--seed", type=int, default=1941, show_default=True, help="Random seed.")
def synth_command(specimens: int, out: Path, files: int, seed: int) -> None:
    """Write a synthetic catalogue that conforms to the shapes, for trying a large build.

    About 20 triples per specimen: award types with variants, issuing bodies, events,
    counts, weights and certificates; specimens with serial numbers, marks, materials,
    dates and booklets; every statement in a cited sentence's graph. The same seed
    writes the same bytes. None of it is sourced: never write it into data/.

    \b
    Examples:
      awardgraph synth --specimens 50000 --out /tmp/large --files 4
      awardgraph build --data-dir /tmp/large
    """
    from awardgraph.synth import synthesize

    target = out.resolve()
    data_dir = Config.load().data_dir
    if target == data_dir or data_dir in target.parents:
        click.echo(
            f"Error: '{out}' is the catalogue's data directory; synthetic data must not "
            "mix with sourced data. Choose another --out directory.",
            err=True,
        )
        raise click.exceptions.Exit(2)
    summary = synthesize(specimens, target, files, seed)
    click.echo(
        f"{summary.triples} triples, {summary.specimens} specimens, {summary.award_types} "
        f"award types in {len(summary.files)} file(s) under {out}"
    )


@cli.command("query")
@click.argument("query")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter."
)
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice([*RESULT_FORMATS, *GRAPH_FORMATS]),
    default="table",
    show_default=True,
    help="Output format (RDF formats are for CONSTRUCT/DESCRIBE queries).",
)
@with_config
def query_command(config: Config, query: str, params: tuple[str, ...], format_name: str) -> None:
    """Run QUERY: a .rq file, - for standard input, or a canned query's name.

    \b
    Examples:
      awardgraph query established-in-year --param year=1938
      awardgraph query my-question.rq --format csv
      echo 'SELECT * WHERE { ?s a ?class } LIMIT 5' | awardgraph query -
      awardgraph query --store .awardgraph/store established-in-year -f json
    """
    values = dict(_split_param(p) for p in params)
    result = Catalogue(config).query(query, values, sys.stdin)
    output = result.serialize(format_name)
    _stdout().write(output if output.endswith(b"\n") else output + b"\n")


@cli.command("export")
@click.option(
    "-f",
    "--format",
    "format_name",
    type=click.Choice(list(GRAPH_FORMATS)),
    help="RDF format [default: from the -o suffix, else turtle].",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@with_config
def export_command(config: Config, format_name: str | None, output: Path | None) -> None:
    """Write the catalogue as RDF: TriG and N-Quads keep the named graphs,
    the other formats merge all graphs into one.

    \b
    Examples:
      awardgraph export > catalogue.ttl
      awardgraph export -o catalogue.jsonld
      awardgraph export --format trig -o catalogue.trig
    """
    name = format_name or (graph_format(output.suffix).name if output else "turtle")
    catalogue = Catalogue(config)
    if output is None:
        catalogue.export(name, _stdout())
    else:
        with output.open("wb") as out:
            catalogue.export(name, out)


@cli.command("dump")
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write [env AWARDGRAPH_DUMPS_DIR; default: beside --store, "
    "else under the temporary directory].",
)
@click.option("--force", is_flag=True, help="Write the files even if they are up to date.")
@with_config
def dump_command(config: Config, out: Path | None, force: bool) -> None:
    """Write the whole dataset in every RDF format, each also gzipped, with
    manifest.json and SHA256SUMS (what `serve` offers at /dumps).

    Nothing is rewritten when the directory already holds this data's dumps.

    \b
    Examples:
      awardgraph dump --out dumps
      awardgraph dump --store .awardgraph/store
      cd dumps && sha256sum --check SHA256SUMS
    """
    from awardgraph.dumps import ensure

    found = ensure(Catalogue(config), out and out.resolve(), force)
    manifest = found.manifest
    state = "written to" if found.written else "up to date in"
    click.echo(f"Dumps of {manifest.triples} triples {state} {found.directory}:")
    width = max(len(f.name) for f in manifest.files)
    for f in manifest.files:
        click.echo(f"  {f.name:<{width}}  {f.bytes:>12,} bytes  sha256 {f.sha256}")


@cli.command("stats")
@with_config
def stats_command(config: Config) -> None:
    """Count instances per class, statements per source page and literals per language.

    \b
    Examples:
      awardgraph stats
      awardgraph stats --store .awardgraph/store
    """
    click.echo(Catalogue(config).stats().format())


@cli.command("queries")
@with_config
def queries_command(config: Config) -> None:
    """List the canned queries in queries/ with their parameters.

    \b
    Examples:
      awardgraph queries
    """
    for name, query in Catalogue(config).queries.items():
        click.echo(f"{name}: {query.title}")
        if query.description:
            click.echo(f"    {query.description}")
        for p in query.params:
            default = "required" if p.default is None else f"default {p.default}"
            click.echo(f"    --param {p.name}=<{p.type}>  {p.description} ({default})")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port (0: any free port).")
@click.option(
    "--workers", type=click.IntRange(1), help="Worker processes [default: one per CPU core]."
)
@click.option(
    "--threads", default=8, show_default=True, type=click.IntRange(1), help="Threads per worker."
)
@click.option(
    "--proxy-hops",
    type=click.IntRange(0),
    help="Reverse proxies in front whose X-Forwarded-* headers to trust "
    "[env AWARDGRAPH_PROXY_HOPS; default 0: none].",
)
@with_config
def serve_command(
    config: Config,
    host: str,
    port: int,
    workers: int | None,
    threads: int,
    proxy_hops: int | None,
) -> None:
    """Serve the SPARQL endpoint and the pages on gunicorn until Ctrl+C.

    Builds the catalogue first: in memory, or with --store into that directory
    (again only when the data changed; data that does not conform leaves the last
    good store in service). kill -HUP on this process publishes again without
    downtime: it rebuilds the store if the data changed, or takes the store that
    `awardgraph build --store` replaced, and starts new workers over it.

    \b
    Examples:
      awardgraph serve
      awardgraph serve --host 0.0.0.0 --port 8080 --store .awardgraph/store
      awardgraph serve --workers 4 --store /srv/awardgraph/store --proxy-hops 1
    """
    from awardgraph.serve import serve

    if proxy_hops is not None:
        config = replace(config, proxy_hops=proxy_hops)
    serve(config, host, port, workers, threads, echo=lambda text: click.echo(text, err=True))


def _split_param(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise click.BadParameter(f"'{text}' is not NAME=VALUE.", param_hint="--param")
    return name.strip().lstrip("?$"), value


def _stdout() -> BinaryIO:
    return sys.stdout.buffer


class _ProgressBar:
    """A ``build`` progress callback that draws a bar on stderr, only for large data."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._bar: ProgressBar[int] | None = None
        self._done = 0

    def __call__(self, label: str, done: int, total: int) -> None:
        if total <= LARGE_DATA:
            return
        if self._bar is None:
            bar = click.progressbar(length=total, label="Building", file=sys.stderr)
            self._bar = self._stack.enter_context(bar)
        self._bar.label = label
        self._bar.update(done - self._done)
        self._done = done


@contextlib.contextmanager
def _progress_bar() -> Iterator[_ProgressBar]:
    with contextlib.ExitStack() as stack:
        yield _ProgressBar(stack)
