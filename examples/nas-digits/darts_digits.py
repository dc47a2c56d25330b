"""DARTS on digits: Katib's DARTS trial contract, a continuous relaxation of an MLP cell, in numpy.

Katib's `darts` algorithm does no search itself: it starts one trial with

    --algorithm-settings="{'num_epochs': '20', 'w_lr': 0.025, ..., 'stem_multiplier': 3}"
    --search-space="['dense_relu_1x1', 'dense_tanh_1x1', 'skip_connection']"
    --num-layers="1"

(single-quoted JSON; a setting given in the spec arrives as a string, a default as a number,
"None" as null) and the trial performs the whole search (Liu et al., "DARTS: Differentiable
Architecture Search", ICLR 2019), then prints the genotype it found:

    Best-Genotype=Genotype(normal=[[('dense_relu_1x1',1),('skip_connection',0)],...],...)

which Katib's metrics filter "([\\w-]+)=(Genotype.*)" collects. This program is that trial for
scikit-learn's digits (64 features, the split of train_arch.py), structured like Katib's
darts-cnn-cifar10 trial with vectors in place of feature maps:

* stem: a dense layer 64 -> C = init_channels * stem_multiplier (Katib: 3x3 conv + BN);
* num-layers cells; cell k reads the outputs of cells k-2 and k-1 (the stem for the first),
  each through ReLU + dense to init_channels units (Katib's 1x1 StdConv preprocessing); it has
  num_nodes intermediate nodes, node i = sum over its 2+i predecessors (the two inputs, then
  the earlier nodes) of a mixed operation softmax(alpha_edge) . [op(x) for op in primitives];
  the cell's output is the concatenation of its nodes. Every cell is a normal cell, sharing one
  alpha: vectors have no spatial size to reduce (Katib's 1-layer network has no reduction cell
  either), so `reduce` is empty in the genotype;
* a dense softmax classifier on the last cell's output.

Primitives (the search space; "none", the zero operation, is appended as Katib's trial does):
  dense_relu, dense_tanh, dense_sigmoid   activation(x W + b), a C x C dense layer
  <any of those>_1x1                       the same: what Katib's service generates from an
                                           operationType `dense_relu` whose first parameter's
                                           list is ["1"] (a 1x1 convolution on a 1x1 map is a
                                           dense layer); other kernel sizes are an error
  skip_connection                          identity
  none                                     zero
Katib's image operations (convolution, separable_convolution, dilated_convolution,
depthwise_convolution, max_pooling, avg_pooling, reduction) are an error.

Search (first-order DARTS): each step, an architecture step on a validation batch (Adam on the
alphas, alpha_lr, betas 0.5/0.999, L2 alpha_weight_decay), then a weight step on a training
batch (SGD with w_momentum, L2 w_weight_decay, the gradient's norm clipped at w_grad_clip;
learning rate cosine-annealed per epoch from w_lr to w_lr_min). After each epoch the supernet's
validation accuracy is measured and the genotype derived as DARTS does: per node, each incoming
edge's strength is its largest non-none softmax weight, the 2 strongest edges are kept, each
with its strongest non-none operation. The genotype of the best epoch is printed at the end.

Settings (Katib's names and defaults; unknown names are ignored with a warning, as Katib accepts
them): num_epochs 50, w_lr 0.025, w_lr_min 0.001, w_momentum 0.9, w_weight_decay 3e-4,
w_grad_clip 5.0 (null: no clipping), alpha_lr 3e-4, alpha_weight_decay 1e-3, batch_size 128
(null: the whole split as one batch), num_workers 4 (unused: no data loader), init_channels 16,
print_step 50, num_nodes 4, stem_multiplier 3; other nulls take the default. Everything is
seeded (--seed, default 2 like Katib's trial), so a run is reproducible.
"""
import argparse
import collections
import json
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_arch import activate, activation_grad, katib_json, load_data  # noqa: E402

