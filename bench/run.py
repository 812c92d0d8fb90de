"""graft against PyTorch in Python and a hand-written LibTorch loop, on the same work.

    scripts/bench [--repeats 3] [--workloads a,b] [--impls graft,pytorch,libtorch] [--quick] ...

Each workload is a graft experiment file, bench/workloads/NAME.toml. From it this driver derives
the configuration of the two other implementations (bench/pytorch/loops.py under Debian's
python3-torch, and bench/libtorch/loops.cpp), so that all three train the same network with the
same AdamW settings, batch size, data, step count and thread count. See docs/benchmarks.md.

Timing is of training steps only: per epoch, from the end of its first W optimizer steps (warm-up,
excluded) to the end of its last step, summed over epochs. graft's steps are timed from its
results store: graft runs with train.log_every_steps = W, so it records a train.loss row (with
its wall-clock time) at step W of each epoch and at each epoch's end; the loops time the same
span with their own clocks. Each process runs alone; its peak RSS comes from wait4(2).

Standard library only (the PyTorch loop and the FLOP count run under --python).
"""
import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")

# name -> (experiment file, warm-up steps per epoch W, extra --set, quick-mode --set)
WORKLOADS = {
    "small_cnn": ("small_cnn.toml", 52, [], ["dataset.train_per_class=128"]),
    "resnet18_64": ("resnet18_64.toml", 5, [], ["dataset.train_per_class=64"]),
    "bert_mini": ("bert_mini.toml", 5, [], []),
    "probe_recompute": ("probe.toml", 12, ["train.feature_cache=false"],
                        ["dataset.train_per_class=128", "train.epochs=2"]),
    "probe_cached": ("probe.toml", 12, ["train.feature_cache=true", "train.epochs=20"],
                     ["dataset.train_per_class=128", "train.epochs=2"]),
}
# glibc malloc with a fixed mmap threshold (32 MiB, the largest its dynamic one reaches) and heap
# trimming practically off: freed memory stays mapped, so big tensors do not fault their pages in
# again every step (docs/benchmarks.md, findings).
FIXED_MALLOC = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"
QUICK_WARMUP = 2
QUICK_BERT_EXAMPLES = 128
BERT_EXAMPLES = 400

# Defaults of the plugin params the workload files may leave out (plugins describe).
SMALL_CNN_DEFAULTS = {"channels": 32, "hidden": 128, "dropout": 0.25, "in_channels": 1, "image_size": 28,
                      "mean": 0.2860, "std": 0.3530}
TRAIN_DEFAULTS = {"epochs": 10, "batch_size": 64, "lr": 1e-3, "weight_decay": 0.0, "decay_biases_and_norms": False,
                  "betas": [0.9, 0.999], "eps": 1e-8, "optimizer": "adamw", "drop_last": True, "accumulate": 1,
                  "grad_clip_norm": 0.0, "feature_cache": True, "eval_batch_size": 256}


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- the workloads -----------------------------------------------------------------------------

def apply_sets(table, sets):
    """Applies "table.key=value" overrides (numbers, booleans, strings) to a parsed TOML dict."""
    for item in sets:
        key, value = item.split("=", 1)
        section, name = key.split(".", 1)
        try:
            parsed = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value
        table.setdefault(section, {})[name] = parsed
    return table


def idx_label_counts(path):
    with gzip.open(os.path.join(path, "train-labels-idx1-ubyte.gz"), "rb") as f:
        data = f.read()
    (count,) = struct.unpack(">I", data[4:8])
    counts = {}
    for label in data[8:8 + count]:
        counts[label] = counts.get(label, 0) + 1
    return counts


