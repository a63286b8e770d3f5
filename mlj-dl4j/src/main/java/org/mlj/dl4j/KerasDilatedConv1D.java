package org.mlj.dl4j;

import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Keras Conv1D with {@code dilation_rate > 1}, as libnd4j's {@code conv1d} op on {@code [batch, time,
 * channels]} with oneDNN turned off for the call: the oneDNN build of libnd4j M2.1 fails on every dilated
 * convolution ("could not create a descriptor for a dilated convolution forward propagation primitive"),
 * and DL4J's Convolution1D layer, unlike its 2D one, has no fallback. Immutable and thread-safe.
 *
 * @param kernel the Keras kernel {@code [kernel size, in, out]}
 * @param bias {@code [out]} or null
 * @param padding 0 valid, 1 same, 2 causal (libnd4j's codes)
 */
record KerasDilatedConv1D(INDArray kernel, INDArray bias, int stride, int dilation, int padding,
                          UnaryOperator<INDArray> activation) implements KerasComputation {

    /** libnd4j's padding code of a Keras padding. */
    static int paddingCode(String padding) {
        return switch (padding) {
            case "valid" -> 0;
            case "same" -> 1;
            case "causal" -> 2;
            default -> throw new IllegalArgumentException("padding " + padding);
        };
    }

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        INDArray x = input.castTo(DataType.FLOAT).dup('c');
        long batch = x.size(0);
        long size = kernel.size(0);
        long effective = (size - 1) * dilation + 1;
        if (padding == 2) {
            // causal: (size - 1) * dilation zeros before the first step, then a valid convolution
            x = Nd4j.concat(1, Nd4j.zeros(DataType.FLOAT, batch, effective - 1, x.size(2)), x);
        }
        long length = x.size(1);
        long out = padding == 1 ? (length + stride - 1) / stride : (length - effective) / stride + 1;
        INDArray output = Nd4j.create(DataType.FLOAT, batch, 1, out, kernel.size(2));
        INDArray image = x.reshape('c', batch, 1, length, x.size(2));
        INDArray weights = kernel.dup('c').reshape('c', 1, size, kernel.size(1), kernel.size(2));
        // conv1d calls conv2d as a separate op, which would take oneDNN again: call conv2d directly
        DynamicCustomOp op = DynamicCustomOp.builder("conv2d").build();
        try (OpContext context = Nd4j.getExecutioner().buildContext()) {
            context.allowHelpers(false);
            context.setInputArrays(bias == null ? new INDArray[] {image, weights} : new INDArray[] {image, weights, bias});
            context.setOutputArrays(output);
            // kH, kW, sH, sW, pH, pW, dH, dW, same padding, data format (1: NHWC), weight format (0: [kH, kW, iC, oC])
            context.setIArguments(1, size, 1, stride, 0, 0, 1, dilation, padding == 1 ? 1 : 0, 1, 0);
            Nd4j.getExecutioner().exec(op, context);
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
        return activation.apply(output.reshape('c', batch, out, kernel.size(2)));
    }
}
