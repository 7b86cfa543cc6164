"""jecheck's benchmark: generate ledgers, scan each end to end in a fresh process, compare with a DuckDB floor.

    python benchmarks/run.py [--sizes 100k,1m,10m] [--data-dir benchmarks/data] [--threads N]
                             [--memory-limit 8GB] [--keep] [--no-check]

For each size, `jecheck sample` writes a ledger and its context files (cached in --data-dir, reused while
present), `jecheck scan` runs on it with every context file (ingest, completeness, every rule, the model,
every output), and `benchmarks/floor.py` times DuckDB reading the same Parquet once and totalling each
journal. Every child runs in its own process; wall time is measured around it and peak memory is that
child's own ru_maxrss as returned by os.wait4. Stage and rule timings come from the scan's findings.json.

The smallest size (up to 1M lines) is scanned a second time with --threads 1 and its findings and scores
must be identical. Results are merged by size into results.json and rendered as RESULTS.md beside it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
JECHECK = [sys.executable, "-m", "jecheck"]
SEED = 7
# Sizes from this many lines up run with DuckDB's memory limit by default, so that it spills to disk.
SPILL_FROM_LINES = 50_000_000
SPILL_MEMORY_LIMIT = "8GB"
# Ledger, context files, scan outputs and DuckDB spill files per ledger line, generously.
DISK_BYTES_PER_LINE = 150
CHECK_MAX_LINES = 1_000_000
CHECK_VARIANT = ("--threads", "1")
# Context files `jecheck sample` writes beside a ledger -> the scan option that reads each.
CONTEXT_OPTIONS = {"coa": "--coa", "users": "--users", "calendar": "--calendar", "sources": "--source-listing",
                   "tb": "--tb", "control_totals": "--control-totals"}
TARGETS = {1_000_000: 5.0, 10_000_000: 40.0}  # lines -> wall seconds
TARGET_PEAK_BYTES = {10_000_000: 4 * 10**9}
TOP_RULES = 12
# `jecheck scan --profile-timings` writes DIR/timings.json last: {"stages_s": {... "outputs": s}, "total_s": s}.
# Until scan has the option, stages come from findings.json, which is written before the other outputs.
PROFILE_OPTION, PROFILE_FILE = "--profile-timings", "timings.json"


def parse_size(text: str) -> int:
    """'100k' -> 100_000, '1m' -> 1_000_000, '2500' -> 2500."""
    text = text.strip().lower().replace("_", "")
    multiplier = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    digits = text[:-1] if multiplier > 1 else text
    try:
        value = int(float(digits) * multiplier)
    except ValueError:
        raise SystemExit(f"--sizes: {text!r} is not a size; write sizes like 100k,1m,10m") from None
    if value <= 0:
        raise SystemExit(f"--sizes: {text!r} must be positive")
    return value


def size_label(lines: int) -> str:
    """100_000 -> '100k', 10_000_000 -> '10m', 2500 -> '2500'."""
    for unit, factor in (("m", 1_000_000), ("k", 1_000)):
        if lines % factor == 0:
            return f"{lines // factor}{unit}"
    return str(lines)


@dataclass
class Measured:
    """One child process: wall seconds, CPU seconds (user + system), its own peak RSS, exit code, output."""

    wall_s: float
    cpu_s: float
    peak_rss_bytes: int
    returncode: int
    stdout: str
    stderr: str

    def failure(self) -> str:
        """The child's last error line, for a one-line report."""
        lines = [line for line in (self.stderr or self.stdout).splitlines() if line.strip()]
        return f"exit {self.returncode}: {lines[-1].strip() if lines else 'no output'}"