def loop_config(name, spec, threads, warmup):
    """The JSON the PyTorch and hand-written loops run: what graft's file says, made explicit."""
    model, dataset, train = spec["model"], spec["dataset"], {**TRAIN_DEFAULTS, **spec.get("train", {})}
    strategy = spec.get("strategy", {}).get("plugin", "full")
    for key, wanted in (("optimizer", "adamw"), ("accumulate", 1), ("grad_clip_norm", 0.0), ("drop_last", True)):
        if train[key] != wanted:
            raise SystemExit(f"{name}: the loops implement train.{key} = {wanted!r} only")
    if dataset.get("validation_fraction", 0.1) != 0 or dataset.get("classes"):
        raise SystemExit(f"{name}: the loops need validation_fraction = 0 and all classes")
    config = {"name": name, "threads": threads, "seed": spec["experiment"].get("seed", 1),
              "batch_size": train["batch_size"], "epochs": train["epochs"], "warmup_steps": warmup,
              "lr": train["lr"], "weight_decay": train["weight_decay"],
              "decay_biases_and_norms": train["decay_biases_and_norms"], "betas": train["betas"], "eps": train["eps"]}
    plugin = model["plugin"]
    if dataset["plugin"] == "idx":
        counts = idx_label_counts(dataset["path"])
        per_class = dataset.get("train_per_class", 0)
        examples = sum(min(c, per_class) if per_class else c for c in counts.values())
        data = {"kind": "idx", "path": dataset["path"], "per_class": per_class, "classes": len(counts)}
        if plugin == "small_cnn":
            m = {**SMALL_CNN_DEFAULTS, **model}
            data.update(image_size=m["image_size"], mean=[m["mean"]], std=[m["std"]])
            config["model"] = {"kind": "small_cnn", "channels": m["channels"], "hidden": m["hidden"],
                               "dropout": m["dropout"], "in_channels": m["in_channels"]}
        elif plugin == "resnet":
            if model.get("augment", True) or model.get("stem", "imagenet") != "imagenet" or model.get("pretrained"):
                raise SystemExit(f"{name}: the loops implement resnet with augment = false, the imagenet stem, "
                                 "random weights")
            data.update(image_size=model["image_size"], resize_size=model.get("resize_size") or model["image_size"],
                        mean=model["mean"], std=model["std"])
            config["model"] = {"kind": "resnet", "depth": model.get("depth", 18),
                               "in_channels": model.get("in_channels", 3)}
        else:
            raise SystemExit(f"{name}: no loop for model {plugin}")
    elif dataset["plugin"] == "text_table" and plugin == "bert":
        folder = os.path.dirname(dataset["train"])
        with open(os.path.join(model["tokenizer"], "vocab.txt")) as f:
            vocab = sum(1 for line in f if line.strip())
        length = model["max_length"]
        examples = os.path.getsize(os.path.join(folder, "labels.bin")) // 8
        if model.get("padding") != "max_length" or model.get("pretrained"):
            raise SystemExit(f"{name}: the loops implement bert from a preset with padding = max_length")
        data = {"kind": "tokens", "ids": os.path.join(folder, "ids.bin"),
                "labels": os.path.join(folder, "labels.bin"), "length": length, "classes": 2}
        config["model"] = {"kind": "bert", "preset": model.get("preset", "base"), "vocab_size": vocab,
                           "max_position_embeddings": model.get("max_position_embeddings") or 512,
                           "dropout": 0.1, "pad_token_id": 0}
    else:
        raise SystemExit(f"{name}: no loop for dataset {dataset['plugin']}")
    config["data"] = data
    config["steps_per_epoch"] = examples // train["batch_size"]
    if strategy == "freeze_backbone":
        config["probe"] = {"cached": bool(train["feature_cache"]), "feature_batch_size": train["eval_batch_size"]}
    elif strategy != "full":
        raise SystemExit(f"{name}: the loops implement strategies full and freeze_backbone")
    steps = config["steps_per_epoch"]
    if warmup >= steps or (config["epochs"] > 1 and steps % warmup):
        raise SystemExit(f"{name}: W = {warmup} warm-up steps must be fewer than the {steps} steps of an epoch "
                         "and divide them when there are several epochs (graft logs every W steps)")
    return config


# --- running -----------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Process:
    """A finished command: stdout, wall seconds, peak RSS (MiB), and counters of the process (all
    threads) sampled every 20 ms as (unix time, CPU seconds (user + system), minor page faults),
    to read what a span of its life cost."""

    def __init__(self, out, wall, rss, samples):
        self.out, self.wall, self.rss, self.samples = out, wall, rss, samples

    def counter_at(self, when, column):
        for a, b in zip(self.samples, self.samples[1:]):
            if a[0] <= when <= b[0]:
                return a[column] + (b[column] - a[column]) * (when - a[0]) / (b[0] - a[0]) if b[0] > a[0] else a[column]
        return None

    def in_spans(self, spans, column):
        """The counter's growth inside the spans; None when a span is shorter than a second (the
        CPU clock ticks every 10 ms, the samples every 20 ms)."""
        total = 0.0
        for start, end in spans:
            a, b = self.counter_at(start, column), self.counter_at(end, column)
            if a is None or b is None or end - start < 1.0:
                return None
            total += b - a
        return total


