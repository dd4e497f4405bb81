"""Time doclint against its goals and its peers (SPEC §5.7); see benchmarks/README.md.

Every command runs as a whole process. Each scenario runs its commands once as a warm-up, then
``--runs`` times in alternation (A B A B ...), so that a ratio is the median of ratios of runs
taken side by side on the same (noisy) machine. Peak memory is the largest resident set of the
process tree (``os.wait4``). A table is printed and the figures are written to
``benchmarks/out/results.json`` (git-ignored).

    python benchmarks/run.py [--runs 5] [--scales 1,4,16] [--services 50] [--only NAME,...]
"""

from __future__ import annotations

import argparse
import compileall
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/generate.py, next to this file)

DEFAULT_PEERS = Path.home() / ".cache" / "doclint-peers"
README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"

FLOOR = r"""
import json, sys
from pathlib import Path
import yaml
from markdown_it import MarkdownIt
import pglast
root = Path(sys.argv[1])
md = MarkdownIt("commonmark").enable("table")
for path in sorted(root.rglob("*")):
    if ".doclint_cache" in path.parts or not path.is_file():
        continue
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        yaml.load(text, Loader=yaml.CSafeLoader)
    elif path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".md":
        md.parse(text)
    elif path.suffix == ".sql":
        pglast.parse_sql(text)
"""
# what a check of the sample service imports at the least: the CLI, and the parsers of its
# markdown, SQL and YAML, and the OpenAPI schema validator
IMPORT_FLOOR = "import click, markdown_it, pglast, yaml, jsonschema_rs"


