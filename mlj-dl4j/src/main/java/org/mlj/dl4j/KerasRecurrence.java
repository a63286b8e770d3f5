package org.mlj.dl4j;

import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A Keras 3 SimpleRNN, LSTM or GRU layer (optionally wrapped in Bidirectional) computed time step by
 * time step exactly as Keras's generic RNN loop does, for what DL4J cannot compute the same way:
 * GRU (DL4J has none), {@code go_backwards}, and masks. With a mask, a masked step leaves the states
 * as they were and outputs the previous step's output (zeros with {@code zero_output_for_mask}, which
 * Bidirectional forces for sequences); a backward pass reads the sequence from its end, and its
 * sequence output is in processing order (Bidirectional flips it back). Immutable and thread-safe.
 */
final class KerasRecurrence implements KerasComputation {
    /** Activations mlj computes for recurrent layers, by Keras name. */
    static final Set<String> ACTIVATIONS = Set.of("tanh", "sigmoid", "relu", "linear");

    /** The recurrent cell. */
    enum Cell { SIMPLE_RNN, LSTM, GRU }

    /**
     * The weights of one direction in Keras layout.
     *
     * @param kernel [input features, gates × units]
     * @param recurrent [units, gates × units]
     * @param inputBias [1, gates × units] added to the input part, or null
     * @param recurrentBias [1, gates × units] added to the recurrent part (GRU reset_after), or null
     */
    record Weights(INDArray kernel, INDArray recurrent, INDArray inputBias, INDArray recurrentBias) {

        /** From a layer's Keras weights named {@code prefix + kernel}, {@code recurrent_kernel}, {@code bias}. */
        static Weights of(Map<String, INDArray> weights, String prefix, Cell cell, boolean resetAfter) {
            INDArray kernel = weights.get(prefix + "kernel");
            INDArray recurrent = weights.get(prefix + "recurrent_kernel");
            if (kernel == null || recurrent == null) {
                throw new IllegalArgumentException("missing " + prefix + "kernel or " + prefix + "recurrent_kernel");
            }
            INDArray bias = weights.get(prefix + "bias");
            INDArray inputBias = null;
            INDArray recurrentBias = null;
            if (bias != null) {
                long width = kernel.size(1);
                if (cell == Cell.GRU && resetAfter) {
                    INDArray rows = bias.reshape('c', 2, width);
                    inputBias = rows.getRow(0).reshape(1, width).dup();
                    recurrentBias = rows.getRow(1).reshape(1, width).dup();
                } else {
                    inputBias = bias.reshape('c', 1, width).dup();
                }
            }
            return new Weights(kernel, recurrent, inputBias, recurrentBias);
        }
    }

    private final Cell cell;
    private final int units;
    private final UnaryOperator<INDArray> activation;
    private final UnaryOperator<INDArray> recurrentActivation;
    private final boolean resetAfter;
    private final boolean returnSequences;
    private final boolean goBackwards;
    private final boolean zeroOutputForMask;
    private final Weights forward;
    private final Weights backward;
    private final String mergeMode;

    /**
     * @param backward the backward layer's weights of a Bidirectional, else null
     * @param mergeMode concat, sum, mul or ave for a Bidirectional, else null
     */
    KerasRecurrence(Cell cell, int units, String activation, String recurrentActivation, boolean resetAfter,
                    boolean returnSequences, boolean goBackwards, boolean zeroOutputForMask, Weights forward,
                    Weights backward, String mergeMode) {
        this.cell = cell;
        this.units = units;
        this.activation = function(activation);
        this.recurrentActivation = function(recurrentActivation);
        this.resetAfter = resetAfter;
        this.returnSequences = returnSequences;
        this.goBackwards = goBackwards;
        this.zeroOutputForMask = zeroOutputForMask;
        this.forward = forward;
        this.backward = backward;
        this.mergeMode = mergeMode;
    }

    static UnaryOperator<INDArray> function(String name) {
        return switch (name) {
            case "tanh" -> x -> Transforms.tanh(x, true);
            case "sigmoid" -> x -> Transforms.sigmoid(x, true);
            case "relu" -> x -> Transforms.relu(x, true);
            case "linear" -> x -> x;
            default -> throw new IllegalArgumentException("activation " + name + " is not one of " + ACTIVATIONS);
        };
    }

    @Override
    public INDArray apply(INDArray input, INDArray mask) {
        INDArray x = input.castTo(DataType.FLOAT).dup('c');
        if (backward == null) {
            return run(forward, x, mask, goBackwards, zeroOutputForMask);
        }
        INDArray y = run(forward, x, mask, false, returnSequences);
        INDArray reversed = run(backward, x, mask, true, returnSequences);
        if (returnSequences) {
            reversed = reverseTime(reversed);
        }
        return switch (mergeMode) {
            case "concat" -> Nd4j.concat(y.rank() - 1, y, reversed);
            case "sum" -> y.add(reversed);
            case "mul" -> y.mul(reversed);
            case "ave" -> y.add(reversed).divi(2);
            default -> throw new IllegalStateException("merge mode " + mergeMode);
        };
    }

