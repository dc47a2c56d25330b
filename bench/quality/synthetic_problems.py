"""The synthetic suite: standard test functions (minimisation) with exact domains and minima,
plus variants with int and categorical parameters.

Definitions follow the Surjanovic & Bingham "Virtual Library of Simulation Experiments"
conventions (reference/performance.md section 3.1). Minima f* are exact where a closed form
exists; otherwise they are polished numerically at import from the known minimiser (scipy,
tolerance ~1e-15), so regret can be read down to the 1e-12 floor of the report.
"""
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from search_space import Param


# ---- the functions, on numpy vectors -------------------------------------------------------

def branin(x):
    b, c = 5.1 / (4 * math.pi ** 2), 5 / math.pi
    return ((x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2
            + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x[0]) + 10)


# Hartmann constants (A: widths, P: centres, ALPHA: depths), from the virtual library.
HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
HARTMANN3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
HARTMANN3_P = 1e-4 * np.array([[3689, 1170, 2673], [4699, 4387, 7470],
                               [1091, 8732, 5547], [381, 5743, 8828]])
HARTMANN6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                        [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HARTMANN6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886],
                               [2329, 4135, 8307, 3736, 1004, 9991],
                               [2348, 1451, 3522, 2883, 3047, 6650],
                               [4047, 8828, 8732, 5743, 1091, 381]])


def _hartmann(a, p, x):
    return float(-HARTMANN_ALPHA @ np.exp(-np.sum(a * (np.asarray(x) - p) ** 2, axis=1)))


def hartmann3(x):
    return _hartmann(HARTMANN3_A, HARTMANN3_P, x)


def hartmann6(x):
    return _hartmann(HARTMANN6_A, HARTMANN6_P, x)


def ackley(x):
    x = np.asarray(x)
    return float(20 + math.e - 20 * np.exp(-0.2 * np.sqrt(np.mean(x ** 2)))
                 - np.exp(np.mean(np.cos(2 * math.pi * x))))


def rosenbrock(x):
    x = np.asarray(x)
    return float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))


def levy(x):
    w = 1 + (np.asarray(x) - 1) / 4
    body = np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2))
    tail = (w[-1] - 1) ** 2 * (1 + np.sin(2 * math.pi * w[-1]) ** 2)
    return float(np.sin(math.pi * w[0]) ** 2 + body + tail)


def styblinski_tang(x):
    x = np.asarray(x)
    return float(0.5 * np.sum(x ** 4 - 16 * x ** 2 + 5 * x))


def six_hump_camel(x):
    a, b = x[0], x[1]
    return (4 - 2.1 * a ** 2 + a ** 4 / 3) * a ** 2 + a * b + (4 * b ** 2 - 4) * b ** 2


def michalewicz(x, m=10):
    x = np.asarray(x)
    i = np.arange(1, len(x) + 1)
    return float(-np.sum(np.sin(x) * np.sin(i * x ** 2 / math.pi) ** (2 * m)))


def griewank(x):
    x = np.asarray(x)
    i = np.arange(1, len(x) + 1)
    return float(1 + np.sum(x ** 2) / 4000 - np.prod(np.cos(x / np.sqrt(i))))


# ---- exact minima --------------------------------------------------------------------------

def _polish(fn, start, bounds):
    """The minimum near a known minimiser, to ~1e-15 (L-BFGS-B then Nelder-Mead)."""
    best = minimize(fn, np.asarray(start, float), method="L-BFGS-B", bounds=bounds,
                    options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 10000})
    again = minimize(fn, best.x, method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-16, "maxiter": 20000})
    inside = all(lo <= v <= hi for v, (lo, hi) in zip(again.x, bounds))
    return min(fn(best.x), fn(again.x) if inside else math.inf, fn(np.asarray(start, float)))


def _styblinski_1d_min():
    return minimize_scalar(lambda t: 0.5 * (t ** 4 - 16 * t ** 2 + 5 * t), bounds=(-5, 0),
                           method="bounded", options={"xatol": 1e-13}).fun


def _branin_int_min():
    """min over integer x2 in 0..15 of min over x1 in [-5, 10] of Branin (x1 polished from a
    dense grid of starts for every x2)."""
    best = math.inf
    grid = np.linspace(-5, 10, 3001)
    for x2 in range(16):
        values = [branin((t, x2)) for t in grid]
        k = int(np.argmin(values))
        lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]
        res = minimize_scalar(lambda t: branin((t, x2)), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-13})
        best = min(best, res.fun, values[k])
    return best