def run_measured(cmd: list[str], cwd: Path) -> Measured:
    """Run `cmd` in `cwd` to completion; os.wait4 gives this child's own resource usage (ru_maxrss is KiB)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(round(wall, 3), round(usage.ru_utime + usage.ru_stime, 3), usage.ru_maxrss * 1024,
                        proc.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def machine_info() -> dict:
    """Cores, memory, CPU model and the versions that shape the figures."""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kib = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal:")), 0)
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")),
               platform.processor() or "unknown")
    versions = {name: importlib.metadata.version(name)
                for name in ("jecheck", "duckdb", "polars", "scikit-learn", "pyarrow")}
    return {"cores": len(os.sched_getaffinity(0)), "memory_gib": round(mem_kib / 2**20, 1), "cpu": cpu,
            "os": platform.platform(terse=True), "python": platform.python_version(), **versions}


def git_commit() -> str:
    """The commit measured, with '+dirty' when the working tree has uncommitted changes (other than the
    results this command writes, which a run on top of earlier results always leaves changed)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=HERE, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ":(top)",
                  ":(top,exclude)benchmarks/RESULTS.md", ":(top,exclude)benchmarks/results.json")
    return commit + ("+dirty" if changed else "")


def context_paths(ledger: Path) -> dict[str, Path]:
    """The context files `jecheck sample` writes beside `ledger` (named `<stem>.<kind>.csv`)."""
    return {kind: ledger.with_name(f"{ledger.stem}.{kind}.csv") for kind in CONTEXT_OPTIONS}


def ensure_ledger(lines: int, seed: int, data_dir: Path) -> Path:
    """The generated ledger of `lines` lines, written by `jecheck sample` unless a finished one is cached."""
    folder = data_dir / f"{size_label(lines)}_seed{seed}"
    ledger = folder / "ledger.parquet"
    done = folder / "ledger.done"
    if done.exists() and ledger.exists():
        return ledger
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if free < lines * DISK_BYTES_PER_LINE:
        raise SystemExit(f"{folder} has {free / 1e9:.0f} GB free; {lines:,} lines need about "
                         f"{lines * DISK_BYTES_PER_LINE / 1e9:.0f} GB: free space or pass another --data-dir")
    log(f"generating {lines:,} lines into {ledger}")
    # jecheck sample writes in chunks of --chunk-lines (default 1M), so memory stays bounded at any size.
    generated = run_measured([*JECHECK, "sample", "--lines", str(lines), "--seed", str(seed), "--out", str(ledger)],
                             folder)
    if generated.returncode:
        raise SystemExit(f"jecheck sample --lines {lines} failed ({generated.failure()})")
    done.write_text(json.dumps({"wall_s": generated.wall_s, "peak_rss_bytes": generated.peak_rss_bytes}))
    return ledger


def scan_command(ledger: Path, out_dir: Path, threads: int | None, memory_limit: str | None,
                 extra: tuple[str, ...] = ()) -> list[str]:
    """The full `jecheck scan` of a generated ledger: every context file, every output."""
    cmd = [*JECHECK, "scan", str(ledger), "--out", str(out_dir), "--quiet"]
    for kind, path in context_paths(ledger).items():
        cmd += [CONTEXT_OPTIONS[kind], str(path)]
    if threads:
        cmd += ["--threads", str(threads)]
    if memory_limit:
        cmd += ["--memory-limit", memory_limit]
    return cmd + list(extra)


def read_findings_json(out_dir: Path) -> dict:
    return json.loads((out_dir / "findings.json").read_text(encoding="utf-8"))


def scan_record(findings: dict, scan: Measured, profile: dict | None = None) -> dict:
    """Stage timings, rule durations and counts of one scan, from its findings.json (and timings.json)."""
    run = findings["run"]
    stages = {name: float(seconds) for name, seconds in (profile or {}).get("stages_s", run["timings_s"]).items()}
    timed_s = (profile or {}).get("total_s", run["duration_s"])
    rules = sorted(({"id": r["id"], "status": r["status"], "hits": r["hits"], "duration_s": r.get("duration_s")}
                    for r in findings["rules"]), key=lambda r: -(r["duration_s"] or 0))
    return {
        "rows_loaded": run["rows"]["loaded"],
        "stages_s": stages,
        "untimed_in_scan_s": round(timed_s - sum(stages.values()), 3),
        "outside_scan_s": round(scan.wall_s - timed_s, 3),
        "total_s": scan.wall_s, "cpu_s": scan.cpu_s, "peak_rss_bytes": scan.peak_rss_bytes,
        "findings": len(findings["findings"]), "rules": rules,
    }


