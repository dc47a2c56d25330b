"""The TARGETS section: each goal of the issue (performance.md section 8), measured value vs
target, PASS / MISS (or N/A when the run did not measure it)."""
import math

import stats

BO = "sextant:bayesianoptimization"
TPE = "sextant:tpe"
CMA = "sextant:cmaes"
RANDOM = "sextant:random"
O_TPE = "optuna:tpe"
O_CMA = "optuna:cmaes"
SIGNIFICANT = 0.05


class _Lines:
    def __init__(self):
        self.lines = []
        self.counts = {"PASS": 0, "MISS": 0, "N/A": 0}

    def add(self, verdict, text):
        self.counts[verdict] += 1
        self.lines.append(f"{verdict:<5} {text}")

    def check(self, ok, text):
        self.add("PASS" if ok else "MISS", text)

    def na(self, text, why):
        self.add("N/A", f"{text}: {why}")


def _median_log(ctx, p, k, b):
    s = stats.log_summary(ctx.regrets(p, k, b))
    return None if s is None else s[0]


def _gp_targets(ctx, out):
    from report import best_optuna
    if 100 not in ctx.checkpoints:
        out.na("GP-BO @100 targets", "budget below 100")
        return
    for p in ("branin", "hartmann6"):
        mine = ctx.regrets(p, BO, 100)
        best = best_optuna(ctx, p, 100)
        if not mine or best is None:
            out.na(f"GP-BO @100 {p}: >= 10x lower median regret than best Optuna",
                   "not run")
            continue
        m = stats.median_regret(mine)
        ratio = m / best[1]
        out.check(ratio <= 0.1, f"GP-BO @100 {p}: median regret {m:.3g} vs best Optuna "
                  f"({best[0]}) {best[1]:.3g}: ratio {ratio:.3g} (target <= 0.1)")
        w, pv = stats.win_rate(mine, ctx.regrets(p, best[0], 100))
        out.check(w >= 0.75, f"GP-BO @100 {p}: win rate vs {best[0]} {w:.2f} "
                  f"(p={pv:.2g}) (target >= 0.75, performance.md goal 2)")
    suite = [p for p in ctx.synthetic if p in ctx.meta.get("continuous_suite", ctx.synthetic)]
    compared = [(p, stats.median_regret(ctx.regrets(p, BO, 100)),
                 stats.median_regret(ctx.regrets(p, O_TPE, 100))) for p in suite]
    compared = [c for c in compared if c[1] is not None and c[2] is not None]
    if not compared:
        out.na("GP-BO @100 better median than Optuna TPE on >= 8 of 10 functions", "not run")
        return
    better = [p for p, m, o in compared if m < o]
    worse = [p for p, m, o in compared if m >= o]
    need = math.ceil(0.8 * len(compared))
    out.check(len(better) >= need,
              f"GP-BO @100 better median than Optuna TPE on {len(better)} of {len(compared)} "
              f"functions (target >= {need}; of 10: 8); not better on: "
              f"{', '.join(worse) or 'none'}")


def _tpe_targets(ctx, out):
    budgets = [b for b in (100, 200) if b in ctx.checkpoints]
    if not budgets:
        out.na("engine TPE parity", "budget below 100")
        return
    for b in budgets:
        rows = []
        for p in ctx.synthetic:
            mine, theirs = ctx.regrets(p, TPE, b), ctx.regrets(p, O_TPE, b)
            if not mine or not theirs:
                continue
            diff = _median_log(ctx, p, TPE, b) - _median_log(ctx, p, O_TPE, b)
            pv = stats.mann_whitney_p(list(mine.values()), list(theirs.values()))
            optuna_wins = pv < SIGNIFICANT and diff > 0
            rows.append((p, diff, pv, optuna_wins))
        if not rows:
            out.na(f"engine TPE @{b} within 0.15 log10 of Optuna TPE", "not run")
            continue
        for p, diff, pv, optuna_wins in rows:
            out.check(diff <= 0.15 and not optuna_wins,
                      f"TPE @{b} {p}: median log10 regret engine - Optuna TPE = {diff:+.2f} "
                      f"(target <= +0.15; better is fine), MW p={pv:.2g}"
                      f"{' Optuna significantly better' if optuna_wins else ''}")


