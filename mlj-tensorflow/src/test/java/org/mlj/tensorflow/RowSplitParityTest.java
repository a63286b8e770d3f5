package org.mlj.tensorflow;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.testing.RowSplitParity;

/** Row splitting ({@code tensorflow.splitRows}) on the tensorflow backend: split calls match whole calls and Python. */
class RowSplitParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "mnist_cnn", "imdb_lstm"})
    void splitCallsMatchWholeCallsAndPython(String name) {
        RowSplitParity.check("tensorflow", name);
    }
}
