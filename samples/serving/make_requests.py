"""Writes the request bodies the README's `mlj serve` curl examples send: the first held-out MNIST
digit of models/mnist_cnn/reference/batch_1 (a 6: samples/digits/6_0.png) as a TF Serving predict
body (row format) and as an Open Inference Protocol v2 infer body.

    ~/.cache/mlj/venv/bin/python samples/serving/make_requests.py
"""
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent


def main():
    image = np.load(ROOT / "models/mnist_cnn/reference/batch_1/inputs/image.npy").astype(np.float32)  # [1, 28, 28, 1]
    as_list = [[[[float(np.format_float_positional(v, unique=True, trim="0")) for v in row_c] for row_c in row]
                 for row in img] for img in image]
    (HERE / "predict_cnn.json").write_text(json.dumps({"instances": as_list}) + "\n")
    flat = [float(np.format_float_positional(v, unique=True, trim="0")) for v in image.reshape(-1)]
    (HERE / "infer_cnn.json").write_text(json.dumps({"id": "digit-0", "inputs": [
        {"name": "image", "shape": list(image.shape), "datatype": "FP32", "data": flat}]}) + "\n")
    print("wrote", HERE / "predict_cnn.json", "and", HERE / "infer_cnn.json")


if __name__ == "__main__":
    main()