def finding_keys(findings: dict) -> list[tuple]:
    """What the correctness check compares for each finding: rule, journal, line and message."""
    return [(f["rule_id"], f["journal_id"], f["line_no"], f["message"]) for f in findings["findings"]]


def review_scores(out_dir: Path) -> list[tuple]:
    """Every scored journal's rank and scores from entries.parquet (empty when the model did not run)."""
    path = out_dir / "entries.parquet"
    if not path.exists():
        return []
    return duckdb.execute(
        "SELECT journal_id, rank, risk_score, anomaly_score FROM read_parquet($path) ORDER BY journal_id",
        {"path": str(path)},
    ).fetchall()


def _sort_key(row: tuple) -> tuple:
    """Orders rows whose fields may be None (account-level findings have no journal or line)."""
    return tuple((value is None, value) for value in row)


def compare_scans(findings_a: list[tuple], findings_b: list[tuple], scores_a: list[tuple],
                  scores_b: list[tuple]) -> dict:
    """Whether two scans found the same findings and scores; names the first difference when not.

    Findings are compared as sorted lists (the same findings), and separately in file order, since a
    reviewer diffing two findings.json files depends on the order too.
    """
    def first_difference(a: list[tuple], b: list[tuple]) -> str:
        if len(a) != len(b):
            return f"{len(a):,} vs {len(b):,} rows"
        index, (x, y) = next((i, pair) for i, pair in enumerate(zip(a, b)) if pair[0] != pair[1])
        return f"row {index}: {x} vs {y}"

    sorted_a, sorted_b = sorted(findings_a, key=_sort_key), sorted(findings_b, key=_sort_key)
    result = {"findings": len(findings_a), "scored_journals": len(scores_a),
              "findings_equal": sorted_a == sorted_b, "findings_order_equal": findings_a == findings_b,
              "scores_equal": scores_a == scores_b, "detail": ""}
    if not result["findings_equal"]:
        result["detail"] = "findings differ at sorted " + first_difference(sorted_a, sorted_b)
    elif not result["scores_equal"]:
        result["detail"] = "scores differ at " + first_difference(scores_a, scores_b)
    elif not result["findings_order_equal"]:
        result["detail"] = "same findings, but findings.json lists them in another order at " + \
            first_difference(findings_a, findings_b)
    return result


