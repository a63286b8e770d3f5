"""Argument parsing and the five subcommands of `python -m mlj_export`."""

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

from mlj_export.errors import BundleError, BundleWarning


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except BundleError as exc:
        print(f"mlj_export: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _parser():
    parser = argparse.ArgumentParser(prog="python -m mlj_export",
                                     description="Write mlj bundles and test fixtures.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    command = commands.add_parser("bundle", help="bundle a Keras 3 model (.keras or .h5)",
                                  description="Write an mlj bundle (docs/bundle-format.md).")
    command.add_argument("model", type=Path, help="MODEL.keras (or .h5)")
    command.add_argument("out_dir", type=Path, help="bundle directory to (re)write")
    command.add_argument("--name", help="bundle name (default: the model's name)")
    command.add_argument("--description", default="", help="one-line description")
    command.add_argument("--reference-inputs", type=Path, metavar="FILE.npz",
                         help="at least 32 rows per input, keyed by input name (or a single "
                              "array for a single-input model); default: deterministic random")
    command.add_argument("--labels", nargs="+", metavar="LABEL", help="class labels")
    command.add_argument("--tensorspace", action="store_true",
                         help="also write <bundle>/tensorspace/: every layer's output as a "
                              "TensorFlow.js layers-model (as the tensorspace command)")
    command.set_defaults(run=_bundle)

    command = commands.add_parser(
        "tensorspace", help="write the TensorSpace export (TensorFlow.js layers-model)",
        description="Write the model that outputs every layer's output (input layers excluded, "
                    "model order, layer names kept) as a TensorFlow.js layers-model: "
                    "OUT_DIR/model.json and its weight shards, for TensorSpace or "
                    "tf.loadLayersModel.")
    command.add_argument("model", type=Path, help="MODEL.keras (or .h5)")
    command.add_argument("out_dir", type=Path, help="directory to (re)write")
    command.set_defaults(run=_tensorspace)

    command = commands.add_parser("train", help="train the three example models and bundle them")
    command.add_argument("--out", type=Path, default=Path("models"), help="default: models")
    command.add_argument("--only", choices=["ffnn", "cnn", "lstm"], help="train one example")
    command.set_defaults(run=_train)

    command = commands.add_parser("fixtures", help="write the extra Java test fixtures")
    command.add_argument("--out", type=Path, default=Path("models"), help="default: models")
    command.set_defaults(run=_fixtures)

    command = commands.add_parser("zoo", help="train and bundle the layer zoo (models/zoo)")
    command.add_argument("--out", type=Path, default=Path("models/zoo"), help="default: models/zoo")
    command.add_argument("--only", nargs="+", metavar="NAME", help="zoo models to write")
    command.set_defaults(run=_zoo)

    command = commands.add_parser("legacy", help="write the legacy-format fixtures (Keras 1/2, TF1)")
    command.add_argument("--out", type=Path, default=Path("models/legacy"), help="default: models/legacy")
    command.set_defaults(run=_legacy)

    command = commands.add_parser("samples", help="write sample digits and reviews for the demo")
    command.add_argument("--out", type=Path, default=Path("samples"), help="default: samples")
    command.set_defaults(run=_samples)
    return parser


def _load(path):
    import keras

    try:
        return keras.saving.load_model(path, compile=False)
    except Exception as exc:
        raise BundleError(f"cannot load {path}: {exc}") from exc


def _bundle(args):
    from mlj_export.bundle_writer import bundle

    model = _load(args.model)
    reference_inputs = None
    if args.reference_inputs:
        with np.load(args.reference_inputs, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
        reference_inputs = next(iter(arrays.values())) if len(arrays) == 1 else arrays
    with warnings.catch_warnings():
        warnings.simplefilter("always", BundleWarning)
        result = bundle(model, args.out_dir, name=args.name, description=args.description,
                        reference_inputs=reference_inputs, labels=args.labels,
                        tensorspace=args.tensorspace)
    print(f"wrote {result.path}")
    for name, keys in result.signatures.items():
        print(f"  {name}: inputs {keys['inputs']} -> outputs {keys['outputs']}")


def _tensorspace(args):
    from mlj_export import tensorspace

    result = tensorspace.export(_load(args.model), args.out_dir)
    print(f"wrote {result.path}/{tensorspace.MODEL_JSON} and {len(result.shards)} weight "
          f"shard(s), {result.weight_bytes} bytes")
    print(f"  outputs: {result.outputs}")


def _train(args):
    from mlj_export import train

    train.run(args.out, only=args.only)


def _fixtures(args):
    from mlj_export import fixtures

    for path in fixtures.write_all(args.out):
        print(f"wrote {path}")


def _zoo(args):
    from mlj_export import zoo

    for path in zoo.write_all(args.out, only=args.only):
        print(f"wrote {path}")


def _legacy(args):
    from mlj_export import legacy

    for path in legacy.write_all(args.out):
        print(f"wrote {path}")


def _samples(args):
    from mlj_export.samples import write_samples

    for path in write_samples(args.out):
        print(f"wrote {path}")
