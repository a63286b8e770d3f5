package org.mlj.tensorflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;
import org.tensorflow.Output;

/**
 * An mlj {@link Signature} bound to the graph tensors that feed and fetch it, resolved once at load
 * so that a call looks nothing up by name in the graph. Immutable and thread-safe; it owns nothing
 * native (the graph belongs to the model's {@code SavedModelBundle}).
 */
final class BoundSignature {
    private final Signature signature;
    private final Output<?>[] feeds;
    private final Map<String, Output<?>> outputs;
    private final Fetches allOutputs;

    /**
     * @param signature the signature callers see
     * @param feeds the graph tensor of each input, in the order of {@link Signature#inputs()}
     * @param outputs the graph tensor of each output, by output name
     */
    BoundSignature(Signature signature, List<Output<?>> feeds, Map<String, Output<?>> outputs) {
        this.signature = signature;
        this.feeds = feeds.toArray(Output<?>[]::new);
        this.outputs = Map.copyOf(outputs);
        this.allOutputs = fetches(signature.outputNames());
    }

    Signature signature() {
        return signature;
    }

    String name() {
        return signature.name();
    }

    /** The input specs, parallel to {@link #feed(int)}. */
    List<TensorSpec> inputs() {
        return signature.inputs();
    }

    /** The graph tensor fed by input {@code i}. */
    Output<?> feed(int i) {
        return feeds[i];
    }

    /** Every output, in the signature's order. */
    Fetches allOutputs() {
        return allOutputs;
    }

    /** These outputs, in this order. */
    Fetches fetches(List<String> names) {
        List<Output<?>> distinct = new ArrayList<>(names.size());
        int[] positions = new int[names.size()];
        for (int i = 0; i < positions.length; i++) {
            Output<?> output = outputs.get(names.get(i));
            int position = distinct.indexOf(output);
            if (position < 0) {
                position = distinct.size();
                distinct.add(output);
            }
            positions[i] = position;
        }
        return new Fetches(List.copyOf(names), distinct.toArray(Output<?>[]::new), positions);
    }

    /**
     * What one run fetches: each distinct graph tensor once (TensorFlow Java refuses to fetch a
     * tensor twice in one run, and two signature keys may name the same tensor), and for each
     * requested name the position of its tensor among those fetched.
     *
     * @param names the requested output names, in order
     * @param tensors the distinct graph tensors to fetch
     * @param positions for each name, the index of its tensor in {@code tensors}
     */
    record Fetches(List<String> names, Output<?>[] tensors, int[] positions) {
    }
}
