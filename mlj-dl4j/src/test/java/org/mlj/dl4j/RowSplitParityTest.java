package org.mlj.dl4j;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.testing.RowSplitParity;

/** Row splitting ({@code dl4j.splitRows}) on the dl4j backend: split calls match whole calls and Python. */
class RowSplitParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"mnist_ffnn", "mnist_cnn", "imdb_lstm"})
    void splitCallsMatchWholeCallsAndPython(String name) {
        RowSplitParity.check("dl4j", name);
    }
}
