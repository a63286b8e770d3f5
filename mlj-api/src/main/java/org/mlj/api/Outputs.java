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
 * <p>The backends of this release copy results to heap {@link Tensor}s and release native memory
 * before returning, so closing is not required for correctness; {@code close()} drops the references
 * and makes further access fail, and try-with-resources keeps code correct for backends that may
 * hand out native memory later. Not thread-safe to close while another thread reads.
 */
public final class Outputs implements AutoCloseable, Iterable<Map.Entry<String, Tensor>> {
    private final Map<String, Tensor> tensors;
    private boolean closed;

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
        checkOpen();
        Tensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("No output named '" + name + "'; outputs are " + tensors.keySet());
        }
        return tensor;
    }

    /** The tensor at this position (0 = the model's first output). */
    public Tensor get(int index) {
        checkOpen();
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
        checkOpen();
        return List.copyOf(tensors.keySet());
    }

    /** Number of outputs. */
    public int size() {
        return tensors.size();
    }

    /** An unmodifiable map view, in order. */
    public Map<String, Tensor> asMap() {
        checkOpen();
        return tensors;
    }

    @Override
    public Iterator<Map.Entry<String, Tensor>> iterator() {
        checkOpen();
        return tensors.entrySet().iterator();
    }

    /** Releases the tensors; later access throws {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Outputs were closed");
        }
    }

    @Override
    public String toString() {
        return closed ? "Outputs(closed)" : "Outputs" + tensors;
    }
}