def _cma_targets(ctx, out):
    if 200 not in ctx.checkpoints:
        out.na("engine CMA-ES @200 targets", "budget below 200")
        return
    for p, bound in (("branin", 1e-4), ("hartmann6", 0.05)):
        mine = ctx.regrets(p, CMA, 200)
        if not mine:
            out.na(f"CMA-ES @200 {p} median <= {bound:g}", "not run")
            continue
        m = stats.median_regret(mine)
        theirs = stats.median_regret(ctx.regrets(p, O_CMA, 200))
        ref = f" (Optuna CmaEs {theirs:.3g})" if theirs is not None else ""
        out.check(m <= bound, f"CMA-ES @200 {p}: median regret {m:.3g}{ref} "
                  f"(target <= {bound:g})")
    worse = []
    compared = 0
    for p in ctx.synthetic:
        mine, theirs = ctx.regrets(p, CMA, 200), ctx.regrets(p, O_CMA, 200)
        if not mine or not theirs:
            continue
        compared += 1
        pv = stats.mann_whitney_p(list(mine.values()), list(theirs.values()))
        if pv < SIGNIFICANT and stats.median_regret(mine) > stats.median_regret(theirs):
            worse.append(f"{p} (p={pv:.2g})")
    if compared == 0:
        out.na("CMA-ES @200 not significantly worse than Optuna CmaEs", "not run")
    else:
        out.check(not worse, f"CMA-ES @200 not significantly worse than Optuna CmaEs "
                  f"(MW p < {SIGNIFICANT}) on any of {compared} functions; worse on: "
                  f"{', '.join(worse) or 'none'}")


def _real_targets(ctx, out):
    from report import real_checkpoints
    if not ctx.real:
        out.na("real tasks: best engine normalised score <= Optuna TPE's", "not run")
        return
    for p in ctx.real:
        b = real_checkpoints(ctx, p)[-1]
        scores, _, _ = stats.normalised_scores(ctx.records, p, b)
        engine = {k: v for k, v in scores.items() if k.startswith("sextant:")
                  and k != RANDOM and not math.isnan(v)}
        if not engine or O_TPE not in scores or math.isnan(scores[O_TPE]):
            out.na(f"real {p} @{b}: best engine score <= Optuna TPE", "missing runs")
            continue
        best = min(engine, key=engine.get)
        out.check(engine[best] <= scores[O_TPE],
                  f"real {p} @{b}: best engine {best} score {engine[best]:.3f} vs Optuna TPE "
                  f"{scores[O_TPE]:.3f} (target <=)")
        out.check(engine[best] <= 0.7, f"real {p} @{b}: best engine score {engine[best]:.3f} "
                  f"(target <= 0.7 of random, performance.md goal 4)")


def _speed_targets(ctx, out):
    from report import speed_table
    table = speed_table(ctx)
    if not table:
        out.na("time per suggestion", "speed table not run")
        return

    def mean_ms(key, d, n):
        r = table.get((key, d, n))
        return None if r is None or r.get("error") else r["mean_seconds"] * 1e3

    rand = [(d, n, mean_ms(RANDOM, d, n)) for (k, d, n) in table if k == RANDOM]
    for d, n, ms in sorted(rand):
        if ms is not None:
            out.check(ms * 1e3 < 10, f"random d={d} n={n}: {ms * 1e3:.1f} us per suggestion "
                      f"(target < 10 us)")
    ms = mean_ms(TPE, 6, 1000)
    if ms is None:
        out.na("TPE n=1000 d=6 < 2 ms", "not measured")
    else:
        out.check(ms < 2, f"TPE n=1000 d=6: {ms:.3g} ms per suggestion (target < 2 ms)")
    for d, factor in ((6, 1), (20, 2)):
        for n, bound in ((100, 10), (500, 100), (1000, 400)):
            ms = mean_ms(BO, d, n)
            if ms is None:
                out.na(f"GP-BO n={n} d={d} < {bound * factor} ms", "not measured")
            else:
                out.check(ms < bound * factor, f"GP-BO n={n} d={d}: {ms:.3g} ms per suggestion "
                          f"incl. amortised refits (target < {bound * factor} ms)")


def _duplicate_targets(ctx, out):
    from report import duplicate_counts
    counts = duplicate_counts(ctx)
    engine = {k: v for k, v in counts.items() if k[0].startswith("sextant:")}
    if not engine:
        out.na("no duplicate suggestions", "no engine runs")
        return
    total = sum(d for d, _ in engine.values())
    runs = sum(n for _, n in engine.values())
    batch_runs = sum(n for (k, b), (_, n) in engine.items() if b > 1)
    offenders = sorted({k for (k, b), (d, _) in engine.items() if d})
    out.check(total == 0, f"duplicate suggestions in engine runs: {total} over {runs} runs "
              f"({batch_runs} of them batched); algorithms with duplicates: "
              f"{', '.join(offenders) or 'none'} (target 0)")


def render_targets(ctx):
    out = _Lines()
    _gp_targets(ctx, out)
    _tpe_targets(ctx, out)
    _cma_targets(ctx, out)
    _real_targets(ctx, out)
    _speed_targets(ctx, out)
    _duplicate_targets(ctx, out)
    c = out.counts
    return ["", "## TARGETS (measured vs target)", *out.lines,
            f"summary: {c['PASS']} PASS, {c['MISS']} MISS, {c['N/A']} N/A"]
