#!/usr/bin/python3
"""Side-by-side quality and speed bench: sextant's algorithms vs Optuna 3.1's samplers.

One invocation runs, for every problem x seed, each engine algorithm through the ask/tell
bridge (sextant-ask-tell, one subprocess per run) and each Optuna sampler in-process, with the
same budget and the objective evaluated here in Python; then the speed table; then prints the
report (tables + TARGETS) and writes it next to the raw JSON lines.

    bench/quality/run.sh                          # everything, defaults (see README.md)
    bench/quality/run.py --quick                  # smoke run, ~2 minutes
    bench/quality/run.py --report-only results.jsonl

Protocol: reference/performance.md sections 3.1, 3.2, 3.4, 3.5, 7, 8.
"""
import os

# Single-threaded runs: set before numpy/scipy/sklearn load their thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import real_tasks  # noqa: E402
import report  # noqa: E402
import runners  # noqa: E402
import speed  # noqa: E402
from synthetic_problems import CONTINUOUS_SUITE, SYNTHETIC  # noqa: E402

ENGINE_ALGORITHMS = ["random", "sobol", "tpe", "multivariate-tpe", "cmaes",
                     "bayesianoptimization"]
BATCH_PROBLEMS = ["branin_int", "styblinski_tang_int4", "hartmann3_mixed"]
QUICK_FUNCTIONS = ["branin", "hartmann6", "hartmann3_mixed"]
DEFAULT_BRIDGE = os.path.join(HERE, "..", "..", "build", "bench", "bin", "sextant-ask-tell")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bridge", default=os.environ.get("SEXTANT_ASK_TELL", DEFAULT_BRIDGE),
                    help="sextant-ask-tell binary (default: build/bench/bin/sextant-ask-tell)")
    ap.add_argument("--functions", nargs="+", default=None,
                    help=f"synthetic problems (default all: {', '.join(SYNTHETIC)})")
    ap.add_argument("--algorithms", nargs="*", default=None,
                    help=f"engine algorithms (default {' '.join(ENGINE_ALGORITHMS)})")
    ap.add_argument("--optuna-samplers", nargs="*", default=None,
                    help=f"Optuna samplers (default {' '.join(runners.OPTUNA_SAMPLERS)})")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per synthetic problem (20)")
    ap.add_argument("--budget", type=int, default=None,
                    help="trials per synthetic run (200; report at 50/100/200)")
    ap.add_argument("--real-tasks", dest="real_tasks", action="store_true", default=None)
    ap.add_argument("--no-real-tasks", dest="real_tasks", action="store_false")
    ap.add_argument("--tasks", nargs="+", default=None, choices=list(real_tasks.REAL),
                    help="real tasks (default all)")
    ap.add_argument("--real-seeds", type=int, default=None,
                    help="seeds per real task (default per task: " + ", ".join(
                        f"{k} {s}" for k, (s, _) in real_tasks.DEFAULT_BUDGETS.items()) + ")")
    ap.add_argument("--real-budget", type=int, default=None,
                    help="trials per real-task run (default per task: " + ", ".join(
                        f"{k} {b}" for k, (_, b) in real_tasks.DEFAULT_BUDGETS.items()) + ")")
    ap.add_argument("--batch", type=int, default=5,
                    help="batch size of the duplicate-check runs (0: none)")
    ap.add_argument("--batch-seeds", type=int, default=None, help="seeds of those runs (3)")
    ap.add_argument("--no-quality", dest="quality", action="store_false", default=True,
                    help="skip the quality runs (speed table only)")
    ap.add_argument("--speed", dest="speed", action="store_true", default=True)
    ap.add_argument("--no-speed", dest="speed", action="store_false")
    ap.add_argument("--speed-n", type=int, nargs="+", default=None, help="(100 500 1000)")
    ap.add_argument("--speed-d", type=int, nargs="+", default=None, help="(6 20)")
    ap.add_argument("--speed-repeats", type=int, default=None,
                    help="windows per speed measurement; the lowest mean is kept (3)")
    ap.add_argument("--speed-optuna", nargs="*", default=None,
                    help="Optuna samplers in the speed table (random tpe cmaes)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (2)")
    ap.add_argument("--run-timeout", type=float, default=1800,
                    help="seconds after which one engine run is killed and reported (1800)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 5 seeds, budget 100, 3 functions, enet only, small speed "
                         "table (~2 minutes)")
    ap.add_argument("--out", default="quality_results.jsonl", help="raw JSON lines")
    ap.add_argument("--report", default=None, help="text report (default: --out with .txt)")
    ap.add_argument("--report-only", metavar="RESULTS_JSONL",
                    help="re-render the report of an earlier run and exit")
    args = ap.parse_args(argv)

    q = args.quick
    args.functions = args.functions or (QUICK_FUNCTIONS if q else list(SYNTHETIC))
    unknown = [f for f in args.functions if f not in SYNTHETIC]
    if unknown:
        ap.error(f"unknown function(s) {', '.join(unknown)}; known: {', '.join(SYNTHETIC)}")
    args.algorithms = ENGINE_ALGORITHMS if args.algorithms is None else args.algorithms
    args.optuna_samplers = (list(runners.OPTUNA_SAMPLERS) if args.optuna_samplers is None
                            else args.optuna_samplers)
    bad = [s for s in args.optuna_samplers if s not in runners.OPTUNA_SAMPLERS]
    if bad:
        ap.error(f"unknown Optuna sampler(s) {', '.join(bad)}; known: "
                 f"{', '.join(runners.OPTUNA_SAMPLERS)}")
    args.seeds = args.seeds or (5 if q else 20)
    args.budget = args.budget or (100 if q else 200)
    if args.real_tasks is None:
        args.real_tasks = True
    args.tasks = args.tasks or (["enet_diabetes"] if q else list(real_tasks.REAL))
    args.batch_seeds = args.batch_seeds or (2 if q else 3)
    args.speed_n = args.speed_n or ([100, 1000] if q else [100, 500, 1000])
    args.speed_d = args.speed_d or ([6] if q else [6, 20])
    args.speed_repeats = args.speed_repeats or (2 if q else 3)
    args.speed_optuna = (args.speed_optuna if args.speed_optuna is not None
                         else ["random", "tpe"] if q else ["random", "tpe", "cmaes"])
    source = args.report_only or args.out
    args.report = args.report or os.path.splitext(source)[0] + ".txt"
    return args


