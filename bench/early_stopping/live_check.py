"""Live check of the replay: the same methods run by the real engine on the real example.

    /usr/bin/python3 bench/early_stopping/live_check.py --sextant build/sextant [--seeds 3]

The replay (sextant-es-replay) decides from recorded curves in virtual time. This runs
`sextant run` on examples/mlp-digits/train.py itself, so trials are real processes training
real models, metrics stream through the stdout collector, and stops are SIGTERMs. For each
seed it runs random search over the table's space (random_state = seed, 27 configurations,
27 epochs, 2 in parallel) without early stopping, with medianstop (Katib's defaults 3/4),
and with the asha rule (min_resource 3), and reports epochs trained (counted from each trial's
log) and the best accuracy at epoch 27. Timing-dependent: which trials have finished when a
trial is judged depends on the machine, so small differences from the replay are expected.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "mlp-digits", "train.py"))
EPOCHS = 27

RULES = {
    "none": "",
    "medianstop(3,4)": """  earlyStopping:
    algorithmName: medianstop
    algorithmSettings:
      - {name: min_trials_required, value: "3"}
      - {name: start_step, value: "4"}
""",
    "asha-rule(min 3)": f"""  earlyStopping:
    algorithmName: asha
    algorithmSettings:
      - {{name: min_resource, value: "3"}}
      - {{name: max_resource, value: "{EPOCHS}"}}
      - {{name: reduction_factor, value: "3"}}
""",
}


def spec(name, seed, rule, configs):
    command = ", ".join(json.dumps(a) for a in [
        "/usr/bin/python3", TRAIN, "--epochs=%d" % EPOCHS, "--lr=${trialParameters.lr}",
        "--momentum=${trialParameters.momentum}", "--hidden=${trialParameters.hidden}",
        "--alpha=${trialParameters.alpha}", "--batch-size=${trialParameters.batch}"])
    return f"""apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: {name}
spec:
  objective:
    type: maximize
    objectiveMetricName: accuracy
  algorithm:
    algorithmName: random
    algorithmSettings:
      - {{name: random_state, value: "{seed}"}}
{rule}  parallelTrialCount: 2
  maxTrialCount: {configs}
  parameters:
    - {{name: lr, parameterType: double, feasibleSpace: {{min: "0.001", max: "0.5", distribution: logUniform}}}}
    - {{name: momentum, parameterType: double, feasibleSpace: {{min: "0.5", max: "0.99"}}}}
    - {{name: hidden, parameterType: discrete, feasibleSpace: {{list: ["16", "32", "64", "128"]}}}}
    - {{name: alpha, parameterType: double, feasibleSpace: {{min: "0.000001", max: "0.1", distribution: logUniform}}}}
    - {{name: batch, parameterType: discrete, feasibleSpace: {{list: ["16", "32", "64", "128"]}}}}
  trialTemplate:
    primaryContainerName: main
    trialParameters:
      - {{name: lr, reference: lr}}
      - {{name: momentum, reference: momentum}}
      - {{name: hidden, reference: hidden}}
      - {{name: alpha, reference: alpha}}
      - {{name: batch, reference: batch}}
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
              - name: main
                image: local
                command: [{command}]
"""


def run_one(sextant, work, name, seed, rule, configs):
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(spec(name, seed, RULES[rule], configs))
    db = os.path.join(work, "live.db")
    runs = os.path.join(work, "runs")
    subprocess.run([sextant, "--db", db, "run", "-f", path, "--progress", "none",
                    "--runs-dir", runs, "--grace", "2"], check=True)
    trials = json.loads(subprocess.run([sextant, "--db", db, "get", "trials", name, "-o", "json"],
                                       check=True, capture_output=True, text=True).stdout)
    epochs, best, stopped = 0, None, 0
    line = re.compile(r"^epoch=(\d+) loss=\S+ accuracy=(\S+)")
    for t in trials:
        stopped += t["status"]["conditions"][-1]["type"] == "EarlyStopped"
        with open(os.path.join(runs, name, t["metadata"]["name"], "trial.log")) as log:
            for text in log:
                m = line.match(text)
                if not m:
                    continue
                epochs += 1
                if int(m.group(1)) == EPOCHS:
                    accuracy = 100 * float(m.group(2))
                    best = accuracy if best is None else max(best, accuracy)
    return epochs, best, stopped


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sextant", default="build/sextant")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--configs", type=int, default=27)
    args = parser.parse_args()
    sextant = os.path.abspath(args.sextant)
    results = {rule: [] for rule in RULES}
    with tempfile.TemporaryDirectory() as work:
        for seed in range(args.seeds):
            for i, rule in enumerate(RULES):
                name = "live-%d-%d" % (seed, i)
                results[rule].append(run_one(sextant, work, name, seed, rule, args.configs))
                print(f"seed {seed} {rule}: epochs {results[rule][-1][0]}, best final "
                      f"{results[rule][-1][1]}, stopped {results[rule][-1][2]}", file=sys.stderr)
    print(f"Live check: sextant run on examples/mlp-digits/train.py, {args.seeds} seeds, "
          f"{args.configs} configurations x {EPOCHS} epochs, 2 in parallel")
    print(f"machine: nproc {os.cpu_count()}, {platform.processor() or platform.machine()}")
    print(f"{'method':18} {'epochs median':>14} {'saved':>7} {'best final acc median':>22} "
          f"{'d pts median':>13} {'stopped':>8}")
    base = statistics.median(r[0] for r in results["none"])
    for rule, runs in results.items():
        epochs = statistics.median(r[0] for r in runs)
        finals = [r[1] for r in runs if r[1] is not None]
        deltas = [r[1] - n[1] for r, n in zip(runs, results["none"])
                  if r[1] is not None and n[1] is not None]
        print(f"{rule:18} {epochs:14.0f} {100 * (1 - epochs / base):6.1f}% "
              f"{statistics.median(finals) if finals else float('nan'):22.2f} "
              f"{statistics.median(deltas) if deltas else float('nan'):+13.2f} "
              f"{statistics.median(r[2] for r in runs):8.0f}")


if __name__ == "__main__":
    main()
