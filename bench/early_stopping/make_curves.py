"""Record the learning curves the replay bench runs on: K MLP configurations on digits, 27 epochs.

Every configuration is trained once with examples/mlp-digits/train.py's own functions (new_model,
train_epoch), so each row is exactly what `train.py --lr=... --momentum=... --hidden=...
--alpha=... --batch-size=... --seed=0 --epochs=27` prints; values are kept with the 4 decimals
that program prints. Configurations are drawn once with a fixed seed:
    lr         log-uniform [1e-3, 0.5]      momentum  uniform [0.5, 0.99]
    hidden     {16, 32, 64, 128}            alpha     log-uniform [1e-6, 1e-1]
    batch_size {16, 32, 64, 128}
and rounded to 4 significant digits before training (the command line then reproduces the row).

    nice -n 10 /usr/bin/python3 bench/early_stopping/make_curves.py [--out FILE] [--jobs 2]
"""
import argparse
import json
import multiprocessing
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "mlp-digits")
sys.path.insert(0, EXAMPLE)
import train  # noqa: E402  (examples/mlp-digits/train.py)

EPOCHS = 27
CONFIG_SEED = 20261128


def significant(value, digits=4):
    return float(f"{value:.{digits - 1}e}")


def sample_configs(count, seed=CONFIG_SEED):
    rng = np.random.RandomState(seed)
    configs = []
    for _ in range(count):
        configs.append({
            "lr": significant(10 ** rng.uniform(np.log10(1e-3), np.log10(0.5))),
            "momentum": significant(rng.uniform(0.5, 0.99)),
            "hidden": int(rng.choice([16, 32, 64, 128])),
            "alpha": significant(10 ** rng.uniform(-6, -1)),
            "batch_size": int(rng.choice([16, 32, 64, 128])),
            "seed": 0,
        })
    return configs


def train_config(config):
    """(accuracy curve, loss curve, seconds spent in train_epoch) for one configuration."""
    model = train.new_model(config["lr"], config["momentum"], config["hidden"], config["alpha"],
                            config["batch_size"], config["seed"])
    accuracy, loss = [], []
    started = time.perf_counter()
    for _ in range(EPOCHS):
        epoch_loss, epoch_accuracy = train.train_epoch(model)
        # The 4 decimals of train.py's line: the table holds what the engine would read.
        loss.append(round(epoch_loss, 4))
        accuracy.append(round(epoch_accuracy, 4))
    return accuracy, loss, time.perf_counter() - started


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def write_table(path, table):
    """JSON with one row per line: compact, and a re-run's diff shows which rows changed."""
    rows = lambda values: "[\n" + ",\n".join(json.dumps(v, separators=(",", ":"))
                                             for v in values) + "\n]"
    head = {k: v for k, v in table.items() if k not in ("configs", "accuracy", "loss")}
    text = "{\n" + "".join(f"{json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
    text += '"configs": ' + rows(table["configs"]) + ",\n"
    text += '"accuracy": ' + rows(table["accuracy"]) + ",\n"
    text += '"loss": ' + rows(table["loss"]) + "\n}\n"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        f.write(text)
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "data", "mlp_digits_curves.json"))
    parser.add_argument("--configs", type=int, default=256)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    configs = sample_configs(args.configs)
    started = time.time()
    train.load_data()
    with multiprocessing.Pool(args.jobs) as pool:
        results = []
        for i, result in enumerate(pool.imap(train_config, configs), 1):
            results.append(result)
            if i % 16 == 0:
                print(f"{i}/{len(configs)} configurations, {time.time() - started:.0f} s",
                      file=sys.stderr, flush=True)
    seconds = [r[2] / EPOCHS for r in results]
    table = {
        "description": "examples/mlp-digits/train.py curves: validation accuracy and log loss "
                       "after each epoch (bench/early_stopping/make_curves.py)",
        "epochs": EPOCHS,
        "config_seed": CONFIG_SEED,
        "seconds_per_epoch": round(float(np.mean(seconds)), 4),
        "seconds_per_epoch_median": round(float(np.median(seconds)), 4),
        # The load says how much other work shared the cores while the epochs were timed.
        "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "jobs": args.jobs,
                    "load_average": round(os.getloadavg()[0], 2)},
        "configs": configs,
        "accuracy": [r[0] for r in results],
        "loss": [r[1] for r in results],
    }
    write_table(args.out, table)
    print(f"wrote {args.out}: {len(configs)} configurations x {EPOCHS} epochs in "
          f"{time.time() - started:.0f} s ({table['seconds_per_epoch'] * 1000:.1f} ms per epoch)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