def read_counters(pid):
    """(CPU seconds, minor page faults) of a running process, every thread included."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[7])  # utime + stime, minflt
    except (OSError, IndexError, ValueError):
        return None


def run_process(command, log_path, env):
    """Runs command alone and returns a Process."""
    out_path = log_path + ".out"
    samples = []
    with open(out_path, "w") as out, open(log_path + ".err", "w") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=ROOT, env=env)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            counters = read_counters(process.pid)
            if counters is not None:
                samples.append((time.time(), *counters))
            time.sleep(0.02)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        with open(log_path + ".err") as err:
            tail = err.read()[-3000:]
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{tail}")
    with open(out_path) as out:
        return Process(out.read(), wall, usage.ru_maxrss / 1024.0, samples)


def graft_timing(db, steps, warmup, epochs):
    """Training seconds of the run in db: per epoch, from its step-W row to its last step's row."""
    with sqlite3.connect(db) as connection:
        (run_id, status, started_at), = connection.execute("SELECT id, status, started_at FROM runs").fetchall()
        if status != "completed":
            raise SystemExit(f"graft run {run_id} in {db} is {status}")
        rows = connection.execute("SELECT step, epoch, time FROM metrics WHERE run_id = ? AND key = 'train.loss' "
                                  "ORDER BY step, time", (run_id,)).fetchall()
    by_step = {}
    for step, epoch, at in rows:
        by_step.setdefault(step, at)  # first row at that step
    ends = {epoch: at for step, epoch, at in rows if epoch is not None and step == (epoch + 1) * steps}
    spans = [[by_step[epoch * steps + warmup], ends[epoch]] for epoch in range(epochs)]
    return sum(end - start for start, end in spans), by_step[warmup] - started_at, spans


def run_graft(args, name, workload_file, sets, config, log_every, work, tag):
    folder = tempfile.mkdtemp(prefix=f"{name}-{tag}-", dir=work)
    db = os.path.join(folder, "graft.db")
    command = [args.graft, "--db", db, "--quiet", "run", workload_file, "--no-progress",
               "--set", f"train.threads={args.threads}", "--set", f"train.log_every_steps={log_every}"]
    for item in sets:
        command += ["--set", item]
    process = run_process(command, os.path.join(folder, "graft"), args.env)
    seconds, start_to_warm, spans = graft_timing(db, config["steps_per_epoch"], config["warmup_steps"],
                                                 config["epochs"])
    timed_steps = config["epochs"] * (config["steps_per_epoch"] - config["warmup_steps"])
    result = {"impl": tag, "workload": name, "timed_steps": timed_steps,
              "timed_samples": timed_steps * config["batch_size"], "train_seconds": seconds,
              "samples_per_s": timed_steps * config["batch_size"] / seconds, "spans": spans}
    add_process_figures(result, process)
    if config.get("probe", {}).get("cached"):
        # From the run's start (data loaded, model built) to the end of the first W steps: the
        # features of the training split are computed in between; the W steps take milliseconds.
        result["feature_seconds"] = start_to_warm
    if not args.keep:
        shutil.rmtree(folder)
    return result


def run_loop(args, impl, config, work):
    command = ([args.python, os.path.join(BENCH, "pytorch", "loops.py")] if impl == "pytorch"
               else [args.libtorch_loop, "train"]) + [json.dumps(config)]
    process = run_process(command, os.path.join(work, f"{config['name']}-{impl}-{time.time_ns()}"), args.env)
    result = json.loads(process.out.strip().splitlines()[-1])
    add_process_figures(result, process)
    return result


def add_process_figures(result, process):
    result.update(wall_seconds=process.wall, peak_rss_mib=process.rss)
    cpu = process.in_spans(result["spans"], 1)
    if cpu:
        result.update(cpu_seconds=cpu, samples_per_cpu_s=result["timed_samples"] / cpu)
    faults = process.in_spans(result["spans"], 2)
    if faults is not None:
        result["minor_faults_per_step"] = faults / result["timed_steps"]


