package org.mlj.api;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors one {@link Model#predict} or {@link Model#layerOutputs} call returned, by name, in the
 * model's order.
 *
 * <p>An immutable value, like {@link Tensor}: backends copy results to heap tensors and release their
 * native memory before {@code predict} returns, so there is nothing to close and every tensor stays
 * valid for as long as the caller keeps it. Thread-safe.
 */
public final class Outputs implements Iterable<Map.Entry<String, Tensor>> {
    private final Map<String, Tensor> tensors;

    /** Outputs in the given order (the map's iteration order is kept). */
    public Outputs(Map<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * The tensor with this name.
     *
     * @throws IllegalArgumentException naming the available outputs when there is none by that name
     */
    public Tensor get(String name) {
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("No output named '" + name + "'; outputs are " + tensors.keySet());
        }
        return tensor;
    }

    /** The tensor at this position (0 = the model's first output). */
    public Tensor get(int index) {
        if (index < 0 || index >= tensors.size()) {
            throw new IndexOutOfBoundsException("Output " + index + " of " + tensors.size() + " " + tensors.keySet());
        }
        return tensors.values().stream().skip(index).findFirst().orElseThrow();
    }

    /** The first output: the only one for a single-output model. */
    public Tensor first() {
        return get(0);
    }

    /** Output names in order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** Number of outputs. */
    public int size() {
        return tensors.size();
    }

    /** An unmodifiable map view, in order. */
    public Map<String, Tensor> asMap() {
        return tensors;
    }

    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        return tensors.entrySet().iterator();
    }

    @Override
    public String toString() {
        return "Outputs" + tensors;
    }
}