@dataclass
class Command:
    """One process to time; ``prepare`` runs (untimed) before each run."""

    label: str
    argv: list[str]
    cwd: Path
    prepare: Callable[[], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def run(self) -> tuple[float, float, int, float]:
        if self.prepare is not None:
            self.prepare()
        env = {**os.environ, **self.env}
        start = time.perf_counter()
        process = subprocess.Popen(
            self.argv, cwd=self.cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, usage.ru_maxrss / 1024, process.returncode, cpu

    def summary(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "argv": [str(a) for a in self.argv],
            "median_s": statistics.median(self.times),
            "min_s": min(self.times),
            "max_s": max(self.times),
            "peak_mib": max(self.peaks),
            "cpu_median_s": statistics.median(self.cpu),
            "exit_codes": sorted(set(self.codes)),
            "runs": self.times,
        }


def measure(commands: list[Command], runs: int, warmup: int) -> None:
    for _ in range(warmup):
        for command in commands:
            command.run()
    for _ in range(runs):
        for command in commands:
            elapsed, peak, code, cpu = command.run()
            command.cpu.append(cpu)
            command.times.append(elapsed)
            command.peaks.append(peak)
            command.codes.append(code)


class Ratio(float):
    """A wall-time ratio, with the ratio of CPU times beside it (``cpu``): CPU time is what a
    loaded machine disturbs least."""

    cpu: float | None = None


def ratio(a: Command, b: Command) -> Ratio:
    """Median of the run-by-run ratios a/b (wall time; ``cpu``: CPU time)."""
    found = Ratio(statistics.median(x / y for x, y in zip(a.times, b.times, strict=True)))
    found.cpu = statistics.median(x / y for x, y in zip(a.cpu, b.cpu, strict=True) if y > 0)
    return found


@dataclass
class Goal:
    scenario: str
    what: str
    value: float
    limit: float
    unit: str = "x"

    @property
    def met(self) -> bool:
        return self.value < self.limit if self.unit != "x<=" else self.value <= self.limit

    def row(self) -> str:
        shown = f"{self.value:.1f} MiB" if self.unit == "MiB" else f"{self.value:.3f}x"
        limit = f"{self.limit:.0f} MiB" if self.unit == "MiB" else f"{self.limit}x"
        sign = "<=" if self.unit == "x<=" else "<"
        verdict = "met" if self.met else "**missed**"
        cpu = getattr(self.value, "cpu", None)
        cpu_shown = "-" if cpu is None else f"{cpu:.3f}x"
        cells = (self.scenario, self.what, shown, f"{sign} {limit}", verdict, cpu_shown)
        return "| " + " | ".join(cells) + " |"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out.resolve()
        self.work = self.out / "work"
        self.peers: Path = args.peers
        self.scenarios: dict[str, list[dict[str, Any]]] = {}
        self.goals: list[Goal] = []
        self.notes: list[str] = []
        self.code = self.snapshot()

    # -- commands -------------------------------------------------------------------------
    def snapshot(self) -> Path:
        """A copy of doclint's code, so that edits made while the benchmark runs change
        neither the figures nor the cache keys."""
        target = self.work / "snapshot"
        shutil.rmtree(target, ignore_errors=True)
        for name in ("doclint", "rules"):
            shutil.copytree(REPO / name, target / name, ignore=generate.SKIP)
        # byte-compiled as `pip install` leaves it: without this, a machine that sets
        # PYTHONDONTWRITEBYTECODE would compile every module from source on every run
        compileall.compile_dir(target / "doclint", quiet=1)
        return target

    def doclint(self, label: str, args: list[str], cwd: Path, **kw: Any) -> Command:
        env = {"PYTHONPATH": str(self.code), "NO_COLOR": "1"}
        return Command(label, [sys.executable, "-m", "doclint", *args], cwd, env=env, **kw)

    def peer(self, name: str, label: str, args: list[str], cwd: Path) -> Command | None:
        binary = self.peers / "node_modules" / ".bin" / name
        if not binary.exists():
            binary = self.peers / "venv" / "bin" / name
        if not binary.exists():
            self.notes.append(f"{name} is not installed in {self.peers}: '{label}' skipped")
            return None
        env = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
        return Command(label, [str(binary), *args], cwd, env=env)

    def wipe(self, root: Path) -> Callable[[], None]:
        return lambda: shutil.rmtree(root / ".doclint_cache", ignore_errors=True)

    def record(self, scenario: str, commands: list[Command | None]) -> list[Command]:
        present = [c for c in commands if c is not None]
        print(f"# {scenario}: {', '.join(c.label for c in present)}", file=sys.stderr)
        measure(present, self.args.runs, self.args.warmup)
        self.scenarios[scenario] = [c.summary() for c in present]
        return present

    def goal(self, scenario: str, what: str, value: float, limit: float, unit: str = "x") -> None:
        self.goals.append(Goal(scenario, what, value, limit, unit))

    # -- scenarios ------------------------------------------------------------------------
    def startup(self) -> None:
        version = self.doclint("doclint --version", ["--version"], REPO)
        click = Command("python -c 'import click'", [sys.executable, "-c", "import click"], REPO)
        self.record("startup", [version, click])
        self.goal("startup", "doclint --version / import click", ratio(version, click), 1.3, "x<=")

    def sample(self) -> None:
        root = self.work / "sample"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(generate.SAMPLE, root, ignore=generate.SKIP)
        cold = self.doclint("check sample, cold", ["check", "."], root, prepare=self.wipe(root))
        warm = self.doclint("check sample, warm", ["check", "."], root)
        redocly = self.peer("redocly", "redocly lint openapi.yaml", ["lint", "openapi.yaml"], root)
        others = [
            self.peer(
                "spectral",
                "spectral lint openapi.yaml",
                ["lint", "-r", str(self.peers / ".spectral.yaml"), "openapi.yaml"],
                root,
            ),
            self.peer("openapi-spec-validator", "openapi-spec-validator", ["openapi.yaml"], root),
            self.peer("markdownlint-cli2", "markdownlint-cli2 docs", ["docs/**/*.md"], root),
            self.peer(
                "sqlfluff",
                "sqlfluff parse migrations",
                ["parse", "--dialect", "postgres", "db/migration"],
                root,
            ),
        ]
        imports = Command(
            "python + the imports a check of the sample needs",
            [sys.executable, "-c", IMPORT_FLOOR],
            root,
        )
        self.record("sample_service", [cold, warm, redocly, imports, *others])
        if redocly is not None:
            self.goal("sample_service", "cold / redocly lint", ratio(cold, redocly), 0.5)
            self.goal("sample_service", "warm / redocly lint", ratio(warm, redocly), 0.25)
            self.notes.append(
                "starting Python and importing only what a check of the sample cannot do "
                f"without ({IMPORT_FLOOR.removeprefix('import ')}) took "
                f"{ratio(imports, redocly):.3f}x `redocly lint` of the sample's spec"
            )

    def scales(self) -> None:
        scales = sorted(self.args.scales)
        roots = {n: generate.service(self.work / f"gen-{n}", n, seed=0) for n in scales}
        cold = {
            n: self.doclint(f"check N={n}, cold", ["check", "."], root, prepare=self.wipe(root))
            for n, root in roots.items()
        }
        top = scales[-1]
        root = roots[top]
        warm = self.doclint(f"check N={top}, warm", ["check", "."], root)
        redocly = self.peer("redocly", f"redocly lint N={top} spec", ["lint", "openapi.yaml"], root)
        floor = Command(f"parse floor N={top}", [sys.executable, "-c", FLOOR, str(root)], root)
        self.record("generated", [*cold.values(), warm, redocly, floor])
        for small, big in itertools.pairwise(scales):
            self.goal(
                "generated",
                f"cold N={big} / cold N={small} ({big // small}x the inputs)",
                ratio(cold[big], cold[small]),
                round(1.1 * big / small, 2),
                "x<=",
            )
        if redocly is not None:
            self.goal(
                "generated",
                f"cold N={top} / redocly lint of its spec",
                ratio(cold[top], redocly),
                0.5,
            )
            self.notes.append(
                f"the parse floor of N={top} alone took {ratio(floor, redocly):.3f}x "
                "`redocly lint` of its spec"
            )
        self.goal("generated", f"warm N={top} / cold N={top}", ratio(warm, cold[top]), 0.2)
        self.goal("generated", f"cold N={top} peak memory", max(cold[top].peaks), 400, "MiB")
        self.goal(
            "generated",
            f"cold N={top} / parse floor (one process)",
            ratio(cold[top], floor),
            2,
            "x<=",
        )

    def monorepo(self) -> None:
        count = self.args.services
        root = self.work / f"mono-{count}"
        services = generate.monorepo(root, count, 1)
        one = services[min(7, count - 1)]
        doc = (one / "docs" / "API_CONTRACTS.md").relative_to(root)
        files = self.doclint("file list (one doc)", ["check", "--no-cache", str(doc)], root)
        whole = self.doclint("whole monorepo, --jobs 1", ["check", "--no-cache", "."], root)
        jobs = self.doclint(
            "whole monorepo, --jobs 2", ["check", "--no-cache", "--jobs", "2", "."], root
        )
        capacity = parallel_capacity()
        self.notes.append(
            f"two 1-CPU-second processes run side by side took {capacity:.2f} s before the "
            "monorepo scenario (1.0: two free cores; 2.0: no parallel capacity)"
        )
        self.record(f"monorepo M={count}", [files, whole, jobs])
        self.goal(f"monorepo M={count}", "file list / whole run", ratio(files, whole), 0.1)
        self.goal(f"monorepo M={count}", "--jobs 2 / --jobs 1", ratio(jobs, whole), 0.65)

    # -- output ---------------------------------------------------------------------------
    def table(self) -> str:
        lines = [
            "| scenario | command | median s | min s | max s | CPU s (median) | peak MiB | exit |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for scenario, commands in self.scenarios.items():
            for c in commands:
                lines.append(
                    f"| {scenario} | {c['label']} | {c['median_s']:.3f} | {c['min_s']:.3f} | "
                    f"{c['max_s']:.3f} | {c['cpu_median_s']:.3f} | {c['peak_mib']:.1f} | "
                    f"{','.join(map(str, c['exit_codes']))} |"
                )
        lines += [
            "",
            "| scenario | goal (wall time) | measured | limit | | same ratio in CPU time |",
            "|---|---|---|---|---|---|",
        ]
        lines += [g.row() for g in self.goals]
        lines += [""] + [f"- note: {n}" for n in dict.fromkeys(self.notes)]
        load = os.getloadavg()[0]
        lines += [
            "",
            f"Figures of {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}, Python "
            f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.1f} at "
            f"the end; {self.args.warmup} warm-up + {self.args.runs} runs of each command.",
        ]
        return "\n".join(lines).rstrip() + "\n"

    def save(self) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        payload = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                "cpus": os.cpu_count(),
                "load": os.getloadavg(),
            },
            "runs": self.args.runs,
            "warmup": self.args.warmup,
            "scenarios": self.scenarios,
            "goals": [
                {**g.__dict__, "value": float(g.value), "cpu_ratio": getattr(g.value, "cpu", None)}
                | {"met": g.met}
                for g in self.goals
            ],
            "notes": list(dict.fromkeys(self.notes)),
        }
        path = self.out / "results.json"
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        return path


