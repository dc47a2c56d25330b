"""Tests of train_arch.py: backpropagation against finite differences, Katib's formats, wiring.

    /usr/bin/python3 examples/nas-digits/test_train_arch.py     # ~3 s
"""
import io
import os
import sys
import unittest
from contextlib import redirect_stderr, redirect_stdout

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_arch  # noqa: E402

EMBEDDING = {
    "0": {"opt_id": 0, "opt_type": "dense", "opt_params": {"units": "5", "activation": "relu"}},
    "1": {"opt_id": 1, "opt_type": "dense", "opt_params": {"units": 4, "activation": "tanh"}},
    "2": {"opt_id": 2, "opt_type": "dense", "opt_params": {"units": "3", "activation": "sigmoid"}},
    "3": {"opt_id": 3, "opt_type": "identity", "opt_params": {"kind": "identity"}},
}


def config(num_layers, n_in=64):
    return {"num_layers": num_layers, "input_sizes": [n_in], "output_sizes": [10],
            "embedding": EMBEDDING}


def numeric_gradient(net, x, y, param, eps=1e-6):
    grad = np.zeros_like(param)
    for index in np.ndindex(param.shape):
        saved = param[index]
        param[index] = saved + eps
        plus = net.loss_and_grads(x, y)[0]
        param[index] = saved - eps
        minus = net.loss_and_grads(x, y)[0]
        param[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


class GradientCheck(unittest.TestCase):
    def check(self, architecture):
        layers = train_arch.parse_architecture(architecture, config(len(architecture)))
        rng = np.random.default_rng(3)
        net = train_arch.Network(layers, rng, n_in=6, n_out=10)
        # Biases away from zero, so no relu unit sits at its kink and sigmoid/tanh are not
        # symmetric around the data.
        for p in net.params:
            p += rng.normal(scale=0.3, size=p.shape)
        x = rng.normal(size=(7, 6))
        y = rng.integers(0, 10, size=7)
        _, grads = net.loss_and_grads(x, y)
        self.assertEqual(len(grads), len(net.params))
        for i, (param, grad) in enumerate(zip(net.params, grads)):
            expected = numeric_gradient(net, x, y, param)
            np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8,
                                       err_msg=f"parameter {i} of {architecture}")

    def test_chain(self):
        self.check([[0], [1, 0], [2, 0, 0]])

    def test_every_skip_and_identity(self):
        # Layer 1 reads the input too; layer 2 is an identity over layer 1, the input and
        # layer 0; layer 3 reads everything.
        self.check([[1], [0, 1], [3, 1, 1], [2, 1, 1, 1]])

    def test_identity_first_and_skips_to_the_same_node(self):
        self.check([[3], [2, 1], [0, 0, 1]])


class Wiring(unittest.TestCase):
    def test_skip_bit_i_reads_layer_i_minus_1(self):
        # Katib's ModelConstructor: bit 0 is the input, bit i the output of layer i-1, and the
        # previous layer always comes first.
        layers = train_arch.parse_architecture([[0], [1, 1], [2, 1, 1]], config(3))
        self.assertEqual(train_arch.layer_inputs(layers, 0), [0])
        self.assertEqual(train_arch.layer_inputs(layers, 1), [1, 0])
        self.assertEqual(train_arch.layer_inputs(layers, 2), [2, 0, 1])
        net = train_arch.Network(layers, np.random.default_rng(0))
        # Layer 2 (sigmoid, 3 units) reads layer 1 (4) + input (64) + layer 0 (5).
        self.assertEqual(net.params[net.slots[2]].shape, (4 + 64 + 5, 3))

    def test_identity_passes_the_concatenation(self):
        layers = train_arch.parse_architecture([[0], [3, 1]], config(2))
        net = train_arch.Network(layers, np.random.default_rng(0))
        x = np.random.default_rng(1).normal(size=(2, 64))
        _, nodes, _ = net.forward(x)
        np.testing.assert_array_equal(nodes[2], np.concatenate([nodes[1], x], axis=1))
        self.assertEqual(net.params[-2].shape, (5 + 64, 10))


class Formats(unittest.TestCase):
    def test_katib_strings_with_and_without_shell_quotes(self):
        text = "{'num_layers': 1, 'embedding': {'2': {'opt_params': {'units': '16'}}}}"
        expected = {"num_layers": 1, "embedding": {"2": {"opt_params": {"units": "16"}}}}
        self.assertEqual(train_arch.katib_json(text), expected)
        self.assertEqual(train_arch.katib_json('"' + text + '"'), expected)
        self.assertEqual(train_arch.katib_json('"[[2], [0, 1]]"'), [[2], [0, 1]])

    def errors(self, architecture, nn_config):
        with self.assertRaises(train_arch.ArchitectureError) as caught:
            train_arch.parse_architecture(architecture, nn_config)
        return str(caught.exception)

    def test_clear_errors(self):
        conv = dict(config(1), embedding={"0": {"opt_id": 0, "opt_type": "convolution",
                                                "opt_params": {"filter_size": "3"}}})
        self.assertIn("'convolution'", self.errors([[0]], conv))
        self.assertIn("dense, identity", self.errors([[0]], conv))
        self.assertIn("operation 7 is not in nn_config.embedding", self.errors([[7]], config(1)))
        self.assertIn("expected [operation] followed by 1 skip bits",
                      self.errors([[0], [1]], config(2)))
        self.assertIn("nn_config.num_layers is 3", self.errors([[0]], config(3)))
        bad = dict(config(1), embedding={"0": {"opt_type": "dense",
                                               "opt_params": {"units": "16", "activation": "elu"}}})
        self.assertIn("'elu'", self.errors([[0]], bad))
        self.assertIn("64 features", self.errors([[0]], dict(config(1), input_sizes=[32, 32, 3])))

    def test_program_output_and_determinism(self):
        args = ["--architecture", '"[[1], [0, 1]]"', "--num_epochs", "2", "--nn_config",
                "{'num_layers': 2, 'input_sizes': [64], 'output_sizes': [10], 'embedding': "
                "{'1': {'opt_id': 1, 'opt_type': 'dense', 'opt_params': {'units': '16', "
                "'activation': 'tanh'}}, '0': {'opt_id': 0, 'opt_type': 'dense', "
                "'opt_params': {'units': '16', 'activation': 'relu'}}}}"]
        outputs = []
        for _ in range(2):
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(train_arch.main(args), 0)
            outputs.append(out.getvalue())
        self.assertEqual(outputs[0], outputs[1])
        lines = outputs[0].splitlines()
        self.assertEqual(len(lines), 3)
        self.assertRegex(lines[0], r"^epoch=1 loss=\d+\.\d{4} Validation-Accuracy=0\.\d{4}$")
        final = float(lines[2].split("=")[1])
        self.assertEqual(lines[2], f"Validation-Accuracy={final:.4f}")
        self.assertTrue(lines[1].endswith(f"Validation-Accuracy={final:.4f}"))
        self.assertGreater(final, 0.8)  # two epochs of a 16-unit MLP already learn digits

    def test_program_rejects_an_unknown_operation(self):
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            code = train_arch.main([
                "--architecture=[[0]]", "--nn_config={'num_layers': 1, 'embedding': {'0': "
                "{'opt_id': 0, 'opt_type': 'reduction', 'opt_params': {}}}}"])
        self.assertEqual(code, 2)
        self.assertIn("opt_type 'reduction'", err.getvalue())


if __name__ == "__main__":
    unittest.main()
