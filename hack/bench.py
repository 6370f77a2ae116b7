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
Corpora (made once, under DIR, by hack/gencorpus; delete them to make them again):
  single: one file of 10,000 documents   (go run ./hack/gencorpus OUT 0 --single-docs 10000 --seed 3)
  multi:  10,000 files, ~33,000 documents (go run ./hack/gencorpus OUT 10000 --seed 2)
--gen PATH makes them with another generator that takes the same arguments
(an executable, or a Python script run with this interpreter).
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


def count_documents(corpus):
    """Counts the documents of a generated corpus: each starts with an
    unindented apiVersion line."""
    n = 0
    for entry in os.scandir(corpus):
        with open(entry.path, "rb") as f:
            n += sum(1 for line in f if line.startswith(b"apiVersion:"))
    return n


def generator(args):
    """Returns the command that makes a corpus: hack/gencorpus, built under
    args.out, unless --gen names another generator."""
    if args.gen:
        if not os.path.exists(args.gen):
            sys.exit(f"bench: corpus generator not found at {args.gen}")
        if args.gen.endswith(".py"):
            return [sys.executable, args.gen]
        return [os.path.abspath(args.gen)]
    gen = os.path.join(args.out, "gencorpus")
    subprocess.run(["go", "build", "-o", gen, "./hack/gencorpus"], cwd=ROOT, check=True)
    return [gen]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--gen", help="corpus generator to use instead of hack/gencorpus")
    ap.add_argument("--baseline", help="also time kubestride as built at this git revision")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)  # the builds below run in other directories
    os.makedirs(args.out, exist_ok=True)

    corpora = [
        ("single", ["0", "--single-docs", "10000", "--seed", "3"]),
        ("multi", ["10000", "--seed", "2"]),
    ]
    gen = None
    for name, gen_args in corpora:
        path = os.path.join(args.out, name)
        if os.path.isdir(path):
            continue
        if gen is None:
            gen = generator(args)
        # Written aside and renamed, so that an interrupted run leaves no
        # partial corpus to be timed later.
        partial = path + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(gen + [partial] + gen_args, check=True, stdout=subprocess.DEVNULL)
        os.rename(partial, path)

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
    docs = count_documents(os.path.join(args.out, "multi")) / count_documents(os.path.join(args.out, "single"))
    print(f"growth multi/single (cpu): kubestride {scale:.2f}x, floor {floor_scale:.2f}x (documents: {docs:.2f}x)")


if __name__ == "__main__":
    main()