ST_1D = _styblinski_1d_min()                     # -39.16616570377142 per coordinate
ST_INT_1D = -39.0                                # at x = -3: 0.5 * (81 - 144 - 15)
HARTMANN3_MIN = _polish(hartmann3, [0.114614, 0.555649, 0.852547], [(0, 1)] * 3)
HARTMANN6_MIN = _polish(hartmann6, [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
                        [(0, 1)] * 6)
MICHALEWICZ5_MIN = _polish(michalewicz, [2.202906, 1.570796, 1.284992, 1.923058, 1.720470],
                           [(0, math.pi)] * 5)
SIX_HUMP_MIN = _polish(six_hump_camel, [0.0898, -0.7126], [(-3, 3), (-2, 2)])
BRANIN_INT_MIN = _branin_int_min()

# Mixed Hartmann3: a categorical adds an offset (0 only for "none") and an int adds a
# quadratic penalty (0 only at depth 5), so f* = Hartmann3's minimum exactly.
MIXED_OFFSETS = {"large": 1.6, "none": 0.0, "medium": 0.8, "small": 0.3}


@dataclass(frozen=True)
class Problem:
    name: str
    params: tuple
    f_star: float          # None for real tasks (opt = best ever seen)
    group: str             # "continuous" (the 10-function suite), "mixed", or "real"
    objective: object      # dict of parameter values -> loss (lower is better)
    description: str = ""


def _box(n, low, high, prefix="x"):
    return tuple(Param(f"{prefix}{i}", "double", low, high) for i in range(n))


def _vector_objective(fn, names):
    return lambda values: fn(np.array([float(values[n]) for n in names]))


def _continuous(name, fn, bounds, f_star, description):
    params = tuple(Param(f"x{i}", "double", lo, hi) for i, (lo, hi) in enumerate(bounds))
    return Problem(name, params, f_star, "continuous",
                   _vector_objective(fn, [p.name for p in params]), description)


def _mixed_hartmann3(values):
    x = np.array([values["x0"], values["x1"], values["x2"]], float)
    return hartmann3(x) + MIXED_OFFSETS[values["shift"]] + 0.05 * (values["depth"] - 5) ** 2


def _build():
    pi = math.pi
    problems = [
        _continuous("branin", branin, [(-5, 10), (0, 15)], 5 / (4 * pi), "2-D, 3 global minima"),
        _continuous("hartmann3", hartmann3, [(0, 1)] * 3, HARTMANN3_MIN, "3-D smooth"),
        _continuous("hartmann6", hartmann6, [(0, 1)] * 6, HARTMANN6_MIN,
                    "6-D smooth, local optimum at -3.20"),
        _continuous("ackley5", ackley, [(-32.768, 32.768)] * 5, 0.0, "5-D, flat far out"),
        _continuous("rosenbrock4", rosenbrock, [(-5, 10)] * 4, 0.0, "4-D ill-conditioned"),
        _continuous("levy10", levy, [(-10, 10)] * 10, 0.0, "10-D multimodal"),
        _continuous("styblinski_tang4", styblinski_tang, [(-5, 5)] * 4, 4 * ST_1D,
                    "4-D separable"),
        _continuous("six_hump_camel", six_hump_camel, [(-3, 3), (-2, 2)], SIX_HUMP_MIN,
                    "2-D, 2 global minima"),
        _continuous("michalewicz5", michalewicz, [(0, pi)] * 5, MICHALEWICZ5_MIN,
                    "5-D needle-like (m = 10)"),
        _continuous("griewank8", griewank, [(-600, 600)] * 8, 0.0, "8-D, near-flat box"),
        Problem("branin_int",
                (Param("x0", "double", -5.0, 10.0), Param("x1", "int", 0, 15)),
                BRANIN_INT_MIN, "mixed", _vector_objective(branin, ["x0", "x1"]),
                "Branin with x2 an int 0..15"),
        Problem("styblinski_tang_int4",
                _box(2, -5.0, 5.0) + (Param("x2", "int", -5, 5), Param("x3", "int", -5, 5)),
                2 * ST_1D + 2 * ST_INT_1D, "mixed",
                _vector_objective(styblinski_tang, ["x0", "x1", "x2", "x3"]),
                "Styblinski-Tang-4, two coordinates ints -5..5"),
        Problem("hartmann3_mixed",
                _box(3, 0.0, 1.0) + (Param("shift", "categorical", choices=tuple(MIXED_OFFSETS)),
                                     Param("depth", "int", 1, 8)),
                HARTMANN3_MIN, "mixed", _mixed_hartmann3,
                "Hartmann3 + categorical offset {0, .3, .8, 1.6} + 0.05 (depth-5)^2"),
    ]
    return {p.name: p for p in problems}


SYNTHETIC = _build()
CONTINUOUS_SUITE = [n for n, p in SYNTHETIC.items() if p.group == "continuous"]
