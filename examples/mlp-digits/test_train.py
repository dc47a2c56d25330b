"""Checks of train.py's contract: exact resume, atomic checkpoints under SIGTERM, PBT's changes.

    /usr/bin/python3 examples/mlp-digits/test_train.py      (about 20 s)
"""
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TRAIN = os.path.join(HERE, "train.py")
sys.path.insert(0, HERE)
import train  # noqa: E402


def run(*args, env=None, check=True):
    environment = dict(os.environ)
    environment.pop("SEXTANT_CHECKPOINT_DIR", None)
    environment.pop("SEXTANT_ARTIFACT_DIR", None)
    environment.update(env or {})
    done = subprocess.run([sys.executable, TRAIN, *args], capture_output=True, text=True,
                          env=environment, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"train.py {args} failed: {done.stderr}")
    return done


def lines(output):
    return [line for line in output.splitlines() if line.startswith("epoch=")]


class TrainTest(unittest.TestCase):
    COMMON = ("--lr=0.02", "--momentum=0.8", "--hidden=32", "--batch-size=64", "--seed=3")

    def test_output_lines_and_artifact(self):
        with tempfile.TemporaryDirectory() as artifacts:
            out = lines(run(*self.COMMON, "--epochs=3",
                            env={"SEXTANT_ARTIFACT_DIR": artifacts}).stdout)
            self.assertEqual([line.split()[0] for line in out], ["epoch=1", "epoch=2", "epoch=3"])
            for line in out:
                fields = dict(item.split("=") for item in line.split())
                self.assertEqual(set(fields), {"epoch", "loss", "accuracy"})
                self.assertTrue(0 <= float(fields["accuracy"]) <= 1)
            with open(os.path.join(artifacts, "model.pkl"), "rb") as f:
                pipeline = pickle.load(f)
            from sklearn.datasets import load_digits
            x, y = load_digits(return_X_y=True)
            self.assertGreater((pipeline.predict(x) == y).mean(), 0.8)  # raw pixels in

    def test_resume_reproduces_the_uninterrupted_curve(self):
        whole = lines(run(*self.COMMON, "--epochs=6").stdout)
        with tempfile.TemporaryDirectory() as checkpoints:
            first = lines(run(*self.COMMON, "--epochs=2", f"--checkpoint-dir={checkpoints}").stdout)
            # The environment variable is the default directory.
            rest = run(*self.COMMON, "--epochs=6", env={"SEXTANT_CHECKPOINT_DIR": checkpoints})
            self.assertIn("resuming from epoch 2", rest.stderr)
            self.assertEqual(first + lines(rest.stdout), whole)
            # Already at the target: the last line again, nothing trained.
            again = lines(run(*self.COMMON, "--epochs=4", f"--checkpoint-dir={checkpoints}").stdout)
            self.assertEqual(again, [whole[5]])

    def test_epochs_per_run_continues_from_the_checkpoint(self):
        whole = lines(run(*self.COMMON, "--epochs=5").stdout)
        with tempfile.TemporaryDirectory() as checkpoints:
            got = []
            for _ in range(3):
                got += lines(run(*self.COMMON, "--epochs-per-run=2", "--epochs=5",
                                 f"--checkpoint-dir={checkpoints}").stdout)
            self.assertEqual(got, whole)  # 1-2, 3-4, then 5 (capped by --epochs)

    def test_sigterm_mid_run_leaves_a_checkpoint_that_resumes_exactly(self):
        whole = lines(run(*self.COMMON, "--epochs=12").stdout)
        # Several kill times, so some land inside an epoch and some inside a checkpoint write.
        for delay in (0.0, 0.004, 0.009, 0.013, 0.021):
            with self.subTest(delay=delay), tempfile.TemporaryDirectory() as checkpoints:
                with subprocess.Popen(
                        [sys.executable, TRAIN, *self.COMMON, "--epochs=12",
                         f"--checkpoint-dir={checkpoints}"], stdout=subprocess.PIPE,
                        text=True) as process:
                    seen = [process.stdout.readline().strip() for _ in range(3)]
                    time.sleep(delay)
                    process.send_signal(signal.SIGTERM)
                    seen += lines(process.stdout.read())
                self.assertEqual(process.returncode, -signal.SIGTERM)
                self.assertEqual(seen, whole[:len(seen)])
                state = train.load_checkpoint(checkpoints)
                # A whole checkpoint, no older than the last line printed.
                self.assertGreaterEqual(state["epoch"], len(seen))
                self.assertLess(state["epoch"], 12)
                resumed = lines(run(*self.COMMON, "--epochs=12",
                                    f"--checkpoint-dir={checkpoints}").stdout)
                self.assertEqual(resumed, whole[state["epoch"]:])

    def test_resumed_run_takes_its_own_hyperparameters(self):
        with tempfile.TemporaryDirectory() as checkpoints:
            run(*self.COMMON, "--epochs=1", f"--checkpoint-dir={checkpoints}")
            run("--lr=0.07", "--momentum=0.6", "--hidden=32", "--batch-size=16", "--alpha=0.01",
                "--epochs=2", f"--checkpoint-dir={checkpoints}")
            model = train.load_checkpoint(checkpoints)["model"]
            self.assertEqual(model._optimizer.learning_rate, 0.07)
            self.assertEqual(model._optimizer.momentum, 0.6)
            self.assertEqual((model.alpha, model.batch_size), (0.01, 16))
            mismatch = run("--lr=0.07", "--hidden=64", "--epochs=3",
                           f"--checkpoint-dir={checkpoints}", check=False)
            self.assertNotEqual(mismatch.returncode, 0)
            self.assertIn("hidden layers (32, 32)", mismatch.stderr)

    def test_diverged_training_keeps_reporting_finite_values(self):
        model = train.new_model(lr=0.5, momentum=0.99, hidden=128, batch_size=16)
        values = [train.train_epoch(model) for _ in range(2)]
        for loss, accuracy in values:
            self.assertAlmostEqual(loss, 34.5388, places=3)
            self.assertLess(accuracy, 0.2)

    def test_in_process_training_matches_the_program(self):
        out = lines(run(*self.COMMON, "--epochs=3").stdout)
        model = train.new_model(lr=0.02, momentum=0.8, hidden=32, batch_size=64, seed=3)
        self.assertEqual([train.epoch_line(e, *train.train_epoch(model)) for e in (1, 2, 3)], out)


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=1).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
