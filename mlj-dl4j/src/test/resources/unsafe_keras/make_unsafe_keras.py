"""Writes two small Keras 3 models that carry code, for mlj's refusal tests (the dl4j backend never runs code
from a model file):

  lambda.keras   Input(4) -> Lambda(lambda x: x * 2, name="doubler") -> Dense(2)  (the lambda is stored as bytecode)
  custom.keras   Input(4) -> Scale (a custom Layer class, registered as "mlj_test>Scale") -> Dense(2)

Run with the mlj venv (Keras 3.15.1):  ~/.cache/mlj/venv/bin/python make_unsafe_keras.py
"""
import os

import keras

HERE = os.path.dirname(os.path.abspath(__file__))


@keras.saving.register_keras_serializable(package="mlj_test")
class Scale(keras.layers.Layer):
    def call(self, x):
        return x * 3.0


def build(middle, name):
    inputs = keras.Input((4,), name="x")
    outputs = keras.layers.Dense(2, name="dense")(middle(inputs))
    model = keras.Model(inputs, outputs, name=name)
    path = os.path.join(HERE, name + ".keras")
    model.save(path)
    print("wrote", path)


if __name__ == "__main__":
    keras.utils.set_random_seed(1)
    build(keras.layers.Lambda(lambda x: x * 2.0, name="doubler"), "lambda")
    build(Scale(name="scale"), "custom")