def real_budgets(args):
    out = {}
    for t in (args.tasks if args.real_tasks else []):
        seeds, trials = real_tasks.DEFAULT_BUDGETS[t]
        if args.quick:
            seeds, trials = 3, 40
        out[t] = (args.real_seeds or seeds, args.real_budget or trials)
    return out


# ---- the worker side -----------------------------------------------------------------------

_CACHE = None  # real-task evaluations shared by the workers: {(problem, assignment): loss}


def _init_worker(cache):
    global _CACHE
    _CACHE = cache


def problem_by_name(name):
    return SYNTHETIC.get(name) or real_tasks.REAL[name]


def evaluate(problem, values):
    """The objective; real tasks go through the cache (their losses are deterministic, so a
    cached value is exactly what a fresh evaluation would give)."""
    if problem.f_star is not None or _CACHE is None:
        return problem.objective(values)
    from search_space import assignment_key
    key = repr((problem.name, assignment_key(problem.params, values)))
    hit = _CACHE.get(key)
    if hit is None:
        hit = problem.objective(values)
        _CACHE[key] = hit
    return hit


def run_task(task):
    engine, algorithm, problem_name, seed, budget, batch, binary, known, timeout = task
    problem = problem_by_name(problem_name)
    try:
        if engine == "sextant":
            return runners.run_sextant(binary, algorithm, problem, seed, budget, evaluate, batch,
                                       known, timeout)
        return runners.run_optuna(algorithm, problem, seed, budget, evaluate)
    except Exception as e:  # noqa: BLE001 - one broken run must not end the bench
        return {"record": "run", "engine": engine, "algorithm": algorithm,
                "problem": problem_name, "group": problem.group, "seed": seed, "budget": budget,
                "batch": batch, "f_star": problem.f_star, "best": [], "duplicates": 0,
                "failed": 0, "engine_seconds": 0.0, "wall_seconds": 0.0,
                "error": f"{type(e).__name__}: {e}"}


# ---- the driver side -----------------------------------------------------------------------

def _cost_guess(task):
    """Rough seconds per run, to start the long runs first (better packing on 2 workers)."""
    engine, algorithm, problem_name, _, budget, _, _, _, _ = task
    per_eval = {"svc_digits": 0.3, "hgb_breast": 0.1, "enet_diabetes": 0.005}
    d = len(problem_by_name(problem_name).params)
    per_trial = per_eval.get(problem_name, 0.0)
    per_trial += {"tpe": 0.004 * d, "tpe_mv": 0.004 * d, "bayesianoptimization": 0.02,
                  "multivariate-tpe": 0.001 * d}.get(algorithm, 0.0005)
    return budget * per_trial


def build_tasks(args, known):
    tasks = []
    for p in args.functions:
        for seed in range(args.seeds):
            for a in args.algorithms:
                tasks.append(("sextant", a, p, seed, args.budget, 1, args.bridge, known[a],
                              args.run_timeout))
            for s in args.optuna_samplers:
                tasks.append(("optuna", s, p, seed, args.budget, 1, None, None, None))
    for t, (seeds, trials) in real_budgets(args).items():
        for seed in range(seeds):
            for a in args.algorithms:
                tasks.append(("sextant", a, t, seed, trials, 1, args.bridge, known[a],
                              args.run_timeout))
            for s in args.optuna_samplers:
                tasks.append(("optuna", s, t, seed, trials, 1, None, None, None))
    if args.batch > 1:
        for p in BATCH_PROBLEMS:
            for seed in range(args.batch_seeds):
                for a in args.algorithms:
                    tasks.append(("sextant", a, p, 1000 + seed, min(args.budget, 100), args.batch,
                                  args.bridge, known[a], args.run_timeout))
    tasks.sort(key=_cost_guess, reverse=True)
    return tasks


