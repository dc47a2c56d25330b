"""Renders results.jsonl as the report: quality tables (synthetic), win rates, ratios of
medians, normalised scores (real tasks), duplicates, the speed table, then TARGETS."""
import math
import statistics
from collections import defaultdict

import stats
from targets import render_targets


def checkpoints(budget):
    points = [b for b in (50, 100, 200) if b <= budget]
    return points if budget in points else points + [budget]


def _fmt_log(summary):
    if summary is None:
        return "-"
    med, q1, q3 = summary
    return f"{med:6.2f} [{q1:.2f},{q3:.2f}]"


def _fmt_p(p):
    if p is None:
        return "-"
    return f"{p:.0e}" if p < 0.001 else f"{p:.3f}"


def _table(header, rows, widths, left=1):
    """Fixed-width columns; the first `left` ones left-aligned (labels), the rest right."""
    def line(cells):
        return "".join(f"{c:<{w}}" if i < left else f"{c:>{w}}"
                       for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [line(header)] + [line(row) for row in rows]


class Context:
    """What every section needs, computed once."""

    def __init__(self, records):
        self.records = records
        self.meta = next((r for r in records if r.get("record") == "meta"), {})
        self.done = next((r for r in records if r.get("record") == "done"), None)
        self.runs = [r for r in records if r.get("record") == "run"]
        self.quality = stats.quality_runs(records)
        self.speed = [r for r in records if r.get("record") == "speed"]
        present = {(r["engine"], r["algorithm"]) for r in self.runs}

        def ordered(engine, wanted):
            names = sorted((a for e, a in present if e == engine),
                           key=lambda a: (wanted.index(a) if a in wanted else 99, a))
            return [f"{engine}:{a}" for a in names]
        self.engine_keys = ordered("sextant", self.meta.get("algorithms", []))
        self.optuna_keys = ordered("optuna", self.meta.get("optuna_samplers", []))
        self.keys = self.engine_keys + self.optuna_keys
        seen = []
        for r in self.runs:
            if r["problem"] not in seen:
                seen.append(r["problem"])
        self.synthetic = [p for p in self.meta.get("functions", seen) if p in seen and any(
            r["problem"] == p and r["f_star"] is not None for r in self.runs)]
        self.real = [p for p in self.meta.get("tasks", seen) if p in seen and any(
            r["problem"] == p and r["f_star"] is None for r in self.runs)]
        budgets = [r["budget"] for r in self.runs if r["f_star"] is not None and r["batch"] == 1]
        self.budget = max(budgets) if budgets else 0
        self.checkpoints = checkpoints(self.budget) if self.budget else []

    def regrets(self, problem, key, budget):
        return stats.regrets(self.quality, problem, key, budget)


def _header(ctx):
    m = ctx.meta
    lines = ["=" * 100, "sextant vs Optuna: quality and speed (bench/quality/run.py)", "=" * 100]
    if m:
        lines.append(f"started {m.get('started')}  host {m.get('host')}  cores {m.get('cores')}"
                     f"  jobs {m.get('jobs')}")
        lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()))
        lines.append(f"engine algorithms: {', '.join(m.get('algorithms', []))}; "
                     f"optuna samplers: {', '.join(m.get('optuna_samplers', []))}")
        lines.append(f"synthetic: {len(ctx.synthetic)} problems x {m.get('seeds')} seeds x "
                     f"{m.get('budget')} trials; real tasks: " + ", ".join(
                         f"{t} {s}x{b}" for t, (s, b) in m.get("real_budgets", {}).items()))
        for name, why in m.get("skipped", {}).items():
            lines.append(f"SKIPPED {name}: {why}")
    if ctx.done:
        lines.append(f"total run time {ctx.done['elapsed_seconds'] / 60:.1f} min "
                     f"(quality {ctx.done.get('quality_seconds', 0) / 60:.1f} min, speed "
                     f"{ctx.done.get('speed_seconds', 0) / 60:.1f} min)")
        evaluations = sum(len(r["best"]) for r in ctx.runs if r["f_star"] is None)
        if evaluations:
            lines.append(f"real-task evaluations: {evaluations}, of which trained "
                         f"{ctx.done.get('cached_real_evaluations', '?')} (the rest came from "
                         f"the evaluation cache)")
    errors = [r for r in ctx.runs if r.get("error")]
    if errors:
        lines.append(f"{len(errors)} run(s) stopped early; first ones:")
        for r in errors[:8]:
            lines.append(f"  {r['engine']}:{r['algorithm']} {r['problem']} seed {r['seed']}: "
                         f"{r['error']}")
    return lines