SCENARIOS = ("startup", "sample", "scales", "monorepo")
BURN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0:\n    pass\n"


def parallel_capacity() -> float:
    """Wall seconds for two processes that each burn one CPU second at the same time: about 1
    when two cores are free, about 2 when the machine has one core's worth to spare."""
    start = time.perf_counter()
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    for burner in burners:
        burner.wait()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument(
        "--scales", type=lambda s: [int(x) for x in s.split(",")], default=[1, 4, 16]
    )
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--only", type=lambda s: s.split(","), default=list(SCENARIOS))
    parser.add_argument("--peers", type=Path, default=Path(os.environ.get("PEERS", DEFAULT_PEERS)))
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--update-readme", action="store_true", help="Write the table into benchmarks/README.md."
    )
    args = parser.parse_args(argv)
    bench = Bench(args)
    for name in SCENARIOS:
        if name in args.only:
            getattr(bench, name)()
    table = bench.table()
    print(table)
    print(f"figures: {bench.save()}", file=sys.stderr)
    if args.update_readme:
        readme = HERE / "README.md"
        text = readme.read_text(encoding="utf-8")
        head, _, rest = text.partition(README_START)
        _, _, tail = rest.partition(README_END)
        readme.write_text(f"{head}{README_START}\n{table}{README_END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
