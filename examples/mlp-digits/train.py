"""Train a two-layer MLP on scikit-learn's digits epoch by epoch, with checkpoints that resume exactly.

One `partial_fit` pass over the training set per epoch (SGD with Nesterov momentum), then one
stdout line `epoch=N loss=L accuracy=A` with the validation log loss and accuracy: the engine
reads `epoch=` as the line's step, so early-stopping rules see the learning curve as it grows.

Checkpoints (--checkpoint-dir, default $SEXTANT_CHECKPOINT_DIR) hold the whole model, including
its random generator and the optimizer's velocities, written atomically after every epoch. A run
that finds one continues from the next epoch and prints exactly the lines the uninterrupted run
would have printed (Hyperband/ASHA promotions, PBT children, a trial stopped and restarted). A
resumed run takes the hyperparameters of its own command line (PBT explores them), except the
architecture, which must match the checkpoint.

bench/early_stopping/make_curves.py imports load_data/new_model/train_epoch, so its recorded
table is exactly what this program prints.
"""
import argparse
import json
import os
import pickle
import sys
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

CLASSES = np.arange(10)
VALIDATION_SIZE = 600
CHECKPOINT_NAME = "model.pkl"

_DATA = None


def load_data():
    """(x_train, y_train, x_val, y_val, scaler): a fixed stratified split, scaled on train only."""
    global _DATA
    if _DATA is None:
        x, y = load_digits(return_X_y=True)
        x_train, x_val, y_train, y_val = train_test_split(
            x, y, test_size=VALIDATION_SIZE, stratify=y, random_state=0)
        scaler = StandardScaler().fit(x_train)
        _DATA = (scaler.transform(x_train), y_train, scaler.transform(x_val), y_val, scaler)
    return _DATA


def new_model(lr, momentum=0.9, hidden=64, alpha=1e-4, batch_size=32, seed=0):
    # A RandomState instance (not an int): sklearn re-seeds an int seed on every partial_fit,
    # which would shuffle every epoch the same way; the instance advances from epoch to epoch
    # and is pickled with the model, which is what makes a resumed run exact.
    return MLPClassifier(hidden_layer_sizes=(hidden, hidden), solver="sgd",
                         learning_rate_init=lr, momentum=momentum, nesterovs_momentum=True,
                         alpha=alpha, batch_size=batch_size,
                         random_state=np.random.RandomState(seed))


def set_hyperparameters(model, lr, momentum, alpha, batch_size):
    """Applies a resumed run's own hyperparameters (PBT explores them between generations)."""
    model.set_params(learning_rate_init=lr, momentum=momentum, alpha=alpha,
                     batch_size=batch_size)
    optimizer = getattr(model, "_optimizer", None)
    if optimizer is not None:  # built on the first pass; later passes keep its settings
        optimizer.learning_rate_init = optimizer.learning_rate = lr
        optimizer.momentum = momentum


def evaluate(model, x_val, y_val):
    """(validation log loss, validation accuracy)."""
    proba = model.predict_proba(x_val)
    picked = proba[np.arange(len(y_val)), np.searchsorted(model.classes_, y_val)]
    picked = np.clip(np.nan_to_num(picked, nan=0.0), 1e-15, 1.0)  # sklearn's log_loss clipping
    loss = float(-np.mean(np.log(picked)))
    accuracy = float(np.mean(model.classes_[np.argmax(proba, axis=1)] == y_val))
    return loss, accuracy


def train_epoch(model):
    """One pass over the training set, then (validation loss, validation accuracy).

    A learning rate too large for its momentum makes the weights overflow; sklearn then raises
    after the pass. Such a model is kept as it is (its weights are not finite): it predicts one
    class from then on, so it reports that class's accuracy and the loss of a probability
    clipped at 1e-15 (34.5), as a diverged network does in any framework.
    """
    x_train, y_train, x_val, y_val, _ = load_data()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            model.partial_fit(x_train, y_train, classes=CLASSES)
        except ValueError as e:
            if "non-finite" not in str(e):
                raise
        return evaluate(model, x_val, y_val)


def epoch_line(epoch, loss, accuracy):
    return f"epoch={epoch} loss={loss:.4f} accuracy={accuracy:.4f}"


