"""Writes the golden TF Serving metadata JSON the Java tests compare mlj serve against.

TF Serving's REST metadata handler prints the SavedModel's SignatureDefMap with protobuf's JSON
printer (always_print_fields_with_no_presence, preserve_proto_field_names; see
model_servers/http_rest_api_util.cc, ToJsonString). This script does the same with protobuf's
Python json_format on the committed SavedModels, so the goldens come from protobuf itself, not from
mlj. Run from the repository root with the project venv:

    ~/.cache/mlj/venv/bin/python mlj-serving/src/test/resources/golden/make_golden.py
"""
import json
from pathlib import Path

from google.protobuf import json_format
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2

GOLDEN = Path(__file__).parent
MODELS = {  # golden file -> (model name in the test, SavedModel directory)
    "metadata_tf1.json": ("tf1", "models/tf1_classify_regress/saved_model/1"),
    "metadata_cnn.json": ("cnn", "models/mnist_cnn/saved_model"),
}


def metadata(name, directory):
    saved_model = saved_model_pb2.SavedModel()
    saved_model.ParseFromString((Path(directory) / "saved_model.pb").read_bytes())
    meta_graph = next(m for m in saved_model.meta_graphs if "serve" in m.meta_info_def.tags)
    holder = meta_graph_pb2.MetaGraphDef()  # its signature_def map has SignatureDefMap's field name
    for key, signature in meta_graph.signature_def.items():
        holder.signature_def[key].CopyFrom(signature)
    printed = json_format.MessageToDict(holder, always_print_fields_with_no_presence=True,
                                        preserving_proto_field_name=True)
    return {"model_spec": {"name": name, "signature_name": "", "version": "1"},
            "metadata": {"signature_def": {"signature_def": printed["signature_def"]}}}


if __name__ == "__main__":
    for file, (name, directory) in MODELS.items():
        (GOLDEN / file).write_text(json.dumps(metadata(name, directory), indent=1, sort_keys=True) + "\n")
        print("wrote", GOLDEN / file)
