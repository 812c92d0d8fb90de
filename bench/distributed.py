#!/usr/bin/env python3
"""Data-parallel overhead on one machine (docs/benchmarks.md, scripts/bench-distributed).

For each workload: `graft run` with 1 rank x T threads against `--nproc-per-node 2` with T/2
threads per rank, the latter twice: gradient buckets all-reduced during the backward pass (the
default) and all after it (`overlap_gradient_sync = false`); in one run of this script, side by
side. Examples/s are training examples over the seconds between the first and the last logged
step (start-up and evaluation excluded). Rank 0's log gives the bytes per step and the time the
rank waited for the all-reduces after the backward pass; the same bytes are then all-reduced
alone by graft_bench_allreduce (Gloo over loopback, 2 processes). Only the standard library: no
Python torch needed.
"""
import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = {
    "resnet18_64": ("resnet18_64.toml", []),
    "bert_mini": ("bert_mini.toml", []),
}


def examples_per_second(db, batch_size):
    with sqlite3.connect(db) as connection:
        (status,), = connection.execute("SELECT status FROM runs").fetchall()
        if status != "completed":
            raise SystemExit(f"the run in {db} is {status}")
        rows = connection.execute("SELECT step, min(time) FROM metrics WHERE key = 'train.loss' AND epoch IS NOT NULL "
                                  "GROUP BY step ORDER BY step").fetchall()
    (first_step, first_time), (last_step, last_time) = rows[0], rows[-1]
    return (last_step - first_step) * batch_size / (last_time - first_time), last_step


def run(graft, workload, sets, ranks, threads, work):
    folder = tempfile.mkdtemp(prefix=f"dp-{ranks}-", dir=work)
    db = os.path.join(folder, "graft.db")
    command = [graft, "--db", db, "run", workload, "--no-progress", "--rerun", "--set", f"train.threads={threads}",
               "--set", "train.log_every_steps=1"]
    for item in sets:
        command += ["--set", item]
    if ranks > 1:
        command += ["--nproc-per-node", str(ranks)]
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    finished = subprocess.run(command, capture_output=True, text=True, env=env)
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.stderr[-3000:]}")
    return db, finished.stderr


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="threads of the 1-rank run")
    parser.add_argument("--workloads", default="resnet18_64,bert_mini")
    parser.add_argument("--work", default=None)
    args = parser.parse_args()
    graft = os.path.join(args.build_dir, "bin", "graft")
    allreduce = os.path.join(args.build_dir, "bin", "graft_bench_allreduce")
    work = args.work or tempfile.mkdtemp(prefix="graft-bench-dp-")
    os.makedirs(work, exist_ok=True)

    print(f"| workload | 1 rank x {args.threads} threads ex/s | 2 ranks x {max(1, args.threads // 2)} thread(s) ex/s, "
          "overlapped | 2 ranks / 1 rank | same, all-reduce after backward, ex/s | overlapped / after | MB per step "
          "| wait after backward per step, ms: overlapped, after | same bytes alone, ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.workloads.split(","):
        file, sets = WORKLOADS[name]
        sets = list(sets)
        if name == "bert_mini":
            bert_dir = os.path.join(work, "bert")
            if not os.path.exists(os.path.join(bert_dir, "train.csv")):
                subprocess.run([sys.executable, os.path.join(BENCH, "make_bert_data.py"), bert_dir, "--examples",
                                "1024"], check=True)
            sets += [f"model.tokenizer={bert_dir}", f"dataset.train={os.path.join(bert_dir, 'train.csv')}"]
        workload = os.path.join(BENCH, "workloads", file)
        batch = int(re.search(r"^batch_size\s*=\s*(\d+)", open(workload).read(), re.M).group(1))
        half = max(1, args.threads // 2)
        one_db, _ = run(graft, workload, sets, 1, args.threads, work)
        overlapped_db, overlapped_log = run(graft, workload, sets, 2, half, work)
        after_db, after_log = run(graft, workload, sets + ["train.overlap_gradient_sync=false"], 2, half, work)
        one, _ = examples_per_second(one_db, batch)
        overlapped, _ = examples_per_second(overlapped_db, batch)
        after, _ = examples_per_second(after_db, batch)
        per_step_mb, overlapped_ms = communication(overlapped_log)
        _, after_ms = communication(after_log)
        alone_ms = float(subprocess.run([allreduce, str(int(per_step_mb * 1e6)), "30"], capture_output=True, text=True,
                                        check=True).stdout)
        print(f"| {name} | {one:.1f} | {overlapped:.1f} | {overlapped / one:.2f} | {after:.1f} | "
              f"{overlapped / after:.2f} | {per_step_mb:.1f} | {overlapped_ms:.1f}, {after_ms:.1f} | {alone_ms:.1f} |",
              flush=True)


def communication(log):
    """MB all-reduced per step, and ms per step waited for them after the backward pass (rank 0's log)."""
    sent = re.search(r"gradients of (\d+) step\(s\) averaged, ([\d.]+) MB sent in \d+ bucket all-reduce\(s\) "
                     r"\(\d+ started during the backward pass\), ([\d.]+) s waiting for them after it", log)
    steps, megabytes, seconds = int(sent.group(1)), float(sent.group(2)), float(sent.group(3))
    return megabytes / steps, 1000 * seconds / steps


if __name__ == "__main__":
    main()
