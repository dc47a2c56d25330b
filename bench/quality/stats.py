"""Statistics over run records: regret at a budget, medians and IQRs, win rates with a
Mann-Whitney U p-value, and Bayesmark-style normalised scores (performance.md 3.2, 3.5)."""
import math
from collections import defaultdict

import numpy as np
from scipy.stats import mannwhitneyu

REGRET_FLOOR = 1e-12


def key_of(rec):
    return f"{rec['engine']}:{rec['algorithm']}"


def best_at(rec, budget):
    """Best loss after `budget` trials, or None when the run stopped before (or found nothing)."""
    best = rec["best"]
    if len(best) < budget or not math.isfinite(best[budget - 1]):
        return None
    return best[budget - 1]


def regret_at(rec, budget):
    """Simple regret best - f*, floored at 1e-12 (so log10 >= -12 and ties at the floor)."""
    b = best_at(rec, budget)
    return None if b is None else max(b - rec["f_star"], REGRET_FLOOR)


def quartiles(values):
    q1, med, q3 = np.percentile(np.asarray(values, float), [25, 50, 75])
    return float(med), float(q1), float(q3)


def quality_runs(records):
    """{(problem, key): {seed: record}} of the sequential (batch 1) runs without error."""
    runs = defaultdict(dict)
    for r in records:
        if r.get("record") == "run" and r["batch"] == 1:
            runs[(r["problem"], key_of(r))][r["seed"]] = r
    return runs


def regrets(runs, problem, key, budget):
    """{seed: regret} at `budget` for one (problem, algorithm)."""
    out = {}
    for seed, rec in runs.get((problem, key), {}).items():
        r = regret_at(rec, budget)
        if r is not None:
            out[seed] = r
    return out


def log_summary(regret_by_seed):
    """(median, q1, q3) of log10 regret, or None."""
    if not regret_by_seed:
        return None
    return quartiles([math.log10(r) for r in regret_by_seed.values()])


def median_regret(regret_by_seed):
    return float(np.median(list(regret_by_seed.values()))) if regret_by_seed else None


def win_rate(mine, theirs):
    """Over the seeds both have: fraction where mine is strictly lower (ties count half), and
    the two-sided Mann-Whitney U p-value of the two samples. (None, None) without common seeds."""
    common = sorted(set(mine) & set(theirs))
    if not common:
        return None, None
    score = sum(1.0 if mine[s] < theirs[s] else 0.5 if mine[s] == theirs[s] else 0.0
                for s in common)
    return score / len(common), mann_whitney_p(list(mine.values()), list(theirs.values()))


def mann_whitney_p(a, b):
    if len(a) == 0 or len(b) == 0:
        return None
    if len(set(a) | set(b)) == 1:
        return 1.0  # identical samples
    p = mannwhitneyu(a, b, alternative="two-sided").pvalue
    return 1.0 if p is None or math.isnan(p) else float(p)


def normalised_scores(records, problem, budget, random_keys=("sextant:random", "optuna:random")):
    """Bayesmark's normalised median score per algorithm at `budget`:
        (median over seeds of best loss - opt) / (median of random search's best loss - opt)
    opt = the best loss ever observed on the problem (all methods, seeds, trials); random
    search = the random-search runs of both engines pooled. 0 = as good as the best ever seen,
    1 = random search. Returns ({key: score}, {key: median best loss}, opt)."""
    runs = [r for r in records if r.get("record") == "run" and r["problem"] == problem
            and r["batch"] == 1]
    finite = [b for r in runs for b in r["best"] if math.isfinite(b)]
    if not finite:
        return {}, {}, None
    opt = min(finite)
    by_key = defaultdict(list)
    for r in runs:
        b = best_at(r, budget)
        if b is not None:
            by_key[key_of(r)].append(b)
    medians = {k: float(np.median(v)) for k, v in by_key.items()}
    pooled = [b for k in random_keys for b in by_key.get(k, [])]
    scores = {}
    if pooled:
        denominator = float(np.median(pooled)) - opt
        for k, m in medians.items():
            scores[k] = (m - opt) / denominator if denominator > 0 else float("nan")
    return scores, medians, opt
