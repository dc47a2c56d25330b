#!/usr/bin/env python3
"""A stand-in for Katib's pipeline examples' training images: prints metrics for lr and epochs.

The loss falls with the epochs at a rate set by the learning rate, and is best near lr = 0.02,
so the search has something to find. It runs in milliseconds; no data is read.
"""
import argparse
import math


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, required=True)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--num-examples", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    args = parser.parse_args()
    # Argo's example passes epochs; Tekton's passes the number of training examples.
    epochs = args.epochs if args.epochs is not None else max(1, (args.num_examples or 600) // 100)
    print(f"training with lr {args.lr} for {epochs} epochs", flush=True)
    floor = 0.05 + 200 * (args.lr - 0.02) ** 2
    for epoch in range(1, epochs + 1):
        loss = floor + 0.5 * math.exp(-epoch * args.lr * 20)
        accuracy = 1 - loss / 2
        print(f"epoch {epoch}:", flush=True)
        print(f"loss={loss:.6f}", flush=True)
        print(f"Train-accuracy={accuracy + 0.01:.6f}", flush=True)
        print(f"Validation-accuracy={accuracy:.6f}", flush=True)


if __name__ == "__main__":
    main()
