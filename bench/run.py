"""All the benchmarks in one run: each step's report, and one table of the targets.

Every step is a script of bench/ run with its arguments from ``STEPS``; it writes its
Markdown report (``--save``) and, when it takes ``--json``, its headline figures (rows of
``common.Summary``) to bench/out/. The runner gathers them into bench/results.md: the
run's date, commit, machine, load average and versions, the headline table (every ratio
and target, met or missed) and each step's report. A step whose script is not in the
checkout is named in the report, not run.

    python bench/run.py                  # full, on the bundled and a 100,000-triple catalogue
    python bench/run.py --quick          # smoke run: short rows, small catalogues
    python bench/run.py --only endpoint  # some steps (names as in STEPS)
    python bench/run.py --assemble       # write results.md again from bench/out/
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common import BENCH, Summary, ensure_wrk, environment, read_summary, versions

ROOT = BENCH.parent
OUT = BENCH / "out"
RESULTS = BENCH / "results.md"
QUICK_RESULTS = OUT / "results-quick.md"
RECORD = "run.json"
"""In bench/out/: what the run did, for --assemble."""
SERVERS = ("oxigraph", "rdflib-endpoint", "uvicorn", "flask", "gunicorn", "waitress")

LOAD = "bundled,100000"
"""The catalogues of the load tests: the bundled one and a synthetic one (triples)."""
QUICK_LOAD = "bundled,10000"
QUICK_ROWS = ("--connections", "8", "--duration", "2", "--warmup", "1")
"""For --quick: one number of connections, 2 s a row after 1 s of warm-up."""


@dataclass(frozen=True)
class Step:
    name: str
    script: str
    title: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    arrives: str = ""
    """Where the script comes from while it is not in the checkout."""


STEPS = (
    Step(
        "endpoint",
        "endpoint.py",
        "SPARQL endpoint under load: awardgraph embedded and remote, its peers, the floors",
        ("--sizes", LOAD),
        ("--sizes", QUICK_LOAD, *QUICK_ROWS),
    ),
    Step(
        "pages",
        "pages.py",
        "Entity pages under load: awardgraph embedded and remote, the Flask floor",
        ("--sizes", LOAD),
        ("--sizes", QUICK_LOAD, *QUICK_ROWS, "--per-class", "10"),
    ),
    Step(
        "build",
        "build.py",
        "Build: validation and store load",
        ("--sizes", "1000000", "--repeat", "1"),
        ("--sizes", "10000", "--repeat", "1"),
    ),
    Step(
        "dump",
        "dump.py",
        "Turtle dump against pyoxigraph's serializer",
        ("--sizes", "bundled,1000000"),
        ("--sizes", "bundled,10000"),
        arrives="the dumpmem branch",
    ),
    Step(
        "memory",
        "memory.py",
        "Resident memory while serving against a bare pyoxigraph store",
        ("--sizes", "bundled,1000000"),
        ("--sizes", "bundled,10000"),
        arrives="the dumpmem branch",
    ),
)
"""The steps, in the order they run. A new benchmark is one more row: a script that takes
``--save FILE.md`` and (for the headline table) ``--json FILE``, see common.Summary."""


@dataclass
class Ran:
    """What became of one step in this run."""

    name: str
    title: str
    command: str
    status: str
    """"ran", "failed", "absent" (no script) or "skipped" (--only, --skip)."""
    exit_code: int | None = None
    seconds: float = 0.0
    load: list[float] = field(default_factory=list)
    """The 1-minute load average before and after the step."""
    summary: bool = False
    """Whether the script takes --json."""
    note: str = ""


@dataclass
class Run:
    mode: str
    commit: str
    started: str
    cpus: int
    machine: str
    environment: str
    versions: str
    load_start: list[float]
    ended: str = ""
    minutes: float = 0.0
    load_end: list[float] = field(default_factory=list)
    steps: list[Ran] = field(default_factory=list)

    def save(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        (out / RECORD).write_text(json.dumps(asdict(self), indent=1) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, out: Path) -> Run:
        found = json.loads((out / RECORD).read_text(encoding="utf-8"))
        steps = [Ran(**step) for step in found.pop("steps")]
        return cls(**found, steps=steps)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def commit() -> str:
    """The checkout's commit, and whether its working tree differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
        return done.stdout.strip()

    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "src", "bench", "queries")
    return f"{head} (with uncommitted changes)" if changed else head


