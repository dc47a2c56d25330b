"""Train the macro MLP that Katib's ENAS `architecture` and `nn_config` describe, on digits.

Katib's ENAS-style algorithms (enas, regularized-evolution, random over a nasConfig) pass two
trial parameters:

    --architecture="[[2], [0, 1], [1, 1, 0]]"
    --nn_config="{'num_layers': 3, 'input_sizes': [64], 'output_sizes': [10], 'embedding':
                 {'2': {'opt_id': 2, 'opt_type': 'dense', 'opt_params': {'units': '16',
                 'activation': 'sigmoid'}}, ...}}"

(single-quoted JSON). Layer l is [op_l, s_0, ..., s_{l-1}]. As in Katib's ModelConstructor
(examples/v1beta1/trial-images/enas-cnn-cifar10), layer l reads the concatenation of layer
l-1's output (always) and, for each skip bit s_i == 1, the output of layer i-1, where "layer
-1" is the input: bit 0 is a connection from the 64 input features, bit i > 0 from layer i-1.
The last layer feeds a dense softmax over the 10 classes.

Operation types (opt_type) this program understands:
  dense     units (int, or a categorical/discrete string such as "64") and activation
            (relu, tanh or sigmoid): activation(x W + b), Glorot-uniform weights, zero bias;
  identity  passes its (concatenated) input through; its parameters are ignored (Katib requires
            every operation to have one, so specs give it a dummy categorical).
Any other type (Katib's convolution, separable_convolution, reduction, ...) is an error: they
work on images, this program on the 64 pixel features of an 8x8 digit.

Training: Adam (lr 0.005, betas 0.9/0.999), softmax cross-entropy, minibatches of 64,
--num_epochs epochs (default 20) on a fixed stratified split of scikit-learn's digits (600
validation images, random_state=0, StandardScaler fitted on the training part). Weights and the
order of the minibatches come from --seed alone, so an architecture always gives the same
accuracy. Backpropagation is written out in numpy (test_train_arch.py checks it against finite
differences). Output, one line per epoch and then the final one:

    epoch=3 loss=0.2181 Validation-Accuracy=0.9600
    Validation-Accuracy=0.9633

bench/nas/make_table.py imports train() from this file, so its table is exactly what this
program prints.
"""
import argparse
import json
import sys

import numpy as np

VALIDATION_SIZE = 600
BATCH_SIZE = 64
LEARNING_RATE = 0.005
ACTIVATIONS = ("relu", "tanh", "sigmoid")
OPERATION_TYPES = ("dense", "identity")

_DATA = None


def load_data():
    """(x_train, y_train, x_val, y_val): a fixed stratified split, scaled on train only."""
    global _DATA
    if _DATA is None:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler
        x, y = load_digits(return_X_y=True)
        x_train, x_val, y_train, y_val = train_test_split(
            x, y, test_size=VALIDATION_SIZE, stratify=y, random_state=0)
        scaler = StandardScaler().fit(x_train)
        _DATA = (scaler.transform(x_train), y_train, scaler.transform(x_val), y_val)
    return _DATA


