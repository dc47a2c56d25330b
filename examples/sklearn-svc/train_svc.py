"""Tune an SVM on the handwritten digits that ship with scikit-learn (python3-sklearn).

Each trial trains an RBF SVC with the given C and gamma, scores it by stratified 5-fold
cross-validation, prints one `fold=... accuracy=...` line per fold (so progress streams to the
engine) and ends with the mean `accuracy=` and its `loss=` (1 - accuracy). It saves the fitted
model to $SEXTANT_ARTIFACT_DIR, as a pickle and as sextant-svm.json for `sextant serve`.
"""
import argparse
import json
import os
import pickle
import time

from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--C", type=float, required=True)
    parser.add_argument("--gamma", type=float, required=True)
    parser.add_argument("--kernel", default="rbf")
    args = parser.parse_args()

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    started = time.time()
    scores = []
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    for fold, (train, test) in enumerate(folds.split(X, y)):
        model = SVC(C=args.C, gamma=args.gamma, kernel=args.kernel).fit(X[train], y[train])
        scores.append(model.score(X[test], y[test]))
        print(f"fold={fold} accuracy={scores[-1]:.6f}", flush=True)
    accuracy = sum(scores) / len(scores)
    print(f"train-seconds={time.time() - started:.3f}")
    print(f"accuracy={accuracy:.6f}")
    print(f"loss={1 - accuracy:.6f}")

    artifact_dir = os.environ.get("SEXTANT_ARTIFACT_DIR")
    if artifact_dir:
        final = SVC(C=args.C, gamma=args.gamma, kernel=args.kernel).fit(X, y)
        # model.pkl for scikit-learn (and KServe's sklearn runtime), sextant-svm.json for
        # `sextant serve`, which takes raw pixels (0..16) like the MLP example.
        with open(os.path.join(artifact_dir, "model.pkl"), "wb") as f:
            pickle.dump(final, f)
        save_sextant_svm(artifact_dir, final, scale=16.0, example=X[0] * 16.0)


def save_sextant_svm(directory, model, scale, example):
    """Writes sextant-svm.json: the fitted SVC in the format `sextant serve` loads.

    libsvm's one-vs-one model as scikit-learn keeps it: support vectors grouped by class, the
    internal dual coefficients and intercepts (for two classes the public ones have their sign
    flipped), and the kernel's actual gamma. The example row and scikit-learn's label for it let
    the server check its own answer when it loads the model.
    """
    features = model.support_vectors_.shape[1]
    label = model.predict([example / scale])[0]
    document = {
        "format": "sextant-svm",
        "version": 1,
        "input": {"name": "pixels", "features": features},
        "standardize": {"mean": [0.0] * features, "scale": [scale] * features},
        "kernel": model.kernel,
        "gamma": float(model._gamma),
        "coef0": float(model.coef0),
        "degree": float(model.degree),
        "classes": [int(c) for c in model.classes_],
        "n_support": [int(n) for n in model.n_support_],
        "support_vectors": model.support_vectors_.tolist(),
        "dual_coef": model._dual_coef_.tolist(),
        "intercept": model._intercept_.tolist(),
        "example": [float(v) for v in example],
        "example_label": int(label),
    }
    temporary = os.path.join(directory, "sextant-svm.json.tmp")
    with open(temporary, "w") as f:
        json.dump(document, f)
    os.replace(temporary, os.path.join(directory, "sextant-svm.json"))


if __name__ == "__main__":
    main()