def save_checkpoint(directory, state):
    """Write to a temporary file, then rename: a run killed mid-write leaves the previous one."""
    path = os.path.join(directory, CHECKPOINT_NAME)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def load_checkpoint(directory):
    path = os.path.join(directory, CHECKPOINT_NAME)
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return pickle.load(f)


def save_sextant_mlp(directory, scaler, model, example):
    """Writes sextant-mlp.json, the network in the format `sextant serve` loads (see README)."""
    document = {
        "format": "sextant-mlp",
        "version": 1,
        "input": {"name": "pixels", "features": int(scaler.mean_.shape[0])},
        "standardize": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()},
        "layers": [{"weights": w.tolist(), "bias": b.tolist(), "activation": model.activation}
                   for w, b in zip(model.coefs_, model.intercepts_)],
        "classes": [int(c) for c in model.classes_],
        "example": [float(v) for v in example],
        # scikit-learn's answer for the example: the server checks its own against it on load.
        "example_label": int(model.predict(scaler.transform([example]))[0]),
    }
    document["layers"][-1]["activation"] = model.out_activation_
    temporary = os.path.join(directory, "sextant-mlp.json.tmp")
    with open(temporary, "w") as f:
        json.dump(document, f)
    os.replace(temporary, os.path.join(directory, "sextant-mlp.json"))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, required=True, help="learning_rate_init")
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--epochs", type=int, help="total epochs to reach")
    parser.add_argument("--epochs-per-run", type=int,
                        help="train this many epochs beyond the checkpoint's (capped by --epochs)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=64, help="units in each of 2 hidden layers")
    parser.add_argument("--alpha", type=float, default=1e-4, help="L2 penalty")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint-dir", default=os.environ.get("SEXTANT_CHECKPOINT_DIR"),
                        help="default: $SEXTANT_CHECKPOINT_DIR; none = no checkpoints")
    args = parser.parse_args(argv)
    if args.epochs is None and args.epochs_per_run is None:
        parser.error("give --epochs, --epochs-per-run, or both")
    for name in ("epochs", "epochs_per_run", "batch_size", "hidden"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    return args


def main(argv=None):
    args = parse_args(argv)
    state = load_checkpoint(args.checkpoint_dir) if args.checkpoint_dir else None
    if state is None:
        model = new_model(args.lr, args.momentum, args.hidden, args.alpha, args.batch_size,
                          args.seed)
        state = {"model": model, "epoch": 0, "metrics": None}
    else:
        model = state["model"]
        if tuple(model.hidden_layer_sizes) != (args.hidden, args.hidden):
            sys.exit(f"error: the checkpoint in {args.checkpoint_dir} has hidden layers "
                     f"{tuple(model.hidden_layer_sizes)}, this run asks for "
                     f"{(args.hidden, args.hidden)}; use another --checkpoint-dir")
        set_hyperparameters(model, args.lr, args.momentum, args.alpha, args.batch_size)
        print(f"resuming from epoch {state['epoch']} ({args.checkpoint_dir})", file=sys.stderr)

    target = state["epoch"] + args.epochs_per_run if args.epochs_per_run else args.epochs
    if args.epochs is not None:
        target = min(target, args.epochs)
    if state["epoch"] >= target and state["metrics"] is not None:
        # Nothing left to train: report where the checkpoint stands, so the trial has its value.
        print(epoch_line(state["epoch"], *state["metrics"]), flush=True)
    for epoch in range(state["epoch"] + 1, target + 1):
        loss, accuracy = train_epoch(model)
        state = {"model": model, "epoch": epoch, "metrics": (loss, accuracy)}
        if args.checkpoint_dir:
            save_checkpoint(args.checkpoint_dir, state)
        print(epoch_line(epoch, loss, accuracy), flush=True)

    artifact_dir = os.environ.get("SEXTANT_ARTIFACT_DIR")
    if artifact_dir:
        # Scaler and network together: the saved model predicts from raw 8x8 pixel values.
        with open(os.path.join(artifact_dir, "model.pkl"), "wb") as f:
            pickle.dump(make_pipeline(load_data()[4], model), f)
        if hasattr(model, "coefs_"):
            x_raw, _ = load_digits(return_X_y=True)
            save_sextant_mlp(artifact_dir, load_data()[4], model, x_raw[0])


if __name__ == "__main__":
    main()