def machine_info(args):
    info = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "host": platform.node(), "kernel": platform.release(), "cores": os.cpu_count(),
            "threads": args.threads, "omp_wait_policy": args.wait_policy,
            "glibc_tunables": args.env.get("GLIBC_TUNABLES", "")}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 2 ** 20, 1)
    except (OSError, StopIteration):
        pass
    probe = subprocess.run([args.python, "-c", "import torch, sys; print(torch.__version__); "
                            "print(sys.version.split()[0]); print(torch.__config__.show())"],
                           capture_output=True, text=True, env=args.env)
    lines = probe.stdout.splitlines()
    if probe.returncode == 0 and len(lines) >= 2:
        info["torch"], info["python"] = lines[0], lines[1]
        blas = [line.strip() for line in lines if "BLAS_INFO" in line or "LAPACK_INFO" in line]
        info["blas"] = " ".join(blas)
    return info


# --- report ------------------------------------------------------------------------------------

def median(values):
    return statistics.median(values) if values else None


def summarise(results, flops, peak):
    """Per workload and implementation: medians over the repeats."""
    summary = {}
    for r in results:
        s = summary.setdefault(r["workload"], {}).setdefault(r["impl"], {"runs": []})
        s["runs"].append(r)
    for name, impls in summary.items():
        for impl, s in impls.items():
            rates = [r["samples_per_s"] for r in s["runs"]]
            s["samples_per_s"] = median(rates)
            s["min"], s["max"] = min(rates), max(rates)
            s["peak_rss_mib"] = median([r["peak_rss_mib"] for r in s["runs"]])
            s["wall_seconds"] = median([r["wall_seconds"] for r in s["runs"]])
            for key in ("samples_per_cpu_s", "minor_faults_per_step"):
                values = [r[key] for r in s["runs"] if key in r]
                if len(values) == len(s["runs"]):
                    s[key] = median(values)
            if all("feature_seconds" in r for r in s["runs"]):
                s["feature_seconds"] = median([r["feature_seconds"] for r in s["runs"]])
            if name in flops:
                s["gflops"] = s["samples_per_s"] * flops[name]["train_flops_per_example"] / 1e9
                if peak:
                    s["share_of_peak"] = s["gflops"] * 1e9 / peak
    return summary


def fmt(value, digits=1):
    return "–" if value is None else f"{value:,.{digits}f}"


def ratio(a, b):
    return "–" if not a or not b else f"{a / b:.3f}"


