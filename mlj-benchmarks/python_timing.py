"""Times the three ways Python runs an mlj bundle's model, for the benchmark table of bench.sh.

For each bundle and batch size it measures, on the bundle's real reference inputs (reference/batch_32,
rows repeated to fill the batch), from a NumPy array in to a NumPy array out:

  predict    keras.saving.load_model("model.keras").predict(x, batch_size=batch, verbose=0)
  call       model(x, training=False).numpy()
  signature  tf.saved_model.load("saved_model").signatures["serving_default"](name=tf.constant(x)),
             first output .numpy()  -- the fastest Python path

Each path is warmed up, then called repeatedly for a time budget (at least --min-reps and at most
--max-reps calls), each call timed on its own; the median is reported. Writes JSON:

  {"environment": {"python": ..., "tensorflow": ..., "keras": ..., "numpy": ...},
   "results": [{"model": "FFNN", "bundle": "mnist_ffnn", "batch": 1, "path": "signature",
                "median_ms": 0.41, "reps": 200}, ...]}

Usage: python python_timing.py --models-dir models --out python.json [--batches 1,32,256]
           [--budget-seconds 1.0] [--warmup 3] [--min-reps 5] [--max-reps 300]
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402  (after the log level is set)
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# Table name -> (bundle directory, input name); the same models as the Java benchmarks.
MODELS = {
    "FFNN": ("mnist_ffnn", "pixels"),
    "CNN": ("mnist_cnn", "image"),
    "LSTM": ("imdb_lstm", "tokens"),
}
PATHS = ("predict", "call", "signature")


def reference_input(bundle: Path, input_name: str, batch: int) -> np.ndarray:
    """The bundle's 32 reference rows, repeated (tiled) along the batch axis to `batch` rows."""
    rows = np.load(bundle / "reference" / "batch_32" / "inputs" / f"{input_name}.npy")
    repeats = -(-batch // rows.shape[0])
    return np.ascontiguousarray(np.concatenate([rows] * repeats)[:batch])


def median_ms(call, warmup: int, budget_seconds: float, min_reps: int, max_reps: int) -> tuple[float, int]:
    """Warms `call` up, then times calls until the budget is spent (within the rep limits)."""
    for _ in range(warmup):
        call()
    times = []
    deadline = time.perf_counter() + budget_seconds
    while len(times) < max_reps and (len(times) < min_reps or time.perf_counter() < deadline):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), len(times)


def path_calls(bundle: Path, input_name: str):
    """The three callables per path, each taking a NumPy batch and returning a NumPy array."""
    model = keras.saving.load_model(bundle / "model.keras", compile=False)
    serving = tf.saved_model.load(str(bundle / "saved_model")).signatures["serving_default"]

    def signature(x):
        outputs = serving(**{input_name: tf.constant(x)})
        return next(iter(outputs.values())).numpy()

    return {
        "predict": lambda x: model.predict(x, batch_size=x.shape[0], verbose=0),
        "call": lambda x: model(x, training=False).numpy(),
        "signature": signature,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, required=True, help="the repository's models/ directory")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--batches", default="1,32,256", help="comma-separated batch sizes")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ",".join(MODELS))
    parser.add_argument("--budget-seconds", type=float, default=1.0, help="timed seconds per model, batch and path")
    parser.add_argument("--warmup", type=int, default=3, help="untimed calls before timing")
    parser.add_argument("--min-reps", type=int, default=5)
    parser.add_argument("--max-reps", type=int, default=300)
    args = parser.parse_args()

    batches = [int(b) for b in args.batches.split(",")]
    results = []
    for name in args.models.split(","):
        bundle_name, input_name = MODELS[name]
        bundle = args.models_dir / bundle_name
        calls = path_calls(bundle, input_name)
        for batch in batches:
            x = reference_input(bundle, input_name, batch)
            for path in PATHS:
                call = calls[path]
                median, reps = median_ms(lambda: call(x), args.warmup, args.budget_seconds, args.min_reps,
                                         args.max_reps)
                results.append({"model": name, "bundle": bundle_name, "batch": batch, "path": path,
                                "median_ms": median, "reps": reps})
                print(f"python {name:<4} batch {batch:>3} {path:<9} {median:9.3f} ms  ({reps} calls)",
                      file=sys.stderr)

    environment = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }
    args.out.write_text(json.dumps({"environment": environment, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
