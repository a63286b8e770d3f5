"""Writes three small SavedModels whose serving_default touches the file system, for mlj's op allowlist tests.

  read_file/    serving_default(x: float32 [?]) -> {y: x * 2, content: tf.io.read_file('/etc/hostname')}
  write_file/   serving_default(x: float32 [?]) -> {y: x * 2}; writes /tmp/mlj-savedmodel-write-probe.txt
  list_files/   serving_default(x: float32 [?]) -> {y: x * 2, files: tf.io.matching_files('/etc/*')}

Each one computes something harmless as well, so that it loads and runs like any model once its ops are
allowed. Run with the mlj venv (TensorFlow 2.21):
  ~/.cache/mlj/venv/bin/python make_unsafe_models.py
"""
import os
import shutil

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
WRITE_PROBE = "/tmp/mlj-savedmodel-write-probe.txt"
SPEC = tf.TensorSpec([None], tf.float32, name="x")


class ReadFile(tf.Module):
    @tf.function(input_signature=[SPEC])
    def serve(self, x):
        return {"y": x * 2.0, "content": tf.io.read_file("/etc/hostname")}


class WriteFile(tf.Module):
    @tf.function(input_signature=[SPEC])
    def serve(self, x):
        tf.io.write_file(WRITE_PROBE, tf.strings.as_string(tf.reduce_sum(x)))
        return {"y": x * 2.0}


class ListFiles(tf.Module):
    @tf.function(input_signature=[SPEC])
    def serve(self, x):
        return {"y": x * 2.0, "files": tf.io.matching_files("/etc/*")}


def save(module, name):
    target = os.path.join(HERE, name)
    shutil.rmtree(target, ignore_errors=True)
    tf.saved_model.save(module, target, signatures={"serving_default": module.serve})
    print("wrote", target)


if __name__ == "__main__":
    save(ReadFile(), "read_file")
    save(WriteFile(), "write_file")
    save(ListFiles(), "list_files")
    if os.path.exists(WRITE_PROBE):
        os.remove(WRITE_PROBE)