def _quality_tables(ctx):
    lines = ["", "## Synthetic suite: log10 simple regret, median [IQR] over seeds "
             "(lower is better; floor -12)"]
    widths = [22, 38] + [22] * len(ctx.checkpoints)
    rows = []
    for p in ctx.synthetic:
        for i, k in enumerate(ctx.keys):
            cells = [_fmt_log(stats.log_summary(ctx.regrets(p, k, b))) for b in ctx.checkpoints]
            n = len(ctx.regrets(p, k, ctx.checkpoints[-1])) if ctx.checkpoints else 0
            rows.append([p if i == 0 else "", f"{k} (n={n})"] + cells)
    lines += _table(["problem", "algorithm"] + [f"@{b}" for b in ctx.checkpoints], rows, widths,
                    left=2)

    for b in ctx.checkpoints:
        lines += ["", f"Median log10 regret @{b} (problem x algorithm)"]
        short = [k.replace("sextant:", "s:").replace("optuna:", "o:") for k in ctx.keys]
        widths = [22] + [max(8, len(s) + 2) for s in short]
        rows = []
        for p in ctx.synthetic:
            row = [p]
            for k in ctx.keys:
                s = stats.log_summary(ctx.regrets(p, k, b))
                row.append("-" if s is None else f"{s[0]:.2f}")
            rows.append(row)
        lines += _table(["problem"] + short, rows, widths)
    return lines


def _win_tables(ctx):
    lines = ["", "## Win rate of each engine algorithm vs each Optuna sampler (fraction of seeds "
             "with strictly lower regret, ties 1/2) and two-sided Mann-Whitney U p"]
    for b in ctx.checkpoints:
        lines += ["", f"@{b}"]
        widths = [22, 32] + [18] * len(ctx.optuna_keys)
        rows = []
        for p in ctx.synthetic:
            for i, e in enumerate(ctx.engine_keys):
                mine = ctx.regrets(p, e, b)
                row = [p if i == 0 else "", e]
                for o in ctx.optuna_keys:
                    w, pv = stats.win_rate(mine, ctx.regrets(p, o, b))
                    row.append("-" if w is None else f"{w:.2f} p={_fmt_p(pv)}")
                rows.append(row)
        lines += _table(["problem", "engine"] + [f"vs {o}" for o in ctx.optuna_keys], rows,
                        widths, left=2)
    return lines


def _run_time_table(ctx):
    lines = ["", "## Time inside the algorithm per run, median over seeds in seconds (sextant: "
             "suggest + save_state; optuna: ask + suggest + tell; objective excluded)"]
    short = [k.replace("sextant:", "s:").replace("optuna:", "o:") for k in ctx.keys]
    widths = [22] + [max(9, len(s) + 2) for s in short]
    rows = []
    for p in ctx.synthetic + ctx.real:
        row = [p]
        for k in ctx.keys:
            secs = [r["engine_seconds"] for r in ctx.quality.get((p, k), {}).values()]
            row.append(f"{statistics.median(secs):.3g}" if secs else "-")
        rows.append(row)
    return lines + _table(["problem"] + short, rows, widths)


def best_optuna(ctx, problem, budget):
    """(key, median regret) of the Optuna sampler with the lowest median regret."""
    best = None
    for o in ctx.optuna_keys:
        m = stats.median_regret(ctx.regrets(problem, o, budget))
        if m is not None and (best is None or m < best[1]):
            best = (o, m)
    return best


def _ratio_tables(ctx):
    lines = ["", "## Ratio of median regrets: engine / best Optuna sampler at that budget "
             "(< 1: engine better)"]
    for b in ctx.checkpoints:
        lines += ["", f"@{b}"]
        widths = [22, 16] + [max(12, len(e) - 6) for e in ctx.engine_keys]
        rows = []
        for p in ctx.synthetic:
            best = best_optuna(ctx, p, b)
            row = [p, "-" if best is None else best[0].replace("optuna:", "")]
            for e in ctx.engine_keys:
                m = stats.median_regret(ctx.regrets(p, e, b))
                row.append("-" if m is None or best is None else f"{m / best[1]:.3g}")
            rows.append(row)
        lines += _table(["problem", "best optuna"] + [e.replace("sextant:", "") for e in
                                                       ctx.engine_keys], rows, widths)
    return lines


