"""The speed table: time per suggestion at n completed trials, engine vs Optuna, same run.

Engine: `sextant-ask-tell time` (suggest_timing.hpp): n completed trials of a d-dim [0,1] space,
one untimed warm-up round, then a window of 10 timed rounds of suggest(history, 1) +
save_state() + recording the result.
Optuna: a study prefilled with n completed trials through study.add_trials(create_trial(...))
(instead of running n trials), one untimed warm-up, then 10 timed rounds of ask() + d
suggest_float() + tell(), objective excluded. Same shape of objective (a Hartmann-like sum of
4 Gaussian bumps) on both sides; its constants differ, which does not matter for cost.
Each measurement is repeated (default 3 windows, each on a fresh history and algorithm) and
the window with the lowest mean is kept: on a shared 2-vCPU machine a single preemption of one
round otherwise dominates a 10-round mean. A record is {"record": "speed", engine, algorithm,
d, n, median_seconds, mean_seconds, max_seconds, samples, window_means}. Run serially, after
the quality runs, so that the bench's own workers do not compete for the cores.
"""
import json
import statistics
import subprocess
import time

import numpy as np

from runners import make_optuna_sampler, quiet_optuna

WINDOW = 10
WARMUP = 1


def _speed_record(engine, algorithm, d, n, samples, error=None, suggest_samples=None):
    """samples: seconds per round (what the table and targets use); suggest_samples: the
    engine's suggest() alone, when known."""
    rec = {"record": "speed", "engine": engine, "algorithm": algorithm, "d": d, "n": n,
           "window": WINDOW, "warmup": WARMUP, "samples": samples, "error": error}
    if samples:
        rec.update(median_seconds=statistics.median(samples),
                   mean_seconds=statistics.fmean(samples), max_seconds=max(samples))
    if suggest_samples:
        rec.update(suggest_samples=suggest_samples,
                   suggest_mean_seconds=statistics.fmean(suggest_samples))
    return rec


def time_sextant(binary, algorithm, d, n, timeout=1800):
    cmd = [binary, "time", "--algorithm", algorithm, "--dimensions", str(d), "--completed",
           str(n), "--window", str(WINDOW), "--warmup", str(WARMUP), "--seed", "1"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return _speed_record("sextant", algorithm, d, n, [], f"timed out after {timeout} s")
    try:
        reply = json.loads(out.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return _speed_record("sextant", algorithm, d, n, [],
                             f"no reply (status {out.returncode}): {out.stderr.strip()[:300]}")
    if not reply.get("ok"):
        return _speed_record("sextant", algorithm, d, n, [], reply.get("error"))
    return _speed_record("sextant", algorithm, d, n, reply["round_seconds"],
                         suggest_samples=reply["suggest_seconds"])


class _Bumps:
    def __init__(self, d):
        rng = np.random.default_rng(20240611)
        self.a = rng.uniform(0.5, 17.0, size=(4, d)) * 6.0 / d
        self.p = rng.uniform(size=(4, d))
        self.alpha = np.array([1.0, 1.2, 3.0, 3.2])

    def __call__(self, x):
        return float(-self.alpha @ np.exp(-np.sum(self.a * (x - self.p) ** 2, axis=1)))


def time_optuna(sampler_name, d, n):
    import optuna
    quiet_optuna()
    fn = _Bumps(d)
    rng = np.random.default_rng(1)
    dist = {f"x{j}": optuna.distributions.FloatDistribution(0.0, 1.0) for j in range(d)}
    study = optuna.create_study(sampler=make_optuna_sampler(sampler_name, 1))
    prefill = []
    for _ in range(n - WARMUP):
        x = rng.uniform(size=d)
        prefill.append(optuna.trial.create_trial(
            params={f"x{j}": float(x[j]) for j in range(d)}, distributions=dist, value=fn(x)))
    study.add_trials(prefill)
    samples = []
    for r in range(WARMUP + WINDOW):
        t0 = time.perf_counter()
        trial = study.ask()
        x = np.array([trial.suggest_float(f"x{j}", 0.0, 1.0) for j in range(d)])
        t1 = time.perf_counter()
        y = fn(x)
        t2 = time.perf_counter()
        study.tell(trial, y)
        t3 = time.perf_counter()
        if r >= WARMUP:
            samples.append((t1 - t0) + (t3 - t2))
    return _speed_record("optuna", sampler_name, d, n, samples)


def best_of(repeats, measure, *args):
    """The lowest-mean window of `repeats` measurements (an error ends the repeats)."""
    best, means = None, []
    for _ in range(max(1, repeats)):
        rec = measure(*args)
        if rec.get("error"):
            return rec
        means.append(rec["mean_seconds"])
        if best is None or rec["mean_seconds"] < best["mean_seconds"]:
            best = rec
    best["window_means"] = means
    return best