def katib_json(text):
    """Katib's values are JSON with '"' replaced by "'"; a quoted command-line argument that
    reached us without a shell (sextant execs the command) still has its double quotes."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    return json.loads(text.replace("'", '"'))


class ArchitectureError(ValueError):
    pass


def parse_architecture(architecture, nn_config):
    """Layers as dicts {op, skips, type, units, activation}; raises ArchitectureError."""
    num_layers = nn_config.get("num_layers", len(architecture))
    if not isinstance(architecture, list) or len(architecture) != num_layers:
        raise ArchitectureError(
            f"architecture has {len(architecture) if isinstance(architecture, list) else 'no'} "
            f"layers, nn_config.num_layers is {num_layers}")
    input_sizes = nn_config.get("input_sizes", [64])
    if int(np.prod(input_sizes)) != 64:
        raise ArchitectureError(f"nn_config.input_sizes {input_sizes}: the digits have 64 "
                                "features (8x8 pixels); use inputSizes [64]")
    output_sizes = nn_config.get("output_sizes", [10])
    if output_sizes[-1] != 10:
        raise ArchitectureError(f"nn_config.output_sizes {output_sizes}: digits have 10 classes")
    embedding = nn_config.get("embedding", {})
    layers = []
    for l, entry in enumerate(architecture):
        if not isinstance(entry, list) or len(entry) != l + 1:
            raise ArchitectureError(f"layer {l} is {entry!r}; expected [operation] followed by "
                                    f"{l} skip bits")
        op, skips = entry[0], entry[1:]
        if any(s not in (0, 1) for s in skips):
            raise ArchitectureError(f"layer {l}: skip bits must be 0 or 1, got {skips}")
        config = embedding.get(str(op))
        if config is None:
            raise ArchitectureError(f"layer {l}: operation {op} is not in nn_config.embedding "
                                    f"(has {sorted(embedding, key=int)})")
        kind = config.get("opt_type")
        params = config.get("opt_params", {})
        layer = {"op": op, "skips": skips, "type": kind}
        if kind == "dense":
            try:
                layer["units"] = int(params["units"])
            except (KeyError, ValueError, TypeError):
                raise ArchitectureError(f"operation {op} (dense): units must be an integer, got "
                                        f"{params.get('units')!r}") from None
            if layer["units"] < 1:
                raise ArchitectureError(f"operation {op} (dense): units must be >= 1")
            layer["activation"] = params.get("activation", "relu")
            if layer["activation"] not in ACTIVATIONS:
                raise ArchitectureError(f"operation {op} (dense): activation "
                                        f"{layer['activation']!r} is not one of {ACTIVATIONS}")
        elif kind != "identity":
            raise ArchitectureError(
                f"operation {op} has opt_type {kind!r}; this program understands "
                f"{', '.join(OPERATION_TYPES)} (convolutions and pooling need images, the "
                "digits here are 64-feature vectors)")
        layers.append(layer)
    return layers


def layer_inputs(layers, l):
    """Indices into the node list [input, layer 0, layer 1, ...] that layer l concatenates:
    the previous layer first, then the skip sources in order (Katib's ModelConstructor)."""
    sources = [l]  # node l is layer l-1's output (node 0: the input)
    sources += [i for i, bit in enumerate(layers[l]["skips"]) if bit == 1]
    return sources


def activate(z, name):
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "tanh":
        return np.tanh(z)
    return 1.0 / (1.0 + np.exp(-z))


def activation_grad(a, name):
    """d activation / dz from the activation's output a."""
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "tanh":
        return 1.0 - a * a
    return a * (1.0 - a)


class Network:
    """The macro MLP: per dense layer W (in x units) and b; a dense softmax head."""

    def __init__(self, layers, rng, n_in=64, n_out=10):
        self.layers = layers
        widths = [n_in]
        self.params = []  # [W0, b0, W1, b1, ...] for dense layers, then the head's W, b
        self.slots = []  # per layer: index of its W in params, or None
        for l, layer in enumerate(layers):
            fan_in = sum(widths[i] for i in layer_inputs(layers, l))
            if layer["type"] == "dense":
                self.slots.append(len(self.params))
                self.params += self._glorot(rng, fan_in, layer["units"])
                widths.append(layer["units"])
            else:
                self.slots.append(None)
                widths.append(fan_in)
        self.params += self._glorot(rng, widths[-1], n_out)

    @staticmethod
    def _glorot(rng, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return [rng.uniform(-limit, limit, size=(fan_in, fan_out)), np.zeros(fan_out)]

    def forward(self, x):
        """(logits, nodes, inputs): nodes[0] = x, nodes[l+1] = layer l's output."""
        nodes, inputs = [x], []
        for l, layer in enumerate(self.layers):
            sources = layer_inputs(self.layers, l)
            h = nodes[sources[0]] if len(sources) == 1 else np.concatenate(
                [nodes[i] for i in sources], axis=1)
            inputs.append(h)
            if layer["type"] == "dense":
                w, b = self.params[self.slots[l]], self.params[self.slots[l] + 1]
                h = activate(h @ w + b, layer["activation"])
            nodes.append(h)
        logits = nodes[-1] @ self.params[-2] + self.params[-1]
        return logits, nodes, inputs

    def loss_and_grads(self, x, y):
        """Mean softmax cross-entropy and its gradient for every parameter."""
        logits, nodes, inputs = self.forward(x)
        n = x.shape[0]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -log_p[np.arange(n), y].mean()
        d_logits = np.exp(log_p)
        d_logits[np.arange(n), y] -= 1.0
        d_logits /= n
        grads = [None] * len(self.params)
        grads[-2] = nodes[-1].T @ d_logits
        grads[-1] = d_logits.sum(axis=0)
        d_nodes = [None] * len(nodes)
        d_nodes[-1] = d_logits @ self.params[-2].T
        for l in range(len(self.layers) - 1, -1, -1):
            layer, d_out = self.layers[l], d_nodes[l + 1]
            if d_out is None:
                continue
            if layer["type"] == "dense":
                slot = self.slots[l]
                d_z = d_out * activation_grad(nodes[l + 1], layer["activation"])
                grads[slot] = inputs[l].T @ d_z
                grads[slot + 1] = d_z.sum(axis=0)
                d_in = d_z @ self.params[slot].T
            else:
                d_in = d_out
            start = 0
            for i in layer_inputs(self.layers, l):
                width = nodes[i].shape[1]
                part = d_in[:, start:start + width]
                d_nodes[i] = part if d_nodes[i] is None else d_nodes[i] + part
                start += width
        return loss, grads

    def predict(self, x):
        return np.argmax(self.forward(x)[0], axis=1)


class Adam:
    def __init__(self, params, lr=LEARNING_RATE, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, params, grads):
        self.t += 1
        correction1 = 1.0 - self.beta1 ** self.t
        correction2 = 1.0 - self.beta2 ** self.t
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            p -= self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)


def train(architecture, nn_config, num_epochs=20, seed=0, on_epoch=None):
    """Trains the network; returns the validation accuracy after the last epoch.

    architecture, nn_config: Katib's values, already parsed (katib_json). on_epoch(epoch,
    train loss, validation accuracy) is called after each epoch.
    """
    layers = parse_architecture(architecture, nn_config)
    x_train, y_train, x_val, y_val = load_data()
    rng = np.random.default_rng(seed)
    net = Network(layers, rng)
    adam = Adam(net.params)
    accuracy = 0.0
    with np.errstate(over="ignore"):  # sigmoid of a very negative z: exp overflows to inf, 0
        for epoch in range(1, num_epochs + 1):
            order = rng.permutation(len(y_train))
            total = 0.0
            for start in range(0, len(order), BATCH_SIZE):
                batch = order[start:start + BATCH_SIZE]
                loss, grads = net.loss_and_grads(x_train[batch], y_train[batch])
                adam.step(net.params, grads)
                total += loss * len(batch)
            accuracy = float(np.mean(net.predict(x_val) == y_val))
            if on_epoch is not None:
                on_epoch(epoch, total / len(order), accuracy)
    return accuracy


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--architecture", required=True,
                        help="Katib's architecture, e.g. \"[[2], [0, 1], [1, 1, 0]]\"")
    parser.add_argument("--nn_config", required=True, help="Katib's nn_config (single-quoted JSON)")
    parser.add_argument("--num_epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.num_epochs < 1:
        parser.error(f"--num_epochs must be at least 1, got {args.num_epochs}")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        architecture = katib_json(args.architecture)
        nn_config = katib_json(args.nn_config)
    except json.JSONDecodeError as e:
        print(f"error: --architecture/--nn_config is not Katib's single-quoted JSON: {e}",
              file=sys.stderr)
        return 2
    if not isinstance(nn_config, dict):
        print("error: --nn_config must be an object", file=sys.stderr)
        return 2

    def report(epoch, loss, accuracy):
        print(f"epoch={epoch} loss={loss:.4f} Validation-Accuracy={accuracy:.4f}", flush=True)

    try:
        accuracy = train(architecture, nn_config, args.num_epochs, args.seed, report)
    except ArchitectureError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"Validation-Accuracy={accuracy:.4f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