def takes_json(script: Path) -> bool:
    """Whether the script writes a summary for the headline table (``--json``)."""
    done = subprocess.run([sys.executable, str(script), "--help"], capture_output=True, text=True)
    return "--json" in done.stdout


def run_step(step: Step, quick: bool, out: Path) -> Ran:
    """Run one step, its output echoed and kept in ``out/<name>.log``."""
    script = BENCH / step.script
    argv = [*(step.quick if quick else step.full), "--save", str(out / f"{step.name}.md")]
    summary = takes_json(script) if script.exists() else False
    argv += ["--json", str(out / f"{step.name}.json")] if summary else []
    shown = " ".join(
        ["python", f"bench/{step.script}", *(a.replace(str(ROOT) + "/", "") for a in argv)]
    )
    if not script.exists():
        note = f"bench/{step.script} is not in this checkout"
        note += f" (it arrives with {step.arrives})" if step.arrives else ""
        return Ran(step.name, step.title, shown, "absent", note=note)
    for stale in (out / f"{step.name}.md", out / f"{step.name}.json"):
        stale.unlink(missing_ok=True)
    print(f"\n=== {step.name}: {shown}", flush=True)
    before, started = load_average()[0], time.perf_counter()
    with (out / f"{step.name}.log").open("w", encoding="utf-8") as log:
        child = subprocess.Popen(
            [sys.executable, str(script), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
        try:
            assert child.stdout is not None
            for line in child.stdout:
                print(line, end="", flush=True)
                log.write(line)
            child.wait()
        finally:
            if child.poll() is None:  # the runner was stopped: the step stops its servers
                child.terminate()
                child.wait(120)
    seconds = time.perf_counter() - started
    status = "ran" if child.returncode == 0 else "failed"
    ran = Ran(step.name, step.title, shown, status, child.returncode, seconds, summary=summary)
    ran.load = [before, load_average()[0]]
    if not summary:
        ran.note = f"bench/{step.script} takes no --json: its figures are not in the headline"
    return ran


def figure(value: float | None) -> str:
    if value is None:
        return ""
    if value == float("inf"):
        return "∞"
    return (
        f"{value:,.0f}"
        if abs(value) >= 100
        else f"{value:.1f}"
        if abs(value) >= 10
        else f"{value:.2f}"
    )


def headline(rows: list[tuple[str, Summary]]) -> list[str]:
    """The table of every step's summary rows, with the count of targets met."""
    lines = [
        "| step | benchmark | catalogue | store | ours | peer | theirs | ratio | target | met |",
        "| --- | --- | --- | --- | ---: | --- | ---: | ---: | --- | :---: |",
    ]
    for step, row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}"
        mark = {True: "✓", False: "✗", None: ""}[row.met]
        cells = [step, row.benchmark, row.catalogue, row.store, figure(row.ours)]
        cells += [row.peer or "", figure(row.theirs), ratio, row.target or "", mark]
        lines.append(f"| {' | '.join(cells)} |")
    held = [row for _, row in rows if row.met is not None]
    met = sum(1 for row in held if row.met)
    lines += ["", f"{len(held)} targets: {met} met, {len(held) - met} missed."]
    return lines


def assemble(run: Run, out: Path) -> str:
    """results.md: the header, the headline table, and each step's report."""
    load = " / ".join(f"{x:g}" for x in run.load_start)
    load_end = " / ".join(f"{x:g}" for x in run.load_end) or "?"
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py{' --quick' if run.mode == 'quick' else ''}` "
        "(bench/README.md says what each step and column means).",
        "",
        f"- **Run**: {run.mode}, {run.started} to {run.ended or '?'} ({run.minutes:.0f} minutes)",
        f"- **Commit**: {run.commit}",
        f"- **Machine**: {run.cpus} CPUs, {run.machine}; load average (1 / 5 / 15 min) "
        f"{load} at the start, {load_end} at the end. The machine is shared: only ratios "
        "between peers measured side by side in this run mean anything.",
        f"- **Versions**: {run.environment}; {run.versions}",
        "",
        "## Targets and ratios",
        "",
        "ratio = ours ÷ theirs; a target is on the ratio when there is a peer, else on ours.",
        "",
    ]
    rows: list[tuple[str, Summary]] = []
    notes = []
    for ran in run.steps:
        summary = out / f"{ran.name}.json"
        found = read_summary(summary) if ran.summary and summary.exists() else []
        rows += [(ran.name, row) for row in found]
        if ran.status == "failed":
            why = f"failed (exit {ran.exit_code}), see bench/out/{ran.name}.log"
            notes.append(f"- {ran.name}: {why}{'; the figures above are partial' if found else ''}")
        elif ran.status != "skipped" and not found:
            notes.append(f"- {ran.name}: {ran.note or 'wrote no summary'}")
    lines += headline(rows)
    if notes:
        lines += ["", "Steps missing from the table, or that failed:", "", *notes]
    for ran in run.steps:
        if ran.status == "skipped":
            continue
        lines += ["", f"## {ran.name}: {ran.title}", "", f"    {ran.command}", ""]
        if ran.status == "absent":
            lines.append(f"Not run: {ran.note}.")
            continue
        lines.append(
            f"Exit {ran.exit_code}, {ran.seconds / 60:.1f} minutes, load average "
            f"{' → '.join(f'{x:g}' for x in ran.load)}."
        )
        report = out / f"{ran.name}.md"
        if report.exists():
            lines += ["", report.read_text(encoding="utf-8").rstrip()]
        else:
            lines += ["", f"No report was written; the end of bench/out/{ran.name}.log:", ""]
            log = out / f"{ran.name}.log"
            tail = log.read_text(encoding="utf-8").splitlines()[-15:] if log.exists() else []
            lines += [f"    {line}" for line in tail]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--quick", action="store_true", help="short rows and small catalogues: a smoke run")
    names = ", ".join(step.name for step in STEPS)
    add("--only", default="", help=f"only these steps, comma-separated ({names})")
    add("--skip", default="", help="all steps but these, comma-separated")
    add("--out", type=Path, default=OUT, help="where the steps' reports and logs go")
    add(
        "--results",
        type=Path,
        help=f"the report (default {RESULTS.relative_to(ROOT)}, "
        f"with --quick {QUICK_RESULTS.relative_to(ROOT)})",
    )
    add("--assemble", action="store_true", help="write the report again from --out; run nothing")
    args = parser.parse_args()
    results = args.results or (QUICK_RESULTS if args.quick else RESULTS)
    out: Path = args.out
    if args.assemble:
        results.write_text(assemble(Run.read(out), out), encoding="utf-8")
        print(f"Wrote {results}")
        return
    known = {step.name for step in STEPS}
    only = {s for s in args.only.split(",") if s}
    skip = {s for s in args.skip.split(",") if s}
    if unknown := (only | skip) - known:
        parser.error(f"unknown steps {', '.join(sorted(unknown))}; the steps are {names}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the step is stopped
    ensure_wrk()
    out.mkdir(parents=True, exist_ok=True)
    run = Run(
        mode="quick" if args.quick else "full",
        commit=commit(),
        started=time.strftime("%Y-%m-%d %H:%M"),
        cpus=os.cpu_count() or 0,
        machine=f"{platform.machine()}, {platform.system()} {platform.release()}",
        environment=environment(),
        versions=versions(SERVERS),
        load_start=load_average(),
    )
    began = time.perf_counter()
    for step in STEPS:
        if (only and step.name not in only) or step.name in skip:
            args_ = step.quick if args.quick else step.full
            run.steps.append(Ran(step.name, step.title, " ".join(args_), "skipped"))
            continue
        run.steps.append(run_step(step, args.quick, out))
        run.save(out)
    run.ended = time.strftime("%Y-%m-%d %H:%M")
    run.minutes = (time.perf_counter() - began) / 60
    run.load_end = load_average()
    run.save(out)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(assemble(run, out), encoding="utf-8")
    print(f"\nWrote {results.relative_to(ROOT) if results.is_relative_to(ROOT) else results}")


if __name__ == "__main__":
    main()