    private static INDArray reverseTime(INDArray sequence) {
        long time = sequence.size(1);
        INDArray reversed = Nd4j.create(sequence.dataType(), sequence.shape());
        for (long t = 0; t < time; t++) {
            reversed.get(NDArrayIndex.all(), NDArrayIndex.point(time - 1 - t), NDArrayIndex.all())
                    .assign(sequence.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all()));
        }
        return reversed;
    }

    private INDArray run(Weights w, INDArray x, INDArray mask, boolean backwards, boolean zeroOutput) {
        long batch = x.size(0);
        long time = x.size(1);
        long width = w.kernel().size(1);
        INDArray projected = x.reshape('c', batch * time, x.size(2)).mmul(w.kernel());
        if (w.inputBias() != null) {
            projected.addiRowVector(w.inputBias());
        }
        projected = projected.reshape('c', batch, time, width);
        INDArray h = Nd4j.zeros(DataType.FLOAT, batch, units);
        INDArray c = cell == Cell.LSTM ? Nd4j.zeros(DataType.FLOAT, batch, units) : null;
        INDArray output = Nd4j.zeros(DataType.FLOAT, batch, units);
        INDArray outputs = returnSequences ? Nd4j.create(DataType.FLOAT, batch, time, units) : null;
        for (long step = 0; step < time; step++) {
            long t = backwards ? time - 1 - step : step;
            INDArray xt = projected.get(NDArrayIndex.all(), NDArrayIndex.point(t), NDArrayIndex.all()).dup('c');
            INDArray newH;
            INDArray newC = null;
            switch (cell) {
                case SIMPLE_RNN -> newH = activation.apply(xt.addi(h.mmul(w.recurrent())));
                case LSTM -> {
                    INDArray z = xt.addi(h.mmul(w.recurrent()));
                    INDArray i = recurrentActivation.apply(gate(z, 0).dup());
                    INDArray f = recurrentActivation.apply(gate(z, 1).dup());
                    INDArray g = activation.apply(gate(z, 2).dup());
                    INDArray o = recurrentActivation.apply(gate(z, 3).dup());
                    newC = f.muli(c).addi(i.muli(g));
                    newH = o.muli(activation.apply(newC.dup()));
                }
                case GRU -> newH = gruStep(w, xt, h);
                default -> throw new IllegalStateException();
            }
            if (mask != null) {
                INDArray keep = mask.get(NDArrayIndex.all(), NDArrayIndex.point(t)).reshape(batch, 1).castTo(DataType.FLOAT);
                INDArray drop = keep.rsub(1.0);
                output = select(keep, drop, newH, zeroOutput ? null : output);
                h = select(keep, drop, newH, h);
                if (c != null) {
                    c = select(keep, drop, newC, c);
                }
            } else {
                output = newH;
                h = newH;
                c = newC;
            }
            if (outputs != null) {
                outputs.get(NDArrayIndex.all(), NDArrayIndex.point(step), NDArrayIndex.all()).assign(output);
            }
        }
        return outputs != null ? outputs : output;
    }

    /** {@code keep ? chosen : otherwise} row by row, exactly (keep is 0 or 1); zeros when otherwise is null. */
    private static INDArray select(INDArray keep, INDArray drop, INDArray chosen, INDArray otherwise) {
        INDArray result = chosen.mulColumnVector(keep);
        return otherwise == null ? result : result.addi(otherwise.mulColumnVector(drop));
    }

    private INDArray gate(INDArray z, int index) {
        return z.get(NDArrayIndex.all(), interval(index));
    }

    private INDArrayIndex interval(int index) {
        return NDArrayIndex.interval((long) index * units, (long) (index + 1) * units);
    }

    /** Keras 3's GRUCell: gates z, r, h; reset applied after (reset_after) or before the recurrent product. */
    private INDArray gruStep(Weights w, INDArray xt, INDArray h) {
        INDArray xz = gate(xt, 0);
        INDArray xr = gate(xt, 1);
        INDArray xh = gate(xt, 2);
        INDArray z;
        INDArray r;
        INDArray recurrentH;
        if (resetAfter) {
            INDArray inner = h.mmul(w.recurrent());
            if (w.recurrentBias() != null) {
                inner.addiRowVector(w.recurrentBias());
            }
            z = recurrentActivation.apply(xz.add(gate(inner, 0)));
            r = recurrentActivation.apply(xr.add(gate(inner, 1)));
            recurrentH = r.mul(gate(inner, 2));
        } else {
            INDArray inner = h.mmul(w.recurrent().get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2L * units)).dup('c'));
            z = recurrentActivation.apply(xz.add(gate(inner, 0)));
            r = recurrentActivation.apply(xr.add(gate(inner, 1)));
            recurrentH = r.mul(h).mmul(w.recurrent().get(NDArrayIndex.all(), interval(2)).dup('c'));
        }
        INDArray candidate = activation.apply(xh.add(recurrentH));
        return z.mul(h).addi(z.rsub(1.0).muli(candidate));
    }
}
