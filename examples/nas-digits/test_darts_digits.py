"""Tests of darts_digits.py: supernet gradients against finite differences, formats, errors.

    /usr/bin/python3 examples/nas-digits/test_darts_digits.py     # ~5 s
"""
import io
import os
import sys
import unittest
from contextlib import redirect_stderr, redirect_stdout

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import darts_digits as darts  # noqa: E402

NAMES = ["dense_relu_1x1", "dense_tanh", "dense_sigmoid_1x1", "skip_connection", "none"]


def tiny_net(num_layers, num_nodes=2, seed=5):
    rng = np.random.default_rng(seed)
    primitives = [darts.parse_primitive(n) for n in NAMES]
    net = darts.Supernet(primitives, num_layers, num_nodes, init_channels=3, stem_multiplier=2,
                         rng=rng, n_in=4, n_out=10)
    for w in net.weights:  # biases away from zero: no relu unit at its kink
        w += rng.normal(scale=0.3, size=w.shape)
    for a in net.alphas:
        a += rng.normal(scale=0.5, size=a.shape)
    x = rng.normal(size=(5, 4))
    y = rng.integers(0, 10, size=5)
    return net, x, y


def numeric(net, x, y, array, eps=1e-6):
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + eps
        plus = net.loss(x, y)[0]
        array[index] = saved - eps
        minus = net.loss(x, y)[0]
        array[index] = saved
        grad[index] = (plus - minus) / (2 * eps)
    return grad


class GradientCheck(unittest.TestCase):
    def check(self, num_layers, num_nodes):
        net, x, y = tiny_net(num_layers, num_nodes)
        _, d_logits, cache = net.loss(x, y)
        dw, d_alphas = net.backward(d_logits, cache)
        for i, (w, g) in enumerate(zip(net.weights, dw)):
            np.testing.assert_allclose(g, numeric(net, x, y, w), rtol=1e-5, atol=1e-8,
                                       err_msg=f"weight {i}, {num_layers} cells")
        for i, (a, g) in enumerate(zip(net.alphas, d_alphas)):
            np.testing.assert_allclose(g, numeric(net, x, y, a), rtol=1e-5, atol=1e-8,
                                       err_msg=f"alpha of node {i}, {num_layers} cells")

    def test_one_cell(self):
        self.check(1, 2)

    def test_three_cells_chain_both_inputs(self):
        # Cell 2 reads cell 0's output as s0: the gradient must reach it across cell 1.
        self.check(3, 2)


class Genotype(unittest.TestCase):
    def test_two_strongest_edges_and_their_best_non_none_op(self):
        net, _, _ = tiny_net(1, num_nodes=2)
        # Node 0 has inputs 0, 1; node 1 has inputs 0, 1, 2 (node 0). Strong 'none' weights
        # must not count.
        net.alphas[0][:] = [[0, 0, 0, 0, 9], [0, 5, 0, 0, 0]]
        net.alphas[1][:] = [[1, 0, 0, 0, 0], [0, 0, 0, 0, 9], [0, 0, 0, 4, 0]]
        genotype = net.genotype(NAMES)
        self.assertEqual(genotype.normal, [[("dense_tanh", 1), ("dense_relu_1x1", 0)],
                                           [("skip_connection", 2), ("dense_relu_1x1", 0)]])
        self.assertEqual(str(genotype).replace(" ", ""),
                         "Genotype(normal=[[('dense_tanh',1),('dense_relu_1x1',0)],"
                         "[('skip_connection',2),('dense_relu_1x1',0)]],normal_concat=range(2,4),"
                         "reduce=[],reduce_concat=range(2,4))")


