"""One search-space parameter, spoken three ways: as a Katib spec.parameters entry (for the
engine bridge), as an Optuna suggest_* call, and as the Python value an objective receives.

Both engines must see the same space: a double on [low, high] (log-uniform when log=True), an
int on low, low+step, ..., high, or a categorical list of strings.
"""
from dataclasses import dataclass, field


def _number_text(value):
    """Katib keeps bounds as strings; ints without a decimal point, floats round-tripping."""
    if isinstance(value, int):
        return str(value)
    return repr(float(value))


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "double" | "int" | "categorical"
    low: float = 0.0
    high: float = 0.0
    step: float = None  # int: step between values (1 when None); double: unused here
    log: bool = False
    choices: tuple = field(default_factory=tuple)

    def katib(self):
        """The spec.parameters entry the engine reads."""
        if self.kind == "categorical":
            return {"name": self.name, "parameterType": "categorical",
                    "feasibleSpace": {"list": list(self.choices)}}
        space = {"min": _number_text(self.low), "max": _number_text(self.high)}
        if self.kind == "int" and self.step not in (None, 1):
            space["step"] = _number_text(self.step)
        if self.log:
            space["distribution"] = "logUniform"
        return {"name": self.name, "parameterType": self.kind, "feasibleSpace": space}

    def suggest(self, trial):
        """Optuna's draw of this parameter."""
        if self.kind == "categorical":
            return trial.suggest_categorical(self.name, list(self.choices))
        if self.kind == "int":
            return trial.suggest_int(self.name, int(self.low), int(self.high),
                                     step=int(self.step or 1), log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)

    def parse(self, text):
        """The engine's Katib-form value as the objective's Python value."""
        if self.kind == "categorical":
            if text not in self.choices:
                raise ValueError(f"{self.name}={text!r} is not one of {self.choices}")
            return text
        value = int(text) if self.kind == "int" else float(text)
        if not self.low <= value <= self.high:
            raise ValueError(f"{self.name}={text} is outside [{self.low}, {self.high}]")
        return value


def assignment_key(params, values):
    """A hashable key of one assignment (floats by their exact value): equal keys mean the
    same point, whichever engine proposed it."""
    key = []
    for p in params:
        v = values[p.name]
        key.append(v if p.kind == "categorical" else (int(v) if p.kind == "int" else float(v)))
    return tuple(key)
