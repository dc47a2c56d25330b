"""Tune an SVM on the handwritten digits that ship with scikit-learn (python3-sklearn).

Each trial trains an RBF SVC with the given C and gamma, scores it by stratified 5-fold
cross-validation, prints one `fold=... accuracy=...` line per fold (so progress streams to the
engine) and ends with the mean `accuracy=` and its `loss=` (1 - accuracy). It saves the fitted
model to $SEXTANT_ARTIFACT_DIR.
"""
import argparse
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
        with open(os.path.join(artifact_dir, "model.pkl"), "wb") as f:
            pickle.dump(final, f)


if __name__ == "__main__":
    main()