def bench_size(lines: int, args: argparse.Namespace, run_check: bool) -> tuple[dict, dict | None]:
    """Generate (or reuse), scan, measure the floor and optionally check one size; return its record and check."""
    ledger = ensure_ledger(lines, args.seed, args.data_dir)
    memory_limit = args.memory_limit or (SPILL_MEMORY_LIMIT if lines >= SPILL_FROM_LINES else None)
    record = {"size": size_label(lines), "lines": lines, "seed": args.seed, "threads": args.threads,
              "memory_limit": memory_limit, "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "commit": git_commit(), "load_average_before": round(os.getloadavg()[0], 1)}
    out_dir = ledger.parent / "out"
    shutil.rmtree(out_dir, ignore_errors=True)
    log(f"scanning {lines:,} lines")
    profiled = (PROFILE_OPTION,) if args.profile_timings else ()
    scan = run_measured(scan_command(ledger, out_dir, args.threads, memory_limit, profiled), ledger.parent)
    if scan.returncode not in (0, 1) or not (out_dir / "findings.json").exists():  # 1: findings >= --fail-on
        record["error"] = scan.failure()
        log(f"scan failed: {record['error']}")
        return record, None
    profile_path = out_dir / PROFILE_FILE
    profile = json.loads(profile_path.read_text()) if profile_path.exists() else None
    record.update(scan_record(read_findings_json(out_dir), scan, profile))
    log(f"scanned in {scan.wall_s:.1f} s; measuring the DuckDB floor")
    floor_cmd = [sys.executable, str(HERE / "floor.py"), str(ledger)]
    floor_cmd += ["--threads", str(args.threads)] if args.threads else []
    floor_cmd += ["--memory-limit", memory_limit] if memory_limit else []
    floor = run_measured(floor_cmd, ledger.parent)
    if floor.returncode:
        raise SystemExit(f"the floor query failed on {ledger} ({floor.failure()})")
    floor_result = json.loads(floor.stdout)
    record.update(journals=floor_result["journals"], lines_per_s=round(lines / scan.wall_s),
                  floor={"wall_s": floor.wall_s, "query_s": floor_result["query_s"],
                         "peak_rss_bytes": floor.peak_rss_bytes},
                  floor_multiple=round(scan.wall_s / floor.wall_s, 1),
                  load_average_after=round(os.getloadavg()[0], 1))
    check = None
    if run_check:
        log(f"correctness check: scanning {lines:,} lines again with {' '.join(CHECK_VARIANT)}")
        variant_dir = ledger.parent / "out_variant"
        shutil.rmtree(variant_dir, ignore_errors=True)
        variant_cmd = scan_command(ledger, variant_dir, None, memory_limit, CHECK_VARIANT)
        variant = run_measured(variant_cmd, ledger.parent)
        if variant.returncode not in (0, 1) or not (variant_dir / "findings.json").exists():
            check = {"error": variant.failure()}
        else:
            check = compare_scans(finding_keys(read_findings_json(out_dir)),
                                  finding_keys(read_findings_json(variant_dir)),
                                  review_scores(out_dir), review_scores(variant_dir))
        check.update(size=record["size"], baseline="default threads", variant=" ".join(CHECK_VARIANT),
                     commit=record["commit"], measured_at=record["measured_at"])
        if not args.keep:
            shutil.rmtree(variant_dir, ignore_errors=True)
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    return record, check


def run_key(record: dict) -> str:
    """Results are kept per size and memory limit: '10m', '10m@3GB'."""
    return record["size"] + (f"@{record['memory_limit']}" if record.get("memory_limit") else "")


def merge_results(previous: dict | None, machine: dict, records: list[dict], check: dict | None) -> dict:
    """Replace the measured sizes in `previous` (kept only when measured on the same machine)."""
    same_machine = previous and previous.get("machine") == machine
    runs = dict(previous["runs"]) if same_machine else {}
    runs.update({run_key(r): r for r in records})
    ordered = sorted(runs.items(), key=lambda item: (item[1]["lines"], item[0]))
    return {"machine": machine, "runs": dict(ordered),
            "check": check or (previous.get("check") if same_machine else None)}


def _lines_label(record: dict) -> str:
    limit = record.get("memory_limit")
    return f"{record['lines']:,}" + (f" (limit {limit})" if limit else "")


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _gb(value: int | None) -> str:
    return "" if value is None else f"{value / 1e9:.2f}"


def target_verdict(record: dict, runs: dict) -> str:
    """The issue's target for this size, and whether this run met it."""
    lines = record["lines"]
    if "error" in record:
        return "failed"
    if lines in TARGETS:  # each target judged on its own: time, and peak memory where there is one
        verdicts = [f"≤{TARGETS[lines]:.0f} s: {'met' if record['total_s'] <= TARGETS[lines] else 'missed'}"]
        if lines in TARGET_PEAK_BYTES:
            met = record["peak_rss_bytes"] <= TARGET_PEAK_BYTES[lines]
            verdicts.append(f"≤{TARGET_PEAK_BYTES[lines] / 1e9:.0f} GB: {'met' if met else 'missed'}")
        return "; ".join(verdicts)
    reference = runs.get("10m")
    if lines >= SPILL_FROM_LINES and reference and "error" not in reference:
        ratio = (record["total_s"] / lines) / (reference["total_s"] / reference["lines"])
        return f"completes, ≤ linear: {'met' if ratio <= 1.0 else 'missed'} ({ratio:.2f}× 10m's s/line)"
    return ""


def render_markdown(results: dict, command: str) -> str:
    """RESULTS.md: the machine, the end-to-end table, the correctness check and the slowest rules."""
    machine, runs = results["machine"], results["runs"]
    stage_names: list[str] = []
    for record in runs.values():
        stage_names += [s for s in record.get("stages_s", {}) if s not in stage_names]
    header = (["lines", "journals"] + stage_names + ["untimed", "outside scan", "**total s**", "lines/s",
              "CPU s", "peak RSS GB", "floor s (query)", "× floor", "target"])
    rows = []
    for record in runs.values():
        if "error" in record:
            rows.append([_lines_label(record), "", *[""] * len(stage_names), "", "", "", "", "", "", "", "",
                         f"failed: {record['error']}"])
            continue
        rows.append([_lines_label(record), f"{record['journals']:,}",
                     *[_seconds(record["stages_s"].get(s)) for s in stage_names],
                     _seconds(record["untimed_in_scan_s"]), _seconds(record["outside_scan_s"]),
                     f"**{_seconds(record['total_s'])}**", f"{record['lines_per_s']:,}", _seconds(record["cpu_s"]),
                     _gb(record["peak_rss_bytes"]),
                     f"{_seconds(record['floor']['wall_s'])} ({_seconds(record['floor']['query_s'])})",
                     f"{record['floor_multiple']:.1f}", target_verdict(record, runs)])
    out = [
        "# jecheck benchmark results", "",
        f"Produced by `{command}` (see benchmarks/README.md). Each scan is the full `jecheck scan` of a "
        "ledger written by `jecheck sample` with all its context files: ingest, views, completeness, every "
        "rule, the model, the review ranking and every output file, in a fresh process.", "",
        f"**Machine:** {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB RAM, "
        f"{machine['os']}; Python {machine['python']}, DuckDB {machine['duckdb']}, Polars {machine['polars']}, "
        f"scikit-learn {machine['scikit-learn']}, jecheck {machine['jecheck']}.", "",
        "## End to end (seconds)", "",
        _table(header, rows), "",
        "Stage columns are the scan's own `run.timings_s` from findings.json; *untimed* is scan time outside "
        "any stage; *outside scan* is process wall time minus the scan's own duration: interpreter start, "
        "imports, exit and, unless an *outputs* stage is listed (from `--profile-timings`), writing "
        "findings.json, entries.parquet, report.xlsx and report.html. "
        "*Total* is the process's wall time, *CPU s* its user + system time, *peak RSS* its own maximum "
        "resident set (ru_maxrss from os.wait4). The *floor* is `benchmarks/floor.py`: a fresh process in "
        "which DuckDB reads the same Parquet once and computes per-journal sums, counts and min/max dates "
        "(in brackets: the query alone, without interpreter start and imports); *× floor* is total / floor "
        "wall time.", "",
        _table(["lines", "measured at (UTC)", "commit", "threads", "memory limit", "load avg before → after"],
               [[_lines_label(r), r["measured_at"], r["commit"], str(r["threads"] or "all"),
                 r["memory_limit"] or "none",
                 f"{r['load_average_before']} → {r.get('load_average_after', '?')}"] for r in runs.values()]),
        "",
        "## Correctness: findings do not depend on threads or batching", "",
        _check_text(results.get("check")), "",
        f"## Slowest rules (seconds, the {TOP_RULES} slowest at the largest size)", "",
        _rules_table(runs), "",
    ]
    return "\n".join(out)


def _check_text(check: dict | None) -> str:
    if not check:
        return "Not run (pass a size of at most 1M lines, without --no-check)."
    if "error" in check:
        return f"The {check['variant']} scan of the {check['size']} ledger failed: {check['error']}."
    same = check["findings_equal"] and check["scores_equal"]
    verdict = "**identical**" if same else f"**DIFFERENT** ({check['detail']})"
    order = ("" if not same or check["findings_order_equal"]
             else f" Their order in findings.json is not stable: {check['detail']}.")
    return (f"The {check['size']} ledger scanned with {check['baseline']} and with `{check['variant']}`: "
            f"{check['findings']:,} findings (rule, journal, line, message) and {check['scored_journals']:,} "
            f"review scores (rank, risk and anomaly score per journal) are {verdict}.{order} "
            f"Measured {check['measured_at']} at {check['commit']}.")


def _rules_table(runs: dict) -> str:
    measured = [r for r in runs.values() if r.get("rules")]
    if not measured:
        return "No rule timings."
    largest = measured[-1]
    durations = {run_key(r): {rule["id"]: rule["duration_s"] for rule in r["rules"]} for r in measured}
    top = [rule for rule in largest["rules"] if rule["duration_s"] is not None][:TOP_RULES]
    header = ["rule", *[run_key(r) for r in measured], f"hits at {run_key(largest)}"]
    rows = [[rule["id"], *[_seconds(durations[run_key(r)].get(rule["id"])) for r in measured], f"{rule['hits']:,}"]
            for rule in top]
    totals = ["all rules (sum)", *[_seconds(sum(x["duration_s"] or 0 for x in r["rules"])) for r in measured], ""]
    return _table(header, [*rows, totals])


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark jecheck scan end to end against a DuckDB floor.")
    parser.add_argument("--sizes", default="100k,1m,10m", help="Ledger sizes in lines (default 100k,1m,10m; "
                        "100m runs with --memory-limit 8GB and needs about 15 GB of disk).")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data",
                        help="Where generated ledgers are kept and reused (default benchmarks/data, gitignored).")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md",
                        help="Markdown results file; results.json beside it keeps the raw figures per size.")
    parser.add_argument("--seed", type=int, default=SEED, help="Seed of the generated ledgers.")
    parser.add_argument("--threads", type=int, help="Passed to jecheck scan and the floor (default: all cores).")
    parser.add_argument("--memory-limit", help="Passed to jecheck scan and the floor (default: none below 50M "
                        f"lines, {SPILL_MEMORY_LIMIT} from there).")
    parser.add_argument("--keep", action="store_true", help="Keep each scan's output folder beside its ledger.")
    parser.add_argument("--no-check", action="store_true", help="Skip the --threads 1 correctness rescan.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 when a scan failed or the correctness check found a difference."""
    args = parse_args(argv)
    args.data_dir = args.data_dir.resolve()  # children run inside it
    scan_help = subprocess.run([*JECHECK, "scan", "--help"], capture_output=True, text=True).stdout
    args.profile_timings = PROFILE_OPTION in scan_help
    sizes = sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()})
    machine = machine_info()
    records, check = [], None
    for lines in sizes:
        run_check = not args.no_check and lines == sizes[0] and lines <= CHECK_MAX_LINES
        record, size_check = bench_size(lines, args, run_check)
        records.append(record)
        check = size_check or check
    json_path = args.results.with_name("results.json")
    previous = json.loads(json_path.read_text()) if json_path.exists() else None
    results = merge_results(previous, machine, records, check)
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    markdown = render_markdown(results, command.strip())
    args.results.write_text(markdown, encoding="utf-8")
    print(markdown)
    failed = any("error" in r for r in records) or (
        check is not None and not (check.get("findings_equal") and check.get("scores_equal")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
