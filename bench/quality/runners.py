"""One optimisation run of one algorithm on one problem: the engine's through the ask/tell
bridge (one subprocess per run), Optuna's in-process. Both evaluate the objective here, in
Python, so the two engines see the very same function.

A run returns a record (one JSON line of results.jsonl):
    engine, algorithm, problem, group, seed, budget, batch, f_star,
    best: best-so-far loss after each trial (len = trials run),
    duplicates: assignments proposed more than once in the run (pending or completed),
    failed: objective evaluations that raised,
    engine_seconds: time inside the algorithm (sextant: suggest + save_state as measured by
        the bridge; optuna: ask + suggest_* + tell, objective excluded),
    wall_seconds, error (None or why the run stopped early).
"""
import collections
import json
import math
import subprocess
import threading
import time
import warnings

from search_space import assignment_key

OPTUNA_SAMPLERS = ("random", "tpe", "tpe_mv", "cmaes")


class BridgeError(RuntimeError):
    pass


class Bridge:
    """A sextant-ask-tell process speaking the JSON-lines protocol (ask_tell_session.hpp).
    A watchdog kills it after `timeout` seconds, so a hanging algorithm ends its run with an
    error instead of stalling the bench."""

    def __init__(self, binary, timeout):
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        self.timed_out = False
        self.watchdog = threading.Timer(timeout, self._kill)
        self.watchdog.daemon = True
        self.watchdog.start()
        self.timeout = timeout

    def _kill(self):
        self.timed_out = True
        self.proc.kill()

    def request(self, message):
        try:
            self.proc.stdin.write(json.dumps(message, allow_nan=False) + "\n")
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError):
            line = ""
        if not line:
            if self.timed_out:
                raise BridgeError(f"run killed after the {self.timeout:g} s run timeout")
            err = self.proc.stderr.read()
            raise BridgeError(f"bridge exited (status {self.proc.wait()}): {err.strip()[:500]}")
        reply = json.loads(line)
        if not reply.get("ok"):
            raise BridgeError(reply.get("error", line.strip()))
        return reply

    def close(self):
        self.watchdog.cancel()
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a dead bridge is already reported
            self.proc.kill()
            self.proc.wait()


def list_algorithms(binary):
    """{name: [known settings]} for every registered algorithm (`sextant-ask-tell list`)."""
    out = subprocess.run([binary, "list"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["settings"]


class _Recorder:
    def __init__(self, problem):
        self.problem = problem
        self.best = []
        self.seen = set()
        self.duplicates = 0
        self.failed = 0

    def evaluate(self, values, evaluate):
        key = assignment_key(self.problem.params, values)
        if key in self.seen:
            self.duplicates += 1
        self.seen.add(key)
        try:
            y = float(evaluate(self.problem, values))
        except Exception:  # noqa: BLE001 - a failing point is a failed trial, as in Katib
            self.failed += 1
            y = None
        previous = self.best[-1] if self.best else math.inf
        self.best.append(min(previous, y) if y is not None and math.isfinite(y) else previous)
        return y


def _record(engine, algorithm, problem, seed, budget, batch, rec, engine_s, wall_s, error):
    return {"record": "run", "engine": engine, "algorithm": algorithm, "problem": problem.name,
            "group": problem.group, "seed": seed, "budget": budget, "batch": batch,
            "f_star": problem.f_star, "best": rec.best, "duplicates": rec.duplicates,
            "failed": rec.failed, "engine_seconds": engine_s, "wall_seconds": wall_s,
            "error": error}


def run_sextant(binary, algorithm, problem, seed, budget, evaluate, batch=1, known=None,
                timeout=1800):
    """Keeps `batch` trials in flight, as the controller does with parallelTrialCount = batch:
    one ask for `batch` trials, then after each tell (oldest first) one new ask while the
    others are still Running. batch = 1 is plain sequential ask/tell."""
    rec = _Recorder(problem)
    start = time.perf_counter()
    engine_s = 0.0
    error = None
    bridge = Bridge(binary, timeout)
    in_flight = collections.deque()  # (trial id, loss or None), in ask order

    def ask(count):
        nonlocal engine_s
        reply = bridge.request({"op": "ask", "count": count})
        engine_s += reply["suggest_seconds"] + reply["state_seconds"]
        for t in reply["trials"]:
            text = dict(t["assignment"])
            values = {p.name: p.parse(text[p.name]) for p in problem.params}
            in_flight.append((t["id"], rec.evaluate(values, evaluate)))
        return len(reply["trials"])

    try:
        settings = {"random_state": str(seed)} if known is None or "random_state" in known else {}
        bridge.request({"op": "setup", "algorithm": algorithm, "settings": settings,
                        "parameters": [p.katib() for p in problem.params],
                        "objective": "minimize"})
        asked = ask(min(batch, budget))
        while in_flight:
            trial_id, y = in_flight.popleft()
            ok = y is not None and math.isfinite(y)
            bridge.request({"op": "tell", "id": trial_id, **({"value": y} if ok else
                                                             {"failed": True})})
            if asked < budget and error is None:
                got = ask(1)
                asked += got
                if got == 0:
                    error = "the algorithm returned no suggestion (exhausted)"
        if asked < budget and error is None:
            error = "the algorithm returned no suggestion (exhausted)"
    except (BridgeError, ValueError, KeyError) as e:
        error = str(e)
    finally:
        bridge.close()
    return _record("sextant", algorithm, problem, seed, budget, batch, rec, engine_s,
                   time.perf_counter() - start, error)


def make_optuna_sampler(name, seed):
    import optuna
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe_mv":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise ValueError(f"unknown Optuna sampler {name!r}; known: {', '.join(OPTUNA_SAMPLERS)}")


def quiet_optuna():
    import optuna
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    warnings.filterwarnings("ignore", category=UserWarning)  # CMA-ES independent sampling notes


def run_optuna(sampler_name, problem, seed, budget, evaluate):
    import optuna
    quiet_optuna()
    rec = _Recorder(problem)
    start = time.perf_counter()
    engine_s = 0.0
    study = optuna.create_study(sampler=make_optuna_sampler(sampler_name, seed))
    for _ in range(budget):
        t0 = time.perf_counter()
        trial = study.ask()
        values = {p.name: p.suggest(trial) for p in problem.params}
        engine_s += time.perf_counter() - t0
        y = rec.evaluate(values, evaluate)
        t0 = time.perf_counter()
        if y is None or not math.isfinite(y):
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, y)
        engine_s += time.perf_counter() - t0
    return _record("optuna", sampler_name, problem, seed, budget, 1, rec, engine_s,
                   time.perf_counter() - start, None)