def markdown(summary, flops, peak, configs):
    lines = ["| workload | timed steps | graft ex/s (min–max) | PyTorch ex/s | hand-written ex/s | graft / PyTorch | "
             "graft / hand-written |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, impls_of in summary.items():
        g, p, h = (impls_of.get(i, {}).get("samples_per_s") for i in ("graft", "pytorch", "libtorch"))
        c = configs[name]
        timed = (f"{c['epochs']} x ({c['steps_per_epoch']} - {c['warmup_steps']}) steps of {c['batch_size']}"
                 if c["epochs"] > 1 else f"{c['steps_per_epoch']} - {c['warmup_steps']} steps of {c['batch_size']}")
        cells = [fmt(v) if v is None else f"{fmt(v)} ({impls_of[i]['min']:,.0f}–{impls_of[i]['max']:,.0f})"
                 for i, v in zip(("graft", "pytorch", "libtorch"), (g, p, h))]
        lines.append(f"| {name} | {timed} | {' | '.join(cells)} | {ratio(g, p)} | {ratio(g, h)} |")
    lines += ["", "CPU time (user + system, all threads) and minor page faults inside the same timed spans:", "",
              "| workload | graft ex/CPU-s | PyTorch ex/CPU-s | hand-written ex/CPU-s | graft / PyTorch | "
              "graft / hand-written | minor faults / step graft / PyTorch / hand-written |",
              "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for name, impls_of in summary.items():
        g, p, h = (impls_of.get(i, {}).get("samples_per_cpu_s") for i in ("graft", "pytorch", "libtorch"))
        faults = " / ".join(fmt(impls_of.get(i, {}).get("minor_faults_per_step"), 0)
                            for i in ("graft", "pytorch", "libtorch"))
        lines.append(f"| {name} | {fmt(g)} | {fmt(p)} | {fmt(h)} | {ratio(g, p)} | {ratio(g, h)} | {faults} |")
    lines += ["", "| workload | peak RSS MiB graft / PyTorch / hand-written | graft log_every_steps=1 vs W | "
              "train GFLOP / example | GFLOP/s graft / PyTorch / hand-written | share of matmul peak |",
              "| --- | --- | ---: | ---: | --- | --- |"]
    for name, impls_of in summary.items():
        rss = " / ".join(fmt(impls_of.get(i, {}).get("peak_rss_mib"), 0) for i in ("graft", "pytorch", "libtorch"))
        g, g1 = impls_of.get("graft", {}).get("samples_per_s"), impls_of.get("graft-log1", {}).get("samples_per_s")
        log_cost = "–" if not g or not g1 else f"{(g / g1 - 1) * 100:+.1f}% time"
        per_example = flops.get(name, {}).get("train_flops_per_example")
        gf = " / ".join(fmt(impls_of.get(i, {}).get("gflops"), 1) for i in ("graft", "pytorch", "libtorch"))
        share = " / ".join("–" if impls_of.get(i, {}).get("share_of_peak") is None
                           else f"{impls_of[i]['share_of_peak'] * 100:.0f}%" for i in ("graft", "pytorch", "libtorch"))
        lines.append(f"| {name} | {rss} | {log_cost} | {fmt(per_example / 1e9 if per_example else None, 4)} | {gf} | "
                     f"{share} |")
    features = {name: impls_of for name, impls_of in summary.items()
                if any("feature_seconds" in s for s in impls_of.values())}
    if features:
        lines += ["", "| workload | one-off feature extraction, s: graft / PyTorch / hand-written |", "| --- | --- |"]
        for name, impls_of in features.items():
            lines.append(f"| {name} | " + " / ".join(fmt(impls_of.get(i, {}).get("feature_seconds"), 2)
                                                     for i in ("graft", "pytorch", "libtorch")) + " |")
    if peak:
        lines += ["", f"Matmul peak (float32 4096 x 4096 products, best before and after the runs): "
                  f"{peak / 1e9:.1f} GFLOP/s."]
    return "\n".join(lines)


# --- main --------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description="graft against PyTorch and a hand-written LibTorch loop")
    parser.add_argument("--build-dir", default=os.environ.get("GRAFT_BUILD_DIR", os.path.join(ROOT, "build")))
    parser.add_argument("--python", default="/usr/bin/python3", help="the Python with Debian's python3-torch")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each workload and implementation (median)")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--impls", default="graft,graft-log1,pytorch,libtorch",
                        help="graft (log_every_steps = W), graft-log1 (log_every_steps = 1), pytorch, libtorch")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="intra-op threads of all three")
    parser.add_argument("--quick", action="store_true", help="a few steps per workload, to try the harness")
    parser.add_argument("--work", help="folder for data, stores and logs (default: a temporary one, removed)")
    parser.add_argument("--keep", action="store_true", help="keep graft's stores and checkpoints")
    parser.add_argument("--json", help="write every run and the summary to this file")
    parser.add_argument("--no-matmul", action="store_true", help="skip the matmul peak measurement")
    parser.add_argument("--fixed-malloc", action="store_true",
                        help=f"run all three with GLIBC_TUNABLES={FIXED_MALLOC} (glibc's heap trimming off: "
                             "see docs/benchmarks.md)")
    parser.add_argument("--wait-policy", choices=["PASSIVE", "ACTIVE"],
                        default=os.environ.get("OMP_WAIT_POLICY", "PASSIVE").upper(),
                        help="OMP_WAIT_POLICY of all three (default: graft's own default, PASSIVE)")
    args = parser.parse_args()
    args.graft = os.path.join(args.build_dir, "bin", "graft")
    args.libtorch_loop = os.path.join(args.build_dir, "bin", "graft_bench_libtorch")
    impls = args.impls.split(",")
    names = args.workloads.split(",")
    for name in names:
        if name not in WORKLOADS:
            raise SystemExit(f"unknown workload {name} (one of {', '.join(WORKLOADS)})")

    # graft re-executes itself with OMP_WAIT_POLICY=PASSIVE unless the variable is set
    # (framework/cli/thread_wait_policy.hpp); every process gets the same policy.
    env = dict(os.environ, OMP_WAIT_POLICY=args.wait_policy)
    env.pop("GOMP_SPINCOUNT", None)
    if args.fixed_malloc:
        env["GLIBC_TUNABLES"] = FIXED_MALLOC
    env.pop("OMP_NUM_THREADS", None)
    args.env = env
    work = args.work or tempfile.mkdtemp(prefix="graft-bench-")
    os.makedirs(work, exist_ok=True)
    info = machine_info(args)
    info["load_before"] = os.getloadavg()
    log(f"bench: {info.get('cpu', '?')}, {info['cores']} cores, {args.threads} threads; load {info['load_before']}")

    bert_dir = os.path.join(work, "bert")
    if "bert_mini" in names:
        examples = QUICK_BERT_EXAMPLES if args.quick else BERT_EXAMPLES
        subprocess.run([sys.executable, os.path.join(BENCH, "make_bert_data.py"), bert_dir,
                        "--examples", str(examples)], check=True)

    configs, files, sets, warmups = {}, {}, {}, {}
    for name in names:
        file, warmup, extra, quick = WORKLOADS[name]
        path = os.path.join(BENCH, "workloads", file)
        these = list(extra) + (quick if args.quick else [])
        if name == "bert_mini":
            these += [f"model.tokenizer={bert_dir}", f"dataset.train={os.path.join(bert_dir, 'train.csv')}"]
        warmup = QUICK_WARMUP if args.quick else warmup
        with open(path, "rb") as f:
            spec = apply_sets(tomllib.load(f), these + [f"train.threads={args.threads}"])
        configs[name] = loop_config(name, spec, args.threads, warmup)
        files[name], sets[name], warmups[name] = path, these, warmup

    flops = {}
    if configs:
        out = subprocess.run([args.python, os.path.join(BENCH, "pytorch", "flops.py")] +
                             [json.dumps(c) for c in configs.values()], capture_output=True, text=True, check=True)
        flops = json.loads(out.stdout)

    def measure_matmul(when):
        if args.no_matmul:
            return
        for threads in sorted({1, args.threads}):
            process = run_process([args.libtorch_loop, "matmul",
                                   json.dumps({"threads": threads, "size": 4096, "repeats": 5})],
                                  os.path.join(work, f"matmul-{when}-{threads}"), args.env)
            measured = dict(json.loads(process.out), when=when)
            info.setdefault("matmul", []).append(measured)
            log(f"bench: matmul ({when}, {threads} thread(s)): best {measured['best_flops'] / 1e9:.1f} GFLOP/s")

    measure_matmul("before")

    results = []
    for name in names:
        config = configs[name]
        for repeat in range(args.repeats):
            for impl in impls:
                if impl in ("graft", "graft-log1"):
                    log_every = 1 if impl == "graft-log1" else config["warmup_steps"]
                    result = run_graft(args, name, files[name], sets[name], config, log_every, work, impl)
                else:
                    result = run_loop(args, impl, config, work)
                result["repeat"] = repeat
                results.append(result)
                log(f"bench: {name} {impl} run {repeat + 1}/{args.repeats}: {result['samples_per_s']:.1f} examples/s "
                    f"({result['train_seconds']:.2f} s timed, {result['wall_seconds']:.1f} s wall, "
                    f"{result['peak_rss_mib']:.0f} MiB)")

    measure_matmul("after")
    info["load_after"] = os.getloadavg()
    # The machine's peak: the best float32 matmul rate with the benchmark's thread count.
    peak = max((m["best_flops"] for m in info.get("matmul", []) if m["threads"] == args.threads), default=None)
    summary = summarise(results, flops, peak)
    table = markdown(summary, flops, peak, configs)
    print(f"Measured {info['date']} on {info.get('cpu', '?')} ({info['cores']} cores, {info.get('memory_gib', '?')} "
          f"GiB), {args.threads} threads, OMP_WAIT_POLICY={args.wait_policy}"
          f"{', GLIBC_TUNABLES=' + info['glibc_tunables'] if info['glibc_tunables'] else ''}, {args.repeats} run(s) each"
          f"{' (QUICK)' if args.quick else ''}; "
          f"load average before {tuple(round(x, 2) for x in info['load_before'])}, "
          f"after {tuple(round(x, 2) for x in info['load_after'])}.\n")
    print(table)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "configs": configs, "flops": flops, "summary": summary, "runs": results}, f,
                      indent=1)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
