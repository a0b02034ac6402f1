"""Benchmark: ``asyncify apply --check`` (cold and warm cache) against a bare libcst parse.

    python bench/run_bench.py [--corpus DIR] [--files 3000] [--apps 16] [--jobs N] [--json OUT]

Generates the corpus (``bench/generate_corpus.py``) unless ``--corpus`` names an existing one, then
runs, each in a fresh subprocess:

1. a bare ``libcst.parse_module`` of every file ``asyncify`` would look at (sequential: the floor
   of any libcst tool), plus stdlib ``ast.parse`` and a byte search, for scale;
2. ``asyncify apply --check`` with no cache (``.asyncify_cache/`` removed): *cold*;
3. the same again: *warm*.

Wall time is measured around each subprocess; peak RSS by sampling ``/proc`` every 20 ms (the sum
over the process and its worker processes, and the largest single process), cross-checked with
``getrusage(RUSAGE_CHILDREN)``. Prints the figures and the ratios against the targets of issue 8:
cold <= 0.25x bare parse, warm <= 0.05x, peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE = r"""
import ast, json, sys, time
from pathlib import Path
import libcst
from sqla_asyncify.discover import discover
paths = list(discover([Path(sys.argv[1])]))
sources = [p.read_bytes() for p in paths]
t = time.perf_counter()
hits = sum(1 for s in sources if b"sqlalchemy" in s or b"sqlmodel" in s)
byte_s = time.perf_counter() - t
t = time.perf_counter()
for s in sources:
    ast.parse(s)
ast_s = time.perf_counter() - t
t = time.perf_counter()
for s in sources:
    libcst.parse_module(s)
cst_s = time.perf_counter() - t
print(json.dumps({"files": len(paths), "lines": sum(s.count(b"\n") for s in sources), "bytes": sum(map(len, sources)),
                  "mention": hits, "byte_search_s": byte_s, "ast_s": ast_s, "libcst_s": cst_s}))
"""


def _tree_pids(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def _rss_kb(pid: int) -> tuple[int, int]:
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``cmd``; wall seconds, exit code, stdout, and peak RSS (tree sum and largest process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = {"sum": 0, "single": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            total = 0
            for pid in _tree_pids(proc.pid):
                rss, hwm = _rss_kb(pid)
                total += rss
                peak["single"] = max(peak["single"], hwm, rss)
            peak["sum"] = max(peak["sum"], total)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "wall_s": wall,
        "rc": proc.returncode,
        "stdout": out.decode("utf-8", "replace"),
        "stderr": err.decode("utf-8", "replace"),
        "peak_rss_tree_mb": peak["sum"] / 1024,
        "peak_rss_single_mb": peak["single"] / 1024,
        "ru_maxrss_children_mb": (after if after > before else before) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="existing corpus folder (else one is generated)")
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--apps", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="asyncify -j (default: one per core)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="asyncify-bench-")) / "corpus"
    if not (corpus / "corp").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate_corpus.py"), str(corpus), "--files", str(args.files),
             "--apps", str(args.apps), "--seed", str(args.seed)],
            check=True,
        )
    target = "corp"
    # Run a snapshot of the package: edits to asyncify's source during the run would change the
    # tool digest (and so empty the cache) between the cold and the warm run.
    snapshot = corpus.parent / "asyncify-snapshot"
    shutil.rmtree(snapshot, ignore_errors=True)
    import sqla_asyncify

    shutil.copytree(Path(sqla_asyncify.__file__).parent, snapshot / "sqla_asyncify", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(snapshot)}
    asyncify = [sys.executable, "-m", "sqla_asyncify", "apply", "--check", target]
    if args.jobs:
        asyncify += ["-j", str(args.jobs)]

    print(f"corpus: {corpus}  (python {sys.version.split()[0]}, {os.cpu_count()} cores)", flush=True)
    bare = measure([sys.executable, "-c", BARE, target], corpus, env)
    if bare["rc"] != 0:
        raise SystemExit(f"bare parse failed:\n{bare['stderr']}")
    floor = json.loads(str(bare["stdout"]))
    print(f"bare libcst parse: {floor['libcst_s']:.1f} s in-process, {bare['wall_s']:.1f} s wall; "
          f"{floor['files']} files, {floor['lines']} lines; ast.parse {floor['ast_s']:.1f} s; "
          f"byte search {floor['byte_search_s']:.3f} s", flush=True)

    shutil.rmtree(corpus / ".asyncify_cache", ignore_errors=True)
    cold = measure(asyncify, corpus, env)
    cold_stats = json.loads((corpus / ".asyncify_cache" / "last_run.json").read_text())
    print(f"cold: {cold['wall_s']:.1f} s (exit {cold['rc']})", flush=True)
    warm = measure(asyncify, corpus, env)
    warm_stats = json.loads((corpus / ".asyncify_cache" / "last_run.json").read_text())
    print(f"warm: {warm['wall_s']:.2f} s (exit {warm['rc']})", flush=True)
    if cold["stdout"] != warm["stdout"] or cold["rc"] != warm["rc"]:
        raise SystemExit("cold and warm runs disagree!")

    base = bare["wall_s"]
    peak = max(cold["peak_rss_tree_mb"], warm["peak_rss_tree_mb"])
    rows = [
        ("cold --check", cold["wall_s"], cold["wall_s"] / base, 0.25),
        ("warm --check", warm["wall_s"], warm["wall_s"] / base, 0.05),
    ]
    print()
    print(f"{'':14s} {'wall s':>8s} {'x bare':>8s} {'target':>8s}  result")
    print(f"{'bare parse':14s} {base:8.2f} {1:8.3f}")
    for name, wall, ratio, goal in rows:
        print(f"{name:14s} {wall:8.2f} {ratio:8.3f} {goal:8.2f}  {'PASS' if ratio <= goal else 'MISS'}")
    print(f"peak RSS (process + workers): cold {cold['peak_rss_tree_mb']:.0f} MB, warm {warm['peak_rss_tree_mb']:.0f} MB, "
          f"bare parse {bare['peak_rss_tree_mb']:.0f} MB; largest single process {max(cold['peak_rss_single_mb'], warm['peak_rss_single_mb']):.0f} MB "
          f"-> target 1024 MB {'PASS' if peak <= 1024 else 'MISS'}")
    keys = ("discover_s", "read_s", "prescan_s", "index_s", "plan_s", "rewrite_s", "files", "relevant", "indexed", "rewritten", "facts_computed")
    for name, stats in (("cold", cold_stats), ("warm", warm_stats)):
        print(f"{name} stages: " + ", ".join(f"{k}={stats.get(k, 0):.2f}" if k.endswith("_s") else f"{k}={int(stats.get(k, 0))}" for k in keys))
    if args.json:
        args.json.write_text(json.dumps({"bare": floor, "bare_wall_s": base, "cold": {k: v for k, v in cold.items() if k not in ("stdout", "stderr")},
                                         "warm": {k: v for k, v in warm.items() if k not in ("stdout", "stderr")},
                                         "cold_stages": cold_stats, "warm_stages": warm_stats}, indent=1))


if __name__ == "__main__":
    main()
