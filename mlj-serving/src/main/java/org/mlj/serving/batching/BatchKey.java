package org.mlj.serving.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mlj.api.DType;
import org.mlj.api.Tensor;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.repository.ModelVersion;

/**
 * What calls must share to run in one batch: the same version object (identity: a reloaded version
 * is another batch), signature, requested layers, and for every input the same name, dtype and
 * dimensions after the first. Immutable.
 *
 * @param version the version, compared by identity
 * @param signature the signature name
 * @param layers the layers asked for, in order
 * @param inputs per input (sorted by name): name, dtype and the dimensions after dimension 0
 */
record BatchKey(ModelVersion version, String signature, List<String> layers, List<InputKind> inputs) {

    /** One input's name, dtype and per-example dimensions. */
    record InputKind(String name, DType dtype, List<Long> exampleDims) {
    }

    /** The key of a call whose inputs all have rank ≥ 1 and one shared dimension 0 ({@link #rows}). */
    static BatchKey of(InferenceCall call) {
        List<InputKind> kinds = new ArrayList<>();
        for (Map.Entry<String, Tensor> input : new TreeMap<>(call.inputs()).entrySet()) {
            long[] dims = input.getValue().shape().dims();
            List<Long> tail = new ArrayList<>(dims.length);
            for (int i = 1; i < dims.length; i++) {
                tail.add(dims[i]);
            }
            kinds.add(new InputKind(input.getKey(), input.getValue().dtype(), List.copyOf(tail)));
        }
        return new BatchKey(call.version(), call.signatureName(), call.layers(), List.copyOf(kinds));
    }

    /**
     * The call's batch size: the shared dimension 0 of its inputs, or -1 when the call cannot be
     * batched (no inputs, a scalar input, or inputs that disagree on dimension 0).
     */
    static long rows(InferenceCall call) {
        long rows = -1;
        for (Tensor input : call.inputs().values()) {
            if (input.shape().rank() == 0) {
                return -1;
            }
            long first = input.shape().dim(0);
            if (rows >= 0 && first != rows) {
                return -1;
            }
            rows = first;
        }
        return rows;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BatchKey that && version == that.version && signature.equals(that.signature)
                && layers.equals(that.layers) && inputs.equals(that.inputs);
    }

    @Override
    public int hashCode() {
        return ((System.identityHashCode(version) * 31 + signature.hashCode()) * 31 + layers.hashCode()) * 31 + inputs.hashCode();
    }

    @Override
    public String toString() {
        return version + " " + signature + (layers.isEmpty() ? "" : " layers " + layers);
    }
}