DEFAULTS = {
    "num_epochs": 50, "w_lr": 0.025, "w_lr_min": 0.001, "w_momentum": 0.9,
    "w_weight_decay": 3e-4, "w_grad_clip": 5.0, "alpha_lr": 3e-4, "alpha_weight_decay": 1e-3,
    "batch_size": 128, "num_workers": 4, "init_channels": 16, "print_step": 50, "num_nodes": 4,
    "stem_multiplier": 3,
}
INT_SETTINGS = ("num_epochs", "batch_size", "num_workers", "init_channels", "print_step",
                "num_nodes", "stem_multiplier")
ACTIVATIONS = ("relu", "tanh", "sigmoid")
IMAGE_OPERATIONS = ("convolution", "separable_convolution", "dilated_convolution",
                    "depthwise_convolution", "max_pooling", "avg_pooling", "reduction")

Genotype = collections.namedtuple("Genotype", "normal normal_concat reduce reduce_concat")


class DartsError(ValueError):
    pass


def parse_settings(value):
    """Katib's algorithm-settings merged over the defaults, typed; raises DartsError."""
    given = katib_json(value) if value else {}
    if not isinstance(given, dict):
        raise DartsError(f"--algorithm-settings must be an object, got {value!r}")
    settings = dict(DEFAULTS)
    for name, raw in given.items():
        if name not in DEFAULTS:
            print(f"warning: algorithm setting {name!r} is not used by this program",
                  file=sys.stderr)
            continue
        if raw is None:
            settings[name] = None if name in ("w_grad_clip", "batch_size") else DEFAULTS[name]
            continue
        try:
            number = float(raw)
            if name in INT_SETTINGS:
                if number != int(number):
                    raise ValueError
                number = int(number)
        except (TypeError, ValueError):
            kind = "an integer" if name in INT_SETTINGS else "a number"
            raise DartsError(f"algorithm setting {name}: expected {kind}, got {raw!r}") from None
        settings[name] = number
    minimum = {"num_epochs": 1, "batch_size": 1, "init_channels": 1, "print_step": 1,
               "num_nodes": 1, "stem_multiplier": 1}
    for name, value in settings.items():
        if value is None:
            continue
        least = minimum.get(name, 0)
        if value < least or not math.isfinite(value):
            raise DartsError(f"algorithm setting {name}: must be >= {least}, got {value}")
    return settings


def parse_primitive(name):
    """('dense', activation) | ('skip',) | ('none',); raises DartsError naming what is known."""
    base = name
    if name.endswith("x1") and name.rsplit("_", 1)[-1] == "1x1":
        base = name.rsplit("_", 1)[0]
    if base.startswith("dense_") and base[len("dense_"):] in ACTIVATIONS:
        return ("dense", base[len("dense_"):])
    if name == "skip_connection":
        return ("skip",)
    if name == "none":
        return ("none",)
    head, _, kernel = name.rpartition("_")
    if head.startswith("dense_") and head[len("dense_"):] in ACTIVATIONS:
        raise DartsError(f"primitive {name!r}: a {kernel} kernel needs a spatial map; the digits "
                         "here are vectors, give the operation's first parameter the list [\"1\"]")
    if any(name == op or name.startswith(op + "_") for op in IMAGE_OPERATIONS):
        raise DartsError(f"primitive {name!r} works on images; this program searches an MLP "
                         "cell over 64-feature vectors: use dense_relu, dense_tanh, dense_sigmoid "
                         "(optionally with _1x1), skip_connection")
    raise DartsError(f"unknown primitive {name!r}; known: dense_relu, dense_tanh, dense_sigmoid "
                     "(optionally with _1x1), skip_connection, none")


def parse_search_space(value):
    names = katib_json(value)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or not names:
        raise DartsError(f"--search-space must be a non-empty list of names, got {value!r}")
    names = [n for n in names if n != "none"] + ["none"]  # last, as Katib's parse assumes
    if len(set(names)) != len(names):
        raise DartsError(f"--search-space lists a primitive twice: {names}")
    return names, [parse_primitive(n) for n in names]


def softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Supernet:
    """The DARTS supernet: weights (a flat list of arrays) and alphas (one array per node)."""

    def __init__(self, primitives, num_layers, num_nodes, init_channels, stem_multiplier, rng,
                 n_in=64, n_out=10):
        self.primitives = primitives
        self.num_nodes = num_nodes
        self.weights = []
        self.stem = self._dense(rng, n_in, init_channels * stem_multiplier)
        c_pp = c_p = init_channels * stem_multiplier
        c = init_channels
        self.cells = []
        for _ in range(num_layers):
            cell = {"pre0": self._dense(rng, c_pp, c), "pre1": self._dense(rng, c_p, c),
                    "edges": []}
            for i in range(num_nodes):
                node = []
                for _ in range(2 + i):  # the two inputs, then nodes 0..i-1
                    node.append([self._dense(rng, c, c) if kind[0] == "dense" else None
                                 for kind in primitives])
                cell["edges"].append(node)
            self.cells.append(cell)
            c_pp, c_p = c_p, c * num_nodes
        self.classifier = self._dense(rng, c_p, n_out)
        self.alphas = [1e-3 * rng.standard_normal((2 + i, len(primitives)))
                       for i in range(num_nodes)]

    def _dense(self, rng, fan_in, fan_out):
        """Index of a (W, b) pair in self.weights; Glorot-uniform W, zero b."""
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        self.weights += [rng.uniform(-limit, limit, size=(fan_in, fan_out)), np.zeros(fan_out)]
        return len(self.weights) - 2

    def _affine(self, slot, x):
        return x @ self.weights[slot] + self.weights[slot + 1]

    def _affine_back(self, slot, x, dz, dw):
        dw[slot] += x.T @ dz
        dw[slot + 1] += dz.sum(axis=0)
        return dz @ self.weights[slot].T

    def forward(self, x):
        """Logits and the cache backward() needs."""
        probs = [softmax(a) for a in self.alphas]
        cache = {"probs": probs, "x": x, "cells": []}
        s0 = s1 = self._affine(self.stem, x)
        for cell in self.cells:
            r0, r1 = np.maximum(s0, 0.0), np.maximum(s1, 0.0)
            states = [self._affine(cell["pre0"], r0), self._affine(cell["pre1"], r1)]
            outputs = []  # per node, per edge: each primitive's output (None for none)
            for i, node in enumerate(cell["edges"]):
                total = 0.0
                node_outputs = []
                for j, ops in enumerate(node):
                    edge = []
                    for k, (kind, slot) in enumerate(zip(self.primitives, ops)):
                        if kind[0] == "dense":
                            o = activate(self._affine(slot, states[j]), kind[1])
                        elif kind[0] == "skip":
                            o = states[j]
                        else:
                            o = None
                        edge.append(o)
                        if o is not None:
                            total = total + probs[i][j, k] * o
                    node_outputs.append(edge)
                if np.isscalar(total):  # every primitive of every edge was none
                    total = np.zeros_like(states[0])
                states.append(total)
                outputs.append(node_outputs)
            cache["cells"].append({"s0": s0, "s1": s1, "r0": r0, "r1": r1, "states": states,
                                   "outputs": outputs})
            s0, s1 = s1, np.concatenate(states[2:], axis=1)
        cache["out"] = s1
        return self._affine(self.classifier, s1), cache

    def loss(self, x, y):
        logits, cache = self.forward(x)
        n = len(y)
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        d_logits = np.exp(log_p)
        d_logits[np.arange(n), y] -= 1.0
        return -log_p[np.arange(n), y].mean(), d_logits / n, cache

    def backward(self, d_logits, cache):
        """(gradients of the weights, gradients of the alphas)."""
        dw = [np.zeros_like(w) for w in self.weights]
        d_probs = [np.zeros_like(p) for p in cache["probs"]]
        d_s1 = self._affine_back(self.classifier, cache["out"], d_logits, dw)
        d_s0 = None
        for cell, cc in zip(reversed(self.cells), reversed(cache["cells"])):
            # This cell's output is s1 of the next; its inputs' gradients go to (s0, s1).
            states = cc["states"]
            width = states[2].shape[1]
            d_states = [None, None] + [d_s1[:, i * width:(i + 1) * width]
                                       for i in range(self.num_nodes)]
            for i in range(self.num_nodes - 1, -1, -1):
                d_node = d_states[2 + i]
                for j, ops in enumerate(cell["edges"][i]):
                    d_in = None
                    for k, (kind, slot) in enumerate(zip(self.primitives, ops)):
                        o = cc["outputs"][i][j][k]
                        if o is None:
                            continue
                        d_probs[i][j, k] += np.sum(d_node * o)
                        d_o = cache["probs"][i][j, k] * d_node
                        if kind[0] == "dense":
                            d_z = d_o * activation_grad(o, kind[1])
                            d_o = self._affine_back(slot, states[j], d_z, dw)
                        d_in = d_o if d_in is None else d_in + d_o
                    if d_in is not None:
                        d_states[j] = d_in if d_states[j] is None else d_states[j] + d_in
            zero = np.zeros_like(states[0])
            d_r0 = self._affine_back(cell["pre0"], cc["r0"],
                                     d_states[0] if d_states[0] is not None else zero, dw)
            d_r1 = self._affine_back(cell["pre1"], cc["r1"],
                                     d_states[1] if d_states[1] is not None else zero, dw)
            d_in0 = d_r0 * (cc["s0"] > 0)
            d_in1 = d_r1 * (cc["s1"] > 0)
            # This cell read (s0, s1) = (output of cell k-2, output of cell k-1); d_s0 carried
            # from the later cell is the gradient of cell k-1's output as that cell's s0.
            d_prev = d_in1 if d_s0 is None else d_in1 + d_s0
            d_s0, d_s1 = d_in0, d_prev
        # The first cell read the stem's output twice.
        self._affine_back(self.stem, cache["x"], d_s1 + d_s0, dw)
        d_alphas = []
        for p, dp in zip(cache["probs"], d_probs):
            d_alphas.append(p * (dp - np.sum(p * dp, axis=1, keepdims=True)))
        return dw, d_alphas

    def predict(self, x):
        return np.argmax(self.forward(x)[0], axis=1)

    def genotype(self, names):
        """DARTS's discretisation: per node the 2 strongest edges, each its best non-none op."""
        normal = []
        for alpha in self.alphas:
            p = softmax(alpha)[:, :-1]  # 'none' is last
            best_op = p.argmax(axis=1)
            strength = p.max(axis=1)
            # A stable sort, so equal strengths keep the earlier input (as torch.topk tends to).
            keep = sorted(range(len(strength)), key=lambda j: -strength[j])[:2]
            normal.append([(names[best_op[j]], j) for j in keep])
        concat = range(2, 2 + self.num_nodes)
        return Genotype(normal=normal, normal_concat=concat, reduce=[], reduce_concat=concat)