def versions():
    import numpy
    import optuna
    import scipy
    import sklearn
    return {"python": platform.python_version(), "optuna": optuna.__version__,
            "numpy": numpy.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__}


def run_quality(args, tasks, write):
    manager = multiprocessing.Manager()
    cache = manager.dict()
    ctx = multiprocessing.get_context("fork")
    done = 0
    start = time.perf_counter()
    with ctx.Pool(args.jobs, initializer=_init_worker, initargs=(cache,)) as pool:
        for rec in pool.imap_unordered(run_task, tasks, chunksize=1):
            done += 1
            write(rec)
            elapsed = time.perf_counter() - start
            flag = f"  ERROR: {rec['error']}" if rec.get("error") else ""
            print(f"[{done}/{len(tasks)} {elapsed:6.0f}s] {rec['engine']}:{rec['algorithm']} "
                  f"{rec['problem']} seed {rec['seed']} batch {rec['batch']}: "
                  f"{rec['wall_seconds']:.1f}s{flag}", file=sys.stderr, flush=True)
    distinct = len(cache)  # real-task assignments actually trained
    manager.shutdown()
    return distinct


def run_speed(args, algorithms, write):
    for d in args.speed_d:
        for n in args.speed_n:
            for a in algorithms:
                rec = speed.best_of(args.speed_repeats, speed.time_sextant, args.bridge, a, d, n)
                write(rec)
                print(f"speed sextant:{a} d={d} n={n}: "
                      f"{rec.get('mean_seconds', float('nan')) * 1e3:.3g} ms "
                      f"{rec.get('error') or ''}", file=sys.stderr, flush=True)
            for s in args.speed_optuna:
                rec = speed.best_of(args.speed_repeats, speed.time_optuna, s, d, n)
                write(rec)
                print(f"speed optuna:{s} d={d} n={n}: {rec['mean_seconds'] * 1e3:.3g} ms",
                      file=sys.stderr, flush=True)


def read_records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def emit_report(records, path):
    text = report.render(records)
    sys.stdout.write(text)
    with open(path, "w") as f:
        f.write(text)
    print(f"report written to {path}", file=sys.stderr)


def main(argv=None):
    args = parse_args(argv)
    if args.report_only:
        emit_report(read_records(args.report_only), args.report)
        return 0

    if not os.access(args.bridge, os.X_OK):
        print(f"error: bridge {args.bridge} not found; build it with `ninja -C build "
              f"sextant-ask-tell` (or make build) or pass --bridge", file=sys.stderr)
        return 2
    registered = runners.list_algorithms(args.bridge)
    skipped = {a: f"not registered in this build (registered: {', '.join(sorted(registered))})"
               for a in args.algorithms if a not in registered}
    for a, why in skipped.items():
        print(f"skipping {a}: {why}", file=sys.stderr)
    args.algorithms = [a for a in args.algorithms if a in registered]

    started = time.perf_counter()
    meta = {"record": "meta", "started": datetime.datetime.now().isoformat(timespec="seconds"),
            "host": socket.gethostname(), "cores": os.cpu_count(), "jobs": args.jobs,
            "versions": versions(), "algorithms": args.algorithms,
            "optuna_samplers": args.optuna_samplers, "functions": args.functions,
            "continuous_suite": CONTINUOUS_SUITE, "tasks": list(real_budgets(args)),
            "real_budgets": real_budgets(args), "seeds": args.seeds, "budget": args.budget,
            "batch": args.batch, "skipped": skipped, "registered": sorted(registered),
            "argv": sys.argv[1:]}
    records = [meta]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as out:
        def write(rec):
            records.append(rec)
            out.write(json.dumps(rec) + "\n")
            out.flush()

        out.write(json.dumps(meta) + "\n")
        tasks = build_tasks(args, registered) if args.quality else []
        print(f"{len(tasks)} runs on {args.jobs} workers; results -> {args.out}",
              file=sys.stderr, flush=True)
        cached = run_quality(args, tasks, write) if tasks else 0
        quality_s = time.perf_counter() - started
        if args.speed:
            run_speed(args, args.algorithms, write)
        write({"record": "done", "elapsed_seconds": time.perf_counter() - started,
               "quality_seconds": quality_s,
               "speed_seconds": time.perf_counter() - started - quality_s,
               "cached_real_evaluations": cached})
    emit_report(records, args.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
