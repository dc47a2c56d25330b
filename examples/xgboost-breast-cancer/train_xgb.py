"""Train a gradient-boosted tree classifier (XGBoost) on scikit-learn's breast cancer data.

Each trial trains `binary:logistic` trees with the given hyperparameters on a fixed stratified
split (455 training, 114 validation samples), prints one `epoch=N logloss=L` line every 10
boosting rounds (the engine reads `epoch=` as the step, so the curve streams to it) and ends with the validation
`auc=`, `accuracy=` and `logloss=`. With $SEXTANT_ARTIFACT_DIR set it saves the model there as
`model.ubj` (XGBoost's binary JSON, what `sextant serve` and KServe's xgbserver load) with a
`model-settings.json` sidecar: the input's name and feature count, the class names, and one
validation sample for the server's smoke inference.
"""
import argparse
import json
import os

import numpy as np
import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.model_selection import train_test_split


def load_data():
    data = load_breast_cancer()
    x_train, x_val, y_train, y_val = train_test_split(
        data.data, data.target, test_size=0.2, stratify=data.target, random_state=0)
    return x_train, y_train, x_val, y_val, data


def save_model(directory, booster, x_val, data):
    booster.save_model(os.path.join(directory, "model.ubj"))
    settings = {
        "format": "xgboost",
        "model_file": "model.ubj",
        "input": {"name": "features", "features": int(x_val.shape[1]),
                  "feature_names": [str(n) for n in data.feature_names]},
        "classes": [str(n) for n in data.target_names],  # index 0 malignant, 1 benign
        "description": "predict: probability that the tumour is benign; label: the class",
        "example": [float(v) for v in x_val[0]],
        # XGBoost's own answer for the example: the server checks its own against it on load.
        "example_label": str(data.target_names[int(
            booster.predict(xgb.DMatrix(x_val[:1]))[0] > 0.5)]),
    }
    with open(os.path.join(directory, "model-settings.json"), "w") as f:
        json.dump(settings, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eta", type=float, required=True, help="learning rate")
    parser.add_argument("--max-depth", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=60, help="boosting rounds")
    parser.add_argument("--min-child-weight", type=float, default=1.0)
    parser.add_argument("--subsample", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    x_train, y_train, x_val, y_val, data = load_data()
    train = xgb.DMatrix(x_train, label=y_train)
    val = xgb.DMatrix(x_val, label=y_val)
    params = {"objective": "binary:logistic", "eval_metric": "logloss", "eta": args.eta,
              "max_depth": args.max_depth, "min_child_weight": args.min_child_weight,
              "subsample": args.subsample, "seed": args.seed, "nthread": 1}
    history = {}
    booster = xgb.train(params, train, num_boost_round=args.rounds, evals=[(val, "val")],
                        evals_result=history, verbose_eval=False)
    curve = history["val"]["logloss"]
    for i in range(9, len(curve), 10):
        print(f"epoch={i + 1} logloss={curve[i]:.6f}", flush=True)

    probability = booster.predict(val)
    print(f"auc={roc_auc_score(y_val, probability):.6f}")
    print(f"accuracy={accuracy_score(y_val, probability > 0.5):.6f}")
    print(f"logloss={log_loss(y_val, np.clip(probability, 1e-15, 1 - 1e-15)):.6f}")

    artifact_dir = os.environ.get("SEXTANT_ARTIFACT_DIR")
    if artifact_dir:
        save_model(artifact_dir, booster, x_val, data)


if __name__ == "__main__":
    main()
