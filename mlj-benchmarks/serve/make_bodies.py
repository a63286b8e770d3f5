"""Writes the request bodies of ./mlj bench serve: one TF Serving row-format predict body per line,
{"instances": [row]}, one per reference row of the bundle (models/<bundle>/reference/batch_32/inputs)."""
import json
import sys
from pathlib import Path

import numpy as np


def main(models_dir: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for model, bundle in (("ffnn", "mnist_ffnn"), ("cnn", "mnist_cnn"), ("lstm", "imdb_lstm")):
        inputs = sorted((Path(models_dir) / bundle / "reference" / "batch_32" / "inputs").glob("*.npy"))
        rows = np.load(inputs[0])
        with open(out / f"{model}.bodies", "w") as f:
            for i in range(rows.shape[0]):
                f.write(json.dumps({"instances": rows[i:i + 1].tolist()}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
