"""The scale benchmark: a ladder of synthetic plans, rolemix's strategy beside plain branch-and-bound.

Each case runs in its own process (so peak memory is the case's own) and
records seconds per phase (read, validate, build, hand-off, solve, read back,
explain, write), peak memory, objective, bound, gap and status.  Results go to
JSON and a markdown table.  ``rolemix bench`` runs it; see docs/performance.md.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import click

#: (employees, regions, segments, roles, periods): the ladder up to the headline case.
LADDER: dict[str, tuple[tuple[int, int, int, int, int], ...]] = {
    "smoke": ((300, 2, 2, 3, 4),),
    "small": ((2_000, 6, 3, 6, 12),),
    "ladder": ((2_000, 6, 3, 6, 12), (10_000, 15, 4, 6, 12), (30_000, 30, 4, 6, 12), (62_000, 60, 4, 6, 12)),
    "headline": ((62_000, 60, 4, 6, 12),),
}

SEED = 7


@dataclass(frozen=True)
class CaseResult:
    """One benchmark run of one approach on one size."""

    approach: str
    employees: int
    regions: int
    segments: int
    roles: int
    periods: int
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: dict[str, float]
    wall_s: float
    peak_memory_mb: float
    columns: int
    whole_number_columns: int
    message: str = ""


def run_case(workbook: Path, approach: str, time_limit_s: float, gap: float) -> dict[str, object]:
    """Run one approach on one workbook in this process and return its figures (used by the child process)."""
    from rolemix.errors import RolemixError
    from rolemix.model import SolveOptions, solve_plan
    from rolemix.report.workbook import write_plan_workbook
    from rolemix.workbook.reader import build_plan_input, file_sha256, read_workbook_data
    from rolemix.workbook.safety import check_workbook_file
    from rolemix.workbook.validate import Problems

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    clock = time.perf_counter()
    check_workbook_file(workbook)
    problems = Problems()
    data = read_workbook_data(workbook, problems)
    seconds["read"] = time.perf_counter() - clock
    if problems:
        raise SystemExit(f"{workbook} is not valid: {problems.sorted()[0]}")
    clock = time.perf_counter()
    plan_input = build_plan_input(data, (("workbook", str(workbook)), ("workbook_sha256", file_sha256(workbook))))
    seconds["validate"] = time.perf_counter() - clock
    options = SolveOptions(
        time_limit_s=time_limit_s,
        gap=gap,
        strategy="auto" if approach == "rolemix" else "mip",
        explain=approach == "rolemix",
    )
    figures: dict[str, object] = {}
    clock = time.perf_counter()
    try:
        result = solve_plan(plan_input, options)
    except RolemixError as error:
        seconds["solve"] = time.perf_counter() - clock
        figures.update(status=type(error).__name__, objective=None, bound=None, gap=None, message=str(error)[:300])
    else:
        outcome = result.outcome
        seconds.update(dict(outcome.phases))
        if approach == "rolemix":
            clock = time.perf_counter()
            with tempfile.TemporaryDirectory() as folder:
                write_plan_workbook(result, Path(folder) / "plan.xlsx")
            seconds["write"] = time.perf_counter() - clock
        figures.update(
            status=outcome.status,
            objective=outcome.objective,
            bound=outcome.bound,
            gap=outcome.gap,
            message=outcome.termination,
        )
    figures["seconds"] = seconds
    figures["wall_s"] = time.perf_counter() - started
    figures["peak_memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return figures


def _child(workbook: Path, approach: str, time_limit_s: float, gap: float) -> dict[str, object]:
    command = [sys.executable, "-m", "rolemix.bench", str(workbook), approach, str(time_limit_s), str(gap)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {
            "status": "crashed",
            "message": done.stderr.strip()[-300:],
            "seconds": {},
            "wall_s": 0.0,
            "peak_memory_mb": 0.0,
            "objective": None,
            "bound": None,
            "gap": None,
        }
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _model_size(workbook: Path) -> tuple[int, int]:
    from rolemix.model.build import build_model
    from rolemix.model.data import ModelData
    from rolemix.workbook.reader import read_plan_input

    plan_input = read_plan_input(workbook)
    model = build_model(ModelData.from_input(plan_input), whole_people=True)
    return len(model.problem.columns), len(model.integers)


def run_benchmark(
    ladder: str,
    time_limit_s: float,
    gap: float,
    out: Path,
    cache: Path,
    plain: bool,
    say: Callable[[str], None] = click.echo,
) -> list[CaseResult]:
    """Run the ladder; write ``out/bench.json`` and ``out/bench.md``; return the rows."""
    from rolemix.generate import generate_workbook

    out.mkdir(parents=True, exist_ok=True)
    cache.mkdir(parents=True, exist_ok=True)
    rows: list[CaseResult] = []
    for employees, regions, segments, roles, periods in LADDER[ladder]:
        name = f"gen-{employees}-{regions}x{segments}-r{roles}-t{periods}-s{SEED}.xlsx"
        workbook = cache / name
        if not workbook.exists():
            say(f"generating {name}")
            generate_workbook(
                workbook,
                employees=employees,
                regions=regions,
                segments=segments,
                roles=roles,
                periods=periods,
                seed=SEED,
            )
        columns, integers = _model_size(workbook)
        for approach in ("rolemix", "plain") if plain else ("rolemix",):
            say(f"{employees:,} employees, {approach}: running (time limit {time_limit_s:g} s)")
            figures = _child(workbook, approach, time_limit_s, gap)
            row = CaseResult(
                approach=approach,
                employees=employees,
                regions=regions,
                segments=segments,
                roles=roles,
                periods=periods,
                status=str(figures["status"]),
                objective=figures.get("objective"),  # type: ignore[arg-type]
                bound=figures.get("bound"),  # type: ignore[arg-type]
                gap=figures.get("gap"),  # type: ignore[arg-type]
                seconds=dict(figures.get("seconds", {})),  # type: ignore[call-overload]
                wall_s=float(figures.get("wall_s", 0.0)),  # type: ignore[arg-type]
                peak_memory_mb=float(figures.get("peak_memory_mb", 0.0)),  # type: ignore[arg-type]
                columns=columns,
                whole_number_columns=integers,
                message=str(figures.get("message", "")),
            )
            rows.append(row)
            say(f"  {row.status}, gap {_pct(row.gap)}, wall {row.wall_s:.1f} s, peak {row.peak_memory_mb:,.0f} MB")
    machine = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "system": platform.platform(),
        "time_limit_s": time_limit_s,
        "gap_limit": gap,
    }
    (out / "bench.json").write_text(json.dumps({"machine": machine, "rows": [asdict(r) for r in rows]}, indent=2))
    (out / "bench.md").write_text(markdown_table(rows, machine))
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2%}"


def markdown_table(rows: list[CaseResult], machine: Mapping[str, object]) -> str:
    """The benchmark as a markdown table (one row per size and approach)."""
    head = (
        f"Machine: {machine['cores']} cores, Python {machine['python']}, {machine['system']}; "
        f"time limit {machine['time_limit_s']} s, gap limit {float(machine['gap_limit']):.2%}.\n\n"  # type: ignore[arg-type]
        "| employees | units | periods | columns (whole) | approach | status | gap | wall s | not solver s | "
        "not solver | read | validate | build | hand-off | solve | read back | explain | write | peak MB |\n"
        "|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    lines = []
    for r in rows:
        s = r.seconds
        other = r.wall_s - s.get("solve", 0.0)
        share = other / r.wall_s if r.wall_s > 0 else None
        lines.append(
            f"| {r.employees:,} | {r.regions * r.segments} | {r.periods} | {r.columns:,} ({r.whole_number_columns:,}) "
            f"| {r.approach} | {r.status} | {_pct(r.gap)} | {r.wall_s:.1f} | {other:.1f} | {_pct(share)} | "
            f"{s.get('read', 0):.1f} | {s.get('validate', 0):.1f} | {s.get('build', 0):.1f} | "
            f"{s.get('hand-off', 0):.1f} | {s.get('solve', 0):.1f} | {s.get('read back', 0):.1f} | "
            f"{s.get('explain', 0):.1f} | {s.get('write', 0):.1f} | {r.peak_memory_mb:,.0f} |"
        )
    return head + "\n".join(lines) + "\n"


def register(group: click.Group) -> None:
    """Add ``rolemix bench`` to the command group."""

    @group.command("bench")
    @click.option(
        "--sizes",
        type=click.Choice(sorted(LADDER)),
        default="ladder",
        show_default=True,
        help="Which ladder of sizes to run.",
    )
    @click.option("--time-limit", type=click.FloatRange(min=1.0), default=60.0, show_default=True)
    @click.option("--gap", type=click.FloatRange(min=0.0, max=1.0), default=0.005, show_default=True)
    @click.option("--out", type=click.Path(file_okay=False), default="bench/results", show_default=True)
    @click.option(
        "--cache",
        type=click.Path(file_okay=False),
        default="bench/cache",
        show_default=True,
        help="Where generated workbooks are kept between runs.",
    )
    @click.option("--no-plain", is_flag=True, help="Skip the plain branch-and-bound run beside each size.")
    def bench_command(sizes: str, time_limit: float, gap: float, out: str, cache: str, no_plain: bool) -> None:
        """Run the scale benchmark and write bench.json and bench.md.

        \b
        Examples:
          rolemix bench --sizes smoke --time-limit 20
          rolemix bench --sizes headline
        """
        rows = run_benchmark(
            sizes, time_limit, gap, Path(out), Path(cache), not no_plain, say=lambda m: click.echo(m, err=True)
        )
        click.echo(markdown_table(rows, json.loads((Path(out) / "bench.json").read_text())["machine"]))


if __name__ == "__main__":
    print(json.dumps(run_case(Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))))
