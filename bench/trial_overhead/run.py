#!/usr/bin/python3
"""Trial overhead: the engine's time per trial beyond the worker's own run time, side by side
with Optuna's per-trial ask+tell cost on SQLite storage, measured in the same invocation.

sextant side: `sextant run` drives N trials of a worker that only prints one metric (a real
process per trial, StdOut collector, random search, SQLite store). For each trial:
    overhead = (completion recorded - trial created) - worker's own run time
where the worker's own run time is measured inside the worker (main() to exit), so fork, exec,
dynamic loading, pipe reading and every store write count as engine time. Also reported: the
throughput view, wall / N - mean worker time / parallel.

Optuna side: study.ask() + trial.suggest_float() + study.tell() per trial with the RDB storage
on a fresh SQLite file and the RandomSampler (the same algorithm), objective excluded.
"""
import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

SPEC = """apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: {name}
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: random
    algorithmSettings:
      - name: random_state
        value: "1"
  parallelTrialCount: {parallel}
  maxTrialCount: {trials}
  parameters:
    - name: x
      parameterType: double
      feasibleSpace:
        min: "0"
        max: "1"
  trialTemplate:
    primaryContainerName: worker
    trialParameters:
      - name: x
        reference: x
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: worker
                image: none
                command: ["{worker}", "${{trialParameters.x}}"]
"""


def percentile(values, q):
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run_sextant(sextant, worker, trials, parallel, workdir):
    name = f"overhead-p{parallel}"
    spec_path = os.path.join(workdir, f"{name}.yaml")
    with open(spec_path, "w") as f:
        f.write(SPEC.format(name=name, parallel=parallel, trials=trials, worker=worker))
    db = os.path.join(workdir, f"{name}.db")
    runs = os.path.join(workdir, f"{name}-runs")
    started = time.perf_counter()
    subprocess.run([sextant, "--db", db, "run", "-f", spec_path, "--progress", "none",
                    "--runs-dir", runs], check=True)
    wall = time.perf_counter() - started
    con = sqlite3.connect(db)
    rows = con.execute("SELECT name, state, created_at, completed_at FROM trials "
                       "WHERE experiment=? ORDER BY sequence", (name,)).fetchall()
    overheads, worker_times = [], []
    for trial, state, created, completed in rows:
        if state != "Succeeded":
            raise SystemExit(f"trial {trial} ended {state}")
        with open(os.path.join(runs, name, trial, "worker_time")) as f:
            w_start, w_end = map(float, f.read().split())
        worker_times.append(w_end - w_start)
        overheads.append((completed - created) - (w_end - w_start))
    return {
        "parallel": parallel,
        "trials": len(rows),
        "wall_s": wall,
        "median_ms": statistics.median(overheads) * 1e3,
        "p95_ms": percentile(overheads, 0.95) * 1e3,
        "throughput_ms": (wall / len(rows) - statistics.mean(worker_times) / parallel) * 1e3,
        "worker_ms": statistics.median(worker_times) * 1e3,
    }


def run_optuna(trials, workdir):
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    db = os.path.join(workdir, "optuna.db")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1),
                                storage="sqlite:///" + db)
    costs = []
    for _ in range(trials):
        t0 = time.perf_counter()
        trial = study.ask()
        x = trial.suggest_float("x", 0.0, 1.0)
        t1 = time.perf_counter()
        value = (x - 0.25) ** 2
        t2 = time.perf_counter()
        study.tell(trial, value)
        t3 = time.perf_counter()
        costs.append((t1 - t0) + (t3 - t2))
    return {"version": optuna.__version__, "trials": trials,
            "median_ms": statistics.median(costs) * 1e3,
            "p95_ms": percentile(costs, 0.95) * 1e3,
            "mean_ms": statistics.mean(costs) * 1e3}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sextant", required=True)
    ap.add_argument("--worker", required=True)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--workdir", help="where the databases and trial directories go (default: system temp)")
    args = ap.parse_args()
    sextant = os.path.abspath(args.sextant)
    worker = os.path.abspath(args.worker)

    with tempfile.TemporaryDirectory(prefix="sextant-overhead-", dir=args.workdir) as workdir:
        ours = [run_sextant(sextant, worker, args.trials, p, workdir) for p in (1, 2)]
        optuna_result = run_optuna(args.trials, workdir)

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, "
          f"optuna {optuna_result['version']}")
    print(f"trials per run: {args.trials}; worker prints one metric "
          f"(its own run time, median: {ours[0]['worker_ms']:.3f} ms)\n")
    print(f"{'engine':<34}{'median ms':>10}{'p95 ms':>10}{'thruput ms':>12}{'wall s':>9}"
          f"{'x median':>10}{'x thruput':>11}")
    for r in ours:
        by_median = optuna_result["median_ms"] / r["median_ms"] if r["median_ms"] > 0 else float("inf")
        by_thruput = optuna_result["mean_ms"] / r["throughput_ms"] if r["throughput_ms"] > 0 else float("inf")
        print(f"{'sextant, real process, parallel ' + str(r['parallel']):<34}{r['median_ms']:>10.3f}"
              f"{r['p95_ms']:>10.3f}{r['throughput_ms']:>12.3f}{r['wall_s']:>9.2f}"
              f"{by_median:>9.1f}x{by_thruput:>10.1f}x")
    print(f"{'optuna ask+tell, sqlite, random':<34}{optuna_result['median_ms']:>10.3f}"
          f"{optuna_result['p95_ms']:>10.3f}{optuna_result['mean_ms']:>12.3f}{'':>9}{'1.0x':>10}{'1.0x':>11}")
    print("\nmedian/p95: per trial, (completion recorded - created) - worker's own run time;"
          "\nthruput: wall / trials - mean worker time / parallel (optuna column: mean ask+tell)."
          "\nx median = optuna median / sextant median; x thruput = optuna mean / sextant thruput."
          "\nThe target is >= 10x. At parallel > 1 a trial's latency also holds the time the engine"
          "\nspends on the other trials in flight; thruput is the engine time each trial adds.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"sextant": ours, "optuna": optuna_result}, f, indent=2)


if __name__ == "__main__":
    main()
