"""A trial worker that reports metrics by HTTP push instead of stdout.

The engine puts its reporting module on PYTHONPATH and tells the worker where to push
(SEXTANT_REPORT_URL, SEXTANT_REPORT_TOKEN, SEXTANT_TRIAL). The objective is a noisy-free
quadratic bowl so the best values are easy to check: minimum 0 at x=0.3, y=-1.2.
"""
import argparse

from sextant_report import report_metrics


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--x", type=float, required=True)
    parser.add_argument("--y", type=float, required=True)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    target = (args.x - 0.3) ** 2 + (args.y + 1.2) ** 2
    for step in range(args.steps):
        # An optimiser converging to `target`: the intermediate values shrink towards it.
        value = target + 1.0 / (step + 1)
        report_metrics({"loss": value}, step=step)
    report_metrics({"loss": target}, step=args.steps)


if __name__ == "__main__":
    main()