class Adam:
    def __init__(self, params, lr, betas=(0.5, 0.999), weight_decay=0.0, eps=1e-8):
        self.lr, self.betas, self.weight_decay, self.eps = lr, betas, weight_decay, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        b1, b2 = self.betas
        for p, g, m, v in zip(params, grads, self.m, self.v):
            g = g + self.weight_decay * p  # torch.optim.Adam's weight_decay: L2 in the gradient
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= self.lr * (m / (1 - b1 ** self.t)) / (np.sqrt(v / (1 - b2 ** self.t)) + self.eps)


class MomentumSgd:
    """torch.optim.SGD with momentum and weight_decay (L2 added after the clipping)."""

    def __init__(self, params, momentum, weight_decay):
        self.momentum, self.weight_decay = momentum, weight_decay
        self.buffers = [None] * len(params)

    def step(self, params, grads, lr):
        for i, (p, g) in enumerate(zip(params, grads)):
            g = g + self.weight_decay * p
            if self.buffers[i] is None:
                self.buffers[i] = g.copy()
            else:
                self.buffers[i] = self.momentum * self.buffers[i] + g
            p -= lr * self.buffers[i]


def clip_grad_norm(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_: scales every gradient by max_norm / total norm."""
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    if max_norm is not None and total > max_norm:
        scale = max_norm / (total + 1e-6)
        for g in grads:
            g *= scale
    return total


def search(settings, names, primitives, num_layers, seed=2, out=None):
    """Runs the DARTS search; returns (best validation accuracy, its genotype)."""
    out = out or sys.stdout
    x_train, y_train, x_val, y_val = load_data()
    rng = np.random.default_rng(seed)
    net = Supernet(primitives, num_layers, settings["num_nodes"], settings["init_channels"],
                   settings["stem_multiplier"], rng)
    w_optim = MomentumSgd(net.weights, settings["w_momentum"], settings["w_weight_decay"])
    a_optim = Adam(net.alphas, settings["alpha_lr"], weight_decay=settings["alpha_weight_decay"])
    batch = settings["batch_size"] or len(y_train)
    epochs = settings["num_epochs"]
    best_accuracy, best_genotype = -1.0, None
    val_order, val_at = rng.permutation(len(y_val)), 0
    with np.errstate(over="ignore"):  # sigmoid of a very negative z: exp overflows to inf, 0
        for epoch in range(epochs):
            # CosineAnnealingLR(T_max=num_epochs, eta_min=w_lr_min), stepped once per epoch.
            lr = settings["w_lr_min"] + 0.5 * (settings["w_lr"] - settings["w_lr_min"]) * (
                1 + math.cos(math.pi * epoch / epochs))
            order = rng.permutation(len(y_train))
            steps = math.ceil(len(order) / batch)
            total_loss = 0.0
            for step in range(steps):
                # Architecture step on a validation batch (first-order: at the current weights).
                if val_at + batch > len(y_val) and val_at > 0:
                    val_order, val_at = rng.permutation(len(y_val)), 0
                vb = val_order[val_at:val_at + batch]
                val_at += batch
                _, d_logits, cache = net.loss(x_val[vb], y_val[vb])
                _, d_alphas = net.backward(d_logits, cache)
                a_optim.step(net.alphas, d_alphas)
                # Weight step on a training batch.
                tb = order[step * batch:(step + 1) * batch]
                loss, d_logits, cache = net.loss(x_train[tb], y_train[tb])
                dw, _ = net.backward(d_logits, cache)
                clip_grad_norm(dw, settings["w_grad_clip"])
                w_optim.step(net.weights, dw, lr)
                total_loss += loss * len(tb)
                if step % settings["print_step"] == 0 or step == steps - 1:
                    print(f"Train: [{epoch + 1}/{epochs}] Step {step:03d}/{steps - 1:03d} "
                          f"loss {total_loss / min(len(order), (step + 1) * batch):.4f}",
                          file=out)
            accuracy = float(np.mean(net.predict(x_val) == y_val))
            genotype = net.genotype(names)
            print(f"epoch={epoch + 1} loss={total_loss / len(order):.4f} "
                  f"Validation-Accuracy={accuracy:.4f} lr={lr:.5f}", file=out)
            print(f"Model genotype = {genotype}", file=out, flush=True)
            if accuracy > best_accuracy:
                best_accuracy, best_genotype = accuracy, genotype
    return best_accuracy, best_genotype


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--algorithm-settings", default="", help="Katib's algorithm-settings")
    parser.add_argument("--search-space", required=True, help="Katib's search-space")
    parser.add_argument("--num-layers", default="1", help="cells to stack")
    parser.add_argument("--seed", type=int, default=2)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        settings = parse_settings(args.algorithm_settings)
        names, primitives = parse_search_space(args.search_space)
        layers_text = args.num_layers.strip().strip('"')
        if not layers_text.isdigit() or int(layers_text) < 1:
            raise DartsError(f"--num-layers must be an integer >= 1, got {args.num_layers!r}")
        num_layers = int(layers_text)
    except (DartsError, json.JSONDecodeError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"primitives {names}; {num_layers} cell(s) of {settings['num_nodes']} nodes; "
          f"settings {settings}", flush=True)
    accuracy, genotype = search(settings, names, primitives, num_layers, args.seed)
    print(f"Final best Prec@1 = {accuracy:.4%}")
    # Katib's trial prints the genotype without spaces.
    print(f"Best-Genotype={str(genotype).replace(' ', '')}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
