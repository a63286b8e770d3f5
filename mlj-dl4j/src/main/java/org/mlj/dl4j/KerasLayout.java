package org.mlj.dl4j;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.mlj.api.Shape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How an activation DL4J computes maps onto the layout Keras gives the same tensor: as it is, or with
 * its dimensions permuted. DL4J keeps some activations channels-first ({@code [batch, features, time]}
 * sequences, {@code NCHW} images) where Keras has them channels-last ({@code [batch, time, features]},
 * {@code NHWC}). Immutable and thread-safe.
 */
enum KerasLayout {
    /** DL4J and Keras agree. */
    SAME(),
    /** DL4J {@code [batch, features, time]} to Keras {@code [batch, time, features]}. */
    NCW_TO_NWC(0, 2, 1),
    /** DL4J {@code NCHW} to Keras {@code NHWC}. */
    NCHW_TO_NHWC(0, 2, 3, 1);

    private final int[] permutation;

    KerasLayout(int... permutation) {
        this.permutation = permutation;
    }

    /**
     * The conversion for a vertex whose DL4J output type is {@code type}, for a Keras layer that works
     * channels-last unless {@code channelsFirst}.
     */
    static KerasLayout of(InputType type, boolean channelsFirst) {
        if (type instanceof InputType.InputTypeRecurrent recurrent && recurrent.getFormat() == RNNFormat.NCW) {
            return NCW_TO_NWC;
        }
        if (type instanceof InputType.InputTypeConvolutional image && image.getFormat() == CNN2DFormat.NCHW && !channelsFirst) {
            return NCHW_TO_NHWC;
        }
        return SAME;
    }

    /**
     * A DL4J activation as a (possibly permuted) view in Keras layout. An activation of another rank than
     * the layout's is left as it is (DL4J reports some global poolings as sequences that they are not).
     */
    INDArray toKeras(INDArray activation) {
        return permutation.length == 0 || activation.rank() != permutation.length ? activation : activation.permute(permutation);
    }

    /** A Keras-layout activation as a view in this layout's DL4J layout (the inverse of {@link #toKeras}). */
    INDArray fromKeras(INDArray activation) {
        if (permutation.length == 0 || activation.rank() != permutation.length) {
            return activation;
        }
        int[] inverse = new int[permutation.length];
        for (int i = 0; i < permutation.length; i++) {
            inverse[permutation[i]] = i;
        }
        return activation.permute(inverse);
    }

    /** The Keras shape of a DL4J type, the batch and other unknown dimensions as {@link Shape#UNKNOWN}. */
    Shape kerasShape(InputType type) {
        long[] dl4j = type.getShape(true);
        long[] keras = new long[dl4j.length];
        for (int i = 0; i < keras.length; i++) {
            long dim = dl4j[permutation.length == 0 ? i : permutation[i]];
            keras[i] = i == 0 || dim <= 0 ? Shape.UNKNOWN : dim;
        }
        return Shape.of(keras);
    }
}
