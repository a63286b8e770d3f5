"""The Python peer of `mlj serve`: FastAPI + uvicorn on TensorFlow, serving one SavedModel.

What a Python team deploys when it does not run TF Serving: the exported signature
(`tf.saved_model.load(dir).signatures["serving_default"]`, the fastest Python path) behind the
same `POST /v1/models/{name}:predict` API as TF Serving and mlj (row format `{"instances": ...}`
and columnar format `{"inputs": ...}`), plus `GET /v1/models/{name}` for readiness.

    python server.py --model_name=cnn --saved_model=models/mnist_cnn/saved_model --port=8601

Run it from the peer venv (setup-peer-venv.sh). One process; TensorFlow calls run in Starlette's
thread pool (TF releases the GIL while it computes), so concurrent requests overlap.
"""

import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, HTTPException, Request  # noqa: E402
from fastapi.responses import JSONResponse, Response  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402


def build_app(model_name: str, saved_model: str, signature_name: str = "serving_default") -> FastAPI:
    loaded = tf.saved_model.load(saved_model)
    signature = loaded.signatures[signature_name]
    _, keyword_specs = signature.structured_input_signature
    specs = dict(keyword_specs)
    input_names = sorted(specs)
    app = FastAPI()

    def to_tensor(name, value):
        spec = specs[name]
        if spec.dtype == tf.string:
            return tf.constant(value, dtype=tf.string)
        return tf.constant(np.asarray(value, dtype=spec.dtype.as_numpy_dtype))

    def run(inputs):
        outputs = signature(**inputs)
        return {name: tensor.numpy() for name, tensor in outputs.items()}

    def plain(array):
        if array.dtype == object:
            return [v.decode("utf-8") if isinstance(v, bytes) else v for v in array.ravel()]
        return array.tolist()

    @app.get("/v1/models/{name}")
    def status(name: str):
        if name != model_name:
            raise HTTPException(404, f"Servable not found for request: Latest({name})")
        return {"model_version_status": [{"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}

    @app.post("/v1/models/{name}:predict")
    async def predict(name: str, request: Request):
        if name != model_name:
            return JSONResponse({"error": f"Servable not found for request: Latest({name})"}, status_code=404)
        try:
            body = json.loads(await request.body())
        except ValueError as e:
            return JSONResponse({"error": f"JSON Parse error: {e}"}, status_code=400)
        if not isinstance(body, dict) or ("instances" in body) == ("inputs" in body):
            return JSONResponse({"error": "Missing 'inputs' or 'instances' key"}, status_code=400)
        try:
            if "instances" in body:
                instances = body["instances"]
                if len(input_names) == 1 and not (instances and isinstance(instances[0], dict)):
                    inputs = {input_names[0]: to_tensor(input_names[0], instances)}
                else:
                    inputs = {n: to_tensor(n, [row[n] for row in instances]) for n in input_names}
            else:
                columns = body["inputs"]
                if not isinstance(columns, dict):
                    columns = {input_names[0]: columns}
                inputs = {n: to_tensor(n, columns[n]) for n in input_names}
            outputs = await run_in_threadpool(run, inputs)
        except (KeyError, ValueError, TypeError, tf.errors.InvalidArgumentError) as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        if "instances" in body:
            names = list(outputs)
            rows = len(next(iter(outputs.values())))
            if len(names) == 1:
                result = {"predictions": plain(outputs[names[0]])}
            else:
                result = {"predictions": [{n: plain(outputs[n][i:i + 1])[0] if outputs[n].ndim == 1 else outputs[n][i].tolist()
                                           for n in names} for i in range(rows)]}
        else:
            result = {"outputs": plain(next(iter(outputs.values()))) if len(outputs) == 1
                      else {n: plain(v) for n, v in outputs.items()}}
        return Response(json.dumps(result), media_type="application/json")

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model_name", required=True)
    parser.add_argument("--saved_model", required=True, help="a SavedModel directory")
    parser.add_argument("--signature", default="serving_default")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8601)
    args = parser.parse_args()
    app = build_app(args.model_name, args.saved_model, args.signature)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
