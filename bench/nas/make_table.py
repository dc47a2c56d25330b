"""Train every architecture of the tabular NAS space once and record its validation accuracy.

The space (NAS_CONFIG below, a Katib nasConfig): 3 layers; one operation type `dense` with
units {16, 64} x activation {relu, tanh, sigmoid}, which Katib's expansion numbers 0..5
(operations in spec order, then itertools.product of the parameter lists, the last varying
fastest); per layer l, l skip bits. 6^3 * 2^(0+1+2) = 1728 architectures.

Each one is trained by examples/nas-digits/train_arch.py's train() (imported: the table is
exactly what the trial program prints for that architecture with --num_epochs=15 --seed=0), and
stored under Katib's `architecture` string, e.g. "[[2], [0, 1], [1, 1, 0]]", with the 4
decimals the program prints. bench/nas/replay.cpp looks trials up in it.

    nice -n 10 /usr/bin/python3 bench/nas/make_table.py [--out FILE] [--processes 2]
"""
import argparse
import itertools
import json
import os
import platform
import sys
import time

# One BLAS thread per process: --processes decides the parallelism (2 cores, shared).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", "nas-digits"))
import train_arch  # noqa: E402

NUM_EPOCHS = 15
SEED = 0
NAS_CONFIG = {
    "graphConfig": {"numLayers": 3, "inputSizes": [64], "outputSizes": [10]},
    "operations": [{
        "operationType": "dense",
        "parameters": [
            {"name": "units", "parameterType": "categorical",
             "feasibleSpace": {"list": ["16", "64"]}},
            {"name": "activation", "parameterType": "categorical",
             "feasibleSpace": {"list": ["relu", "tanh", "sigmoid"]}},
        ],
    }],
}


def expand_operations(nas_config):
    """Katib's ENAS expansion (categorical parameters only): [(id, type, params)]."""
    operations = []
    for operation in nas_config["operations"]:
        names = [p["name"] for p in operation["parameters"]]
        lists = [p["feasibleSpace"]["list"] for p in operation["parameters"]]
        for values in itertools.product(*lists):
            operations.append((len(operations), operation["operationType"],
                               dict(zip(names, values))))
    return operations


def nn_config(nas_config):
    """An nn_config whose embedding holds every operation (train() reads only what it uses)."""
    graph = nas_config["graphConfig"]
    return {"num_layers": graph["numLayers"], "input_sizes": graph["inputSizes"],
            "output_sizes": graph["outputSizes"],
            "embedding": {str(i): {"opt_id": i, "opt_type": t, "opt_params": p}
                          for i, t, p in expand_operations(nas_config)}}


def architectures(nas_config):
    """Every architecture, as Katib's nested lists [[op0], [op1, s0], [op2, s0, s1], ...]."""
    layers = nas_config["graphConfig"]["numLayers"]
    ops = range(len(expand_operations(nas_config)))
    per_layer = [[[op, *bits] for op in ops for bits in itertools.product((0, 1), repeat=l)]
                 for l in range(layers)]
    return [list(a) for a in itertools.product(*per_layer)]


def architecture_text(architecture):
    """Katib's `architecture` value: json.dumps with '"' -> "'" (there are none)."""
    return json.dumps(architecture)


def train_one(architecture):
    started = time.perf_counter()
    accuracy = train_arch.train(architecture, nn_config(NAS_CONFIG), NUM_EPOCHS, SEED)
    return architecture_text(architecture), round(accuracy, 4), time.perf_counter() - started


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cpus, {model}, {platform.python_version()}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(HERE, "data", "digits_macro_table.json"))
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--limit", type=int, help="train only the first N (a quick check)")
    args = parser.parse_args(argv)
    todo = architectures(NAS_CONFIG)
    if args.limit:
        todo = todo[:args.limit]
    train_arch.load_data()  # before forking: the workers share the split
    started = time.perf_counter()
    results = []
    if args.processes > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(args.processes) as pool:
            for i, result in enumerate(pool.imap(train_one, todo, chunksize=4), 1):
                results.append(result)
                if i % 100 == 0:
                    print(f"{i}/{len(todo)} {time.perf_counter() - started:.0f} s",
                          file=sys.stderr, flush=True)
    else:
        results = [train_one(a) for a in todo]
    wall = time.perf_counter() - started
    accuracy = {key: value for key, value, _ in results}
    seconds = sorted(s for _, _, s in results)
    table = {
        "description": "validation accuracy of every architecture of NAS_CONFIG, trained once by "
                       "examples/nas-digits/train_arch.py (bench/nas/make_table.py)",
        "nasConfig": NAS_CONFIG,
        "num_epochs": NUM_EPOCHS,
        "seed": SEED,
        "validation_size": train_arch.VALIDATION_SIZE,
        "machine": f"{machine()}, {args.processes} training processes",
        "median_train_seconds": round(seconds[len(seconds) // 2], 3),
        "wall_seconds": round(wall, 1),
        "accuracy": accuracy,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out + ".tmp", "w") as f:
        # One architecture per line: compact, and a re-made table diffs line by line.
        f.write("{\n")
        for key, value in table.items():
            if key != "accuracy":
                f.write(f" {json.dumps(key)}: {json.dumps(value)},\n")
        f.write(' "accuracy": {\n')
        f.write(",\n".join(f"  {json.dumps(k)}: {v}" for k, v in accuracy.items()))
        f.write("\n }\n}\n")
    os.replace(args.out + ".tmp", args.out)
    best = max(accuracy.values())
    at_best = sum(v == best for v in accuracy.values())
    print(f"{len(accuracy)} architectures in {wall:.0f} s (median "
          f"{seconds[len(seconds) // 2]:.2f} s each); best {best:.4f} ({at_best} at it) -> "
          f"{args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