def real_checkpoints(ctx, problem):
    budgets = [r["budget"] for r in ctx.runs if r["problem"] == problem and r["batch"] == 1]
    top = max(budgets)
    return sorted({max(top // 2, 1), top})


def _real_tables(ctx):
    if not ctx.real:
        return []
    lines = ["", "## Real tasks: Bayesmark normalised median score (0 = best value ever seen, "
             "1 = random search; lower is better)", "   and median best loss over seeds"]
    widths = [16, 8] + [max(20, len(k) + 2) for k in ctx.keys]
    rows = []
    for p in ctx.real:
        for b in real_checkpoints(ctx, p):
            scores, medians, opt = stats.normalised_scores(ctx.records, p, b)
            row = [p, f"@{b}"]
            for k in ctx.keys:
                s, m = scores.get(k), medians.get(k)
                row.append("-" if m is None else
                           f"{s:.3f} ({m:.5g})" if s is not None and not math.isnan(s)
                           else f"- ({m:.5g})")
            rows.append(row)
        rows.append(["", f"opt={opt:.5g}"] + [""] * len(ctx.keys))
    lines += _table(["task", "budget"] + ctx.keys, rows, widths, left=2)
    seeds = defaultdict(set)
    for r in ctx.runs:
        if r["problem"] in ctx.real:
            seeds[r["problem"]].add(r["seed"])
    lines.append("   seeds: " + ", ".join(f"{p} {len(s)}" for p, s in seeds.items()))
    return lines


def duplicate_counts(ctx):
    """{(key, batch): (duplicates, runs)} over every run."""
    out = defaultdict(lambda: [0, 0])
    for r in ctx.runs:
        c = out[(f"{r['engine']}:{r['algorithm']}", r["batch"])]
        c[0] += r["duplicates"]
        c[1] += 1
    return out


def _duplicate_table(ctx):
    lines = ["", "## Duplicate assignments within a run (same point proposed twice; batch b > 1 "
             "keeps b trials in flight, like parallelTrialCount = b)"]
    rows = [[k, str(b), str(d), str(n)]
            for (k, b), (d, n) in sorted(duplicate_counts(ctx).items())]
    lines += _table(["algorithm", "batch", "duplicates", "runs"], rows, [28, 8, 12, 8])
    return lines


def speed_table(ctx):
    """{(engine:algorithm, d, n): record}"""
    return {(f"{r['engine']}:{r['algorithm']}", r["d"], r["n"]): r for r in ctx.speed}


def _fmt_ms(rec):
    if rec is None:
        return "-"
    if rec.get("error"):
        return "error"
    mean, med = rec["mean_seconds"] * 1e3, rec["median_seconds"] * 1e3
    return f"{mean:.3g} ({med:.3g})"


def _speed_section(ctx):
    if not ctx.speed:
        return []
    table = speed_table(ctx)
    keys = []
    for r in ctx.speed:
        k = f"{r['engine']}:{r['algorithm']}"
        if k not in keys:
            keys.append(k)
    keys.sort(key=lambda k: (not k.startswith("sextant:"),))
    points = sorted({(r["d"], r["n"]) for r in ctx.speed})
    lines = ["", "## Speed: time per suggestion in ms, mean (median) over a window of 10 "
             "consecutive trials at n completed (best of the repeated windows by mean)",
             "   engine: suggest + save_state + record; optuna: ask + suggest_float x d + tell; "
             "objective excluded"]
    widths = [12] + [max(16, len(k) + 2) for k in keys]
    rows = [[f"d={d} n={n}"] + [_fmt_ms(table.get((k, d, n))) for k in keys] for d, n in points]
    lines += _table(["point"] + keys, rows, widths)
    rand = [(d, n, table[("sextant:random", d, n)]) for d, n in points
            if ("sextant:random", d, n) in table and not table[("sextant:random", d, n)].get("error")]
    if rand:
        lines += ["", "   sextant:random in microseconds, mean per suggest+record (suggest alone):"]
        lines += [f"     d={d} n={n}: {r['mean_seconds'] * 1e6:.1f} us "
                  f"({r.get('suggest_mean_seconds', float('nan')) * 1e6:.1f} us)"
                  for d, n, r in rand]
    for r in ctx.speed:
        if r.get("error"):
            lines.append(f"   error {r['engine']}:{r['algorithm']} d={r['d']} n={r['n']}: "
                         f"{r['error']}")
    return lines


def render(records):
    ctx = Context(records)
    lines = _header(ctx)
    if ctx.synthetic and ctx.checkpoints:
        lines += _quality_tables(ctx) + _win_tables(ctx) + _ratio_tables(ctx)
    lines += _real_tables(ctx)
    lines += _run_time_table(ctx)
    lines += _duplicate_table(ctx)
    lines += _speed_section(ctx)
    lines += render_targets(ctx)
    return "\n".join(lines) + "\n"
