package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's mask semantics, which the zoo's padded references exercise only at the ends of sequences:
 * a masked step anywhere leaves the states untouched and repeats the previous output, so a masked
 * sequence gives what the sequence of its unmasked steps alone gives.
 */
class KerasRecurrenceTest {
    private static final int UNITS = 3;
    private static final int FEATURES = 4;

    @ParameterizedTest
    @EnumSource(KerasRecurrence.Cell.class)
    void maskedStepsAnywhereAreSkipped(KerasRecurrence.Cell cell) {
        Nd4j.getRandom().setSeed(13);
        KerasRecurrence.Weights weights = weights(cell);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 6, FEATURES).subi(0.5);
        INDArray mask = Nd4j.createFromArray(new float[][] {{1, 0, 1, 1, 0, 1}});
        INDArray valid = Nd4j.concat(1, step(x, 0), step(x, 2), step(x, 3), step(x, 5));

        INDArray masked = layer(cell, weights, false).apply(x, mask);
        INDArray compacted = layer(cell, weights, false).apply(valid, null);
        assertThat(masked.sub(compacted).amaxNumber().doubleValue()).isLessThan(1e-6);

        INDArray sequence = layer(cell, weights, true).apply(x, mask);
        INDArray validSequence = layer(cell, weights, true).apply(valid, null);
        assertThat(step(sequence, 1).equals(step(sequence, 0))).as("a masked step repeats the previous output").isTrue();
        assertThat(step(sequence, 5).sub(step(validSequence, 3)).amaxNumber().doubleValue()).isLessThan(1e-6);
    }

    @ParameterizedTest
    @EnumSource(KerasRecurrence.Cell.class)
    void anAllMaskedSequenceGivesZeros(KerasRecurrence.Cell cell) {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 5, FEATURES);
        INDArray output = layer(cell, weights(cell), false).apply(x, Nd4j.zeros(DataType.FLOAT, 2, 5));
        assertThat(output.shape()).containsExactly(2, UNITS);
        assertThat(output.amaxNumber().doubleValue()).isZero();
    }

    private static KerasRecurrence layer(KerasRecurrence.Cell cell, KerasRecurrence.Weights weights, boolean sequences) {
        return new KerasRecurrence(cell, UNITS, "tanh", "sigmoid", true, sequences, false, false, weights, null, null);
    }

    private static KerasRecurrence.Weights weights(KerasRecurrence.Cell cell) {
        int gates = switch (cell) {
            case SIMPLE_RNN -> 1;
            case LSTM -> 4;
            case GRU -> 3;
        };
        INDArray bias = Nd4j.rand(DataType.FLOAT, cell == KerasRecurrence.Cell.GRU ? 2 : 1, gates * UNITS).subi(0.5);
        return KerasRecurrence.Weights.of(Map.of(
                "kernel", Nd4j.rand(DataType.FLOAT, FEATURES, gates * UNITS).subi(0.5),
                "recurrent_kernel", Nd4j.rand(DataType.FLOAT, UNITS, gates * UNITS).subi(0.5),
                "bias", cell == KerasRecurrence.Cell.GRU ? bias : bias.reshape(gates * UNITS)), "", cell, true);
    }

    private static INDArray step(INDArray sequence, int t) {
        return sequence.get(NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1), NDArrayIndex.all());
    }
}
