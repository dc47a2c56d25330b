"""Report metrics from a trial worker to sextant (standard library only).

    from sextant_report import report_metrics
    report_metrics({"loss": 0.12, "accuracy": 0.91}, step=epoch)

Same name and first argument as Katib's SDK ``report_metrics``. Where the metrics go:

- ``SEXTANT_REPORT_URL`` set (sextant sets it for every trial): an HTTP POST to
  ``$SEXTANT_REPORT_URL/api/v1/trials/$SEXTANT_TRIAL/metrics`` with
  ``Authorization: Bearer $SEXTANT_REPORT_TOKEN``. The trial name falls back to Katib's
  ``KATIB_TRIAL_NAME``.
- ``SEXTANT_REPORT_URL`` unset or empty: one ``name=value`` line per metric on stdout (the step
  is not printed), which the StdOut metrics collector (Katib's default) reads. The same worker
  thus runs under either collector, and by hand.

Errors: ``ValueError`` for a value that is not a finite number (NaN, inf, not float-convertible),
an empty name, no metrics or a negative step, before anything is sent; ``RuntimeError`` when the
report cannot be delivered (missing variable, no answer, an answer other than 2xx, with the
server's message). Connection refused or reset and HTTP 503 are retried briefly first.

Command line: ``python3 sextant_report.py loss=0.12 accuracy=0.9 [--step N]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["report_metrics"]

_ATTEMPTS = 5
_FIRST_BACKOFF = 0.1  # seconds, doubled after each failed try


def _finite(name, value):
    if isinstance(value, str):
        text = value.strip()
    else:
        text = value
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"metric {name!r}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"metric {name!r}: {value!r} is not a finite number")
    return number


def _trial_name():
    trial = os.environ.get("SEXTANT_TRIAL") or os.environ.get("KATIB_TRIAL_NAME")
    if not trial:
        raise RuntimeError("SEXTANT_TRIAL (or KATIB_TRIAL_NAME) is not set")
    return trial


def _server_message(error):
    try:
        text = error.read().decode("utf-8", "replace")
    except Exception:  # the body is only there to explain; never hide the status for it
        return ""
    try:
        return json.loads(text)["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return text


def _is_transient(reason):
    return isinstance(reason, (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError))


def report_metrics(
    metrics: dict, step: int | None = None, timeout: float = 10, *, db_manager_address=None
) -> None:
    """Reports ``metrics`` (name -> number) for the current trial, with an optional step >= 0.

    ``db_manager_address`` is accepted and ignored, so that code written for Katib's SDK runs
    unchanged.
    """
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("report_metrics needs a non-empty dict of metric name -> value")
    values = {}
    for name, value in metrics.items():
        if not isinstance(name, str) or not name:
            raise ValueError(f"metric names must be non-empty strings, got {name!r}")
        number = _finite(name, value)
        # Integers keep their form ("7", as Katib's str(value) would give); the rest is a float.
        values[name] = value if isinstance(value, int) and not isinstance(value, bool) else number
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int) or step < 0:
            raise ValueError(f"step must be an integer >= 0, got {step!r}")

    url = os.environ.get("SEXTANT_REPORT_URL", "")
    if not url:
        for name, value in values.items():
            print(f"{name}={value!r}")
        sys.stdout.flush()
        return

    token = os.environ.get("SEXTANT_REPORT_TOKEN")
    if not token:
        raise RuntimeError("SEXTANT_REPORT_TOKEN is not set")
    trial = _trial_name()
    if not url.startswith("http://"):
        raise RuntimeError(f"SEXTANT_REPORT_URL {url!r} is not of the form http://HOST:PORT")
    target = url.rstrip("/") + "/api/v1/trials/" + urllib.parse.quote(trial, safe="") + "/metrics"
    payload = {"metrics": values}
    if step is not None:
        payload["step"] = step
    data = json.dumps(payload, allow_nan=False).encode("utf-8")

    backoff = _FIRST_BACKOFF
    for attempt in range(1, _ATTEMPTS + 1):
        last = attempt == _ATTEMPTS
        request = urllib.request.Request(
            target,
            data=data,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": "Bearer " + token,
                "User-Agent": "sextant_report.py",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                answer.read()
                return
        except urllib.error.HTTPError as error:
            if error.code != 503 or last:
                raise RuntimeError(
                    f"metrics report refused by {url} (HTTP {error.code}): {_server_message(error)}"
                ) from None
        except urllib.error.URLError as error:
            if not _is_transient(error.reason) or last:
                raise RuntimeError(f"cannot report metrics to {url}: {error.reason}") from None
        except (ConnectionResetError, ConnectionAbortedError) as error:
            if last:
                raise RuntimeError(f"cannot report metrics to {url}: {error}") from None
        except (TimeoutError, socket.timeout):
            raise RuntimeError(f"no answer from {url} within {timeout} s") from None
        time.sleep(backoff)
        backoff *= 2


def _parse_metric(argument):
    name, equals, value = argument.partition("=")
    if not equals or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"{argument!r} is not NAME=VALUE (e.g. loss=0.12)")
    return name.strip(), value.strip()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="sextant_report.py", description="Report metrics of the current sextant trial."
    )
    parser.add_argument("metrics", nargs="+", type=_parse_metric, metavar="NAME=VALUE")
    parser.add_argument("--step", type=int, default=None, help="step of these values (>= 0)")
    args = parser.parse_args(argv)
    try:
        report_metrics(dict(args.metrics), step=args.step)
    except (ValueError, RuntimeError) as error:
        print(f"sextant_report.py: {error}", file=sys.stderr)
        return 2 if isinstance(error, ValueError) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
