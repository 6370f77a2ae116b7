#!/usr/bin/env python3
"""Times `kubestride scan` against the floor on the benchmark corpora.

The floor (hack/benchfloor) only reads every manifest and decodes each
document into its typed k8s.io/api object with apimachinery's universal
deserializer. The scan runs every check and writes the JSON report to a file.
Both run on the same corpus in the same invocation, RUNS times each,
alternating; the median of each figure is printed.

With --baseline REV, kubestride as built at git revision REV runs too, in
the same alternation, so that a change is compared with what came before it
in one run.

Usage: python3 hack/bench.py [--runs N] [--out DIR] [--gen PATH] [--baseline REV]
Corpora (made once, by ../shared/bench/gen_corpus.py):
  single: one file of 10,000 documents   (gen_corpus.py OUT 0 --single-docs 10000 --seed 3)
  multi:  10,000 files, ~33,000 documents (gen_corpus.py OUT 10000 --seed 2)
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_measured(cmd):
    """Runs cmd and returns (cpu seconds, wall seconds, peak RSS MiB, exit code)."""
    pid_start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - pid_start
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024.0, code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--gen", default=os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py"))
    ap.add_argument("--baseline", help="also time kubestride as built at this git revision")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    corpora = [
        ("single", ["0", "--single-docs", "10000", "--seed", "3"]),
        ("multi", ["10000", "--seed", "2"]),
    ]
    for name, gen_args in corpora:
        path = os.path.join(args.out, name)
        if not os.path.isdir(path):
            if not os.path.exists(args.gen):
                sys.exit(f"bench: corpus generator not found at {args.gen} (use --gen)")
            subprocess.run([sys.executable, args.gen, path] + gen_args, check=True, stdout=subprocess.DEVNULL)

    kubestride = os.path.join(args.out, "kubestride")
    floor = os.path.join(args.out, "benchfloor")
    subprocess.run(["go", "build", "-o", kubestride, "./cmd/kubestride"], cwd=ROOT, check=True)
    subprocess.run(["go", "build", "-o", floor, "./hack/benchfloor"], cwd=ROOT, check=True)
    baseline = None
    if args.baseline:
        baseline = os.path.join(args.out, "kubestride-baseline")
        tree = tempfile.mkdtemp(prefix="kubestride-baseline-")
        try:
            subprocess.run(["git", "worktree", "add", "--detach", tree, args.baseline], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            subprocess.run(["go", "build", "-o", baseline, "./cmd/kubestride"], cwd=tree, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            shutil.rmtree(tree, ignore_errors=True)

    results = {}
    print(f"{'corpus':8} {'tool':10} {'cpu s':>7} {'wall s':>7} {'rss MiB':>8} {'cpu/floor':>9}")
    for name, _ in corpora:
        path = os.path.join(args.out, name)
        report = os.path.join(args.out, f"report-{name}.json")
        tools = [
            ("floor", [floor, path]),
            ("kubestride", [kubestride, "scan", "--format", "json", "--output", report, path]),
        ]
        if baseline:
            tools.append(("baseline", [baseline, "scan", "--format", "json", "--output", report + ".baseline", path]))
        # Alternate the tools run by run, so that both see the same machine.
        samples = {tool: [] for tool, _ in tools}
        for _ in range(args.runs):
            for tool, cmd in tools:
                cpu, wall, rss, code = run_measured(cmd)
                if tool == "floor" and code != 0 or tool != "floor" and code not in (0, 1):
                    sys.exit(f"bench: {' '.join(cmd)} exited {code}")
                samples[tool].append((cpu, wall, rss))
        for tool, _ in tools:
            results[(name, tool)] = tuple(statistics.median(s[i] for s in samples[tool]) for i in range(3))
        for tool, _ in tools:
            cpu, wall, rss = results[(name, tool)]
            ratio = cpu / results[(name, "floor")][0]
            print(f"{name:8} {tool:10} {cpu:7.2f} {wall:7.2f} {rss:8.1f} {ratio:9.2f}")
    scale = results[("multi", "kubestride")][0] / results[("single", "kubestride")][0]
    floor_scale = results[("multi", "floor")][0] / results[("single", "floor")][0]
    print(f"growth multi/single (cpu): kubestride {scale:.2f}x, floor {floor_scale:.2f}x (documents: 3.30x)")


if __name__ == "__main__":
    main()