class Formats(unittest.TestCase):
    def test_settings_strings_numbers_and_nulls(self):
        s = darts.parse_settings("\"{'num_epochs': '3', 'w_lr': 0.05, 'batch_size': null, "
                                 "'w_grad_clip': null, 'alpha_lr': null, 'num_nodes': '2.0'}\"")
        self.assertEqual(s["num_epochs"], 3)
        self.assertIsInstance(s["num_epochs"], int)
        self.assertEqual(s["w_lr"], 0.05)
        self.assertIsNone(s["batch_size"])
        self.assertIsNone(s["w_grad_clip"])
        self.assertEqual(s["alpha_lr"], 3e-4)
        self.assertEqual(s["num_nodes"], 2)
        self.assertEqual(s["stem_multiplier"], 3)

    def test_setting_errors(self):
        with self.assertRaisesRegex(darts.DartsError, "num_epochs: expected an integer, got '1.5'"):
            darts.parse_settings("{'num_epochs': '1.5'}")
        with self.assertRaisesRegex(darts.DartsError, "num_nodes: must be >= 1, got 0"):
            darts.parse_settings("{'num_nodes': 0}")
        with self.assertRaisesRegex(darts.DartsError, "w_lr: expected a number"):
            darts.parse_settings("{'w_lr': 'fast'}")

    def test_primitives(self):
        self.assertEqual(darts.parse_primitive("dense_tanh_1x1"), ("dense", "tanh"))
        self.assertEqual(darts.parse_primitive("dense_sigmoid"), ("dense", "sigmoid"))
        self.assertEqual(darts.parse_primitive("skip_connection"), ("skip",))
        with self.assertRaisesRegex(darts.DartsError, "works on images"):
            darts.parse_primitive("separable_convolution_3x3")
        with self.assertRaisesRegex(darts.DartsError, "works on images"):
            darts.parse_primitive("max_pooling_3x3")
        with self.assertRaisesRegex(darts.DartsError, "3x3 kernel needs a spatial map"):
            darts.parse_primitive("dense_relu_3x3")
        with self.assertRaisesRegex(darts.DartsError, "unknown primitive 'dense_elu'"):
            darts.parse_primitive("dense_elu")
        names, _ = darts.parse_search_space("['none', 'dense_relu_1x1', 'skip_connection']")
        self.assertEqual(names, ["dense_relu_1x1", "skip_connection", "none"])

    def test_program_prints_the_best_genotype_for_katibs_filter(self):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = darts.main([
                "--algorithm-settings=\"{'num_epochs': '2', 'num_nodes': '2', 'init_channels': "
                "'4', 'stem_multiplier': '2', 'alpha_lr': '0.01', 'unknown': '1'}\"",
                "--search-space=\"['dense_relu_1x1', 'skip_connection']\"", "--num-layers=\"1\""])
        self.assertEqual(code, 0)
        self.assertIn("'unknown' is not used", err.getvalue())
        lines = out.getvalue().splitlines()
        self.assertEqual(sum(line.startswith("epoch=") for line in lines), 2)
        final = lines[-1]
        # Katib's filter "([\w-]+)=(Genotype.*)" on the last line, and on no other line.
        import re
        pattern = re.compile(r"([\w-]+)=(Genotype.*)")
        self.assertEqual([pattern.findall(line) for line in lines[:-1] if pattern.findall(line)],
                         [])
        ((name, value),) = pattern.findall(final)
        self.assertEqual(name, "Best-Genotype")
        edge = r"\('(dense_relu_1x1|skip_connection)',[012]\)"
        self.assertRegex(value, r"^Genotype\(normal=\[\[" + edge + "," + edge + r"\],\[" + edge +
                         "," + edge + r"\]\],normal_concat=range\(2,4\),reduce=\[\],"
                         r"reduce_concat=range\(2,4\)\)$")

    def test_program_rejects_image_operations(self):
        err = io.StringIO()
        with redirect_stderr(err), redirect_stdout(io.StringIO()):
            code = darts.main(["--search-space=['max_pooling_3x3', 'skip_connection']"])
        self.assertEqual(code, 2)
        self.assertIn("'max_pooling_3x3' works on images", err.getvalue())


if __name__ == "__main__":
    unittest.main()
