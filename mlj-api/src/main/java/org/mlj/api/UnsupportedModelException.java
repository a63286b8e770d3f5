package org.mlj.api;

import java.util.List;

/**
 * The model, or what was asked of it, is beyond what the backend can do: a layer class the backend
 * cannot import, an op the runtime does not know, or layer outputs from a model that does not
 * expose them. {@link #unsupported()} lists the offending items (e.g. {@code "gru (GRU)"}) when known.
 */
public class UnsupportedModelException extends MljException {
    private static final long serialVersionUID = 1L;

    private final List<String> unsupported;

    /** An exception with a message. */
    public UnsupportedModelException(String message) {
        this(message, List.of(), null);
    }

    /** An exception with a message and a cause. */
    public UnsupportedModelException(String message, Throwable cause) {
        this(message, List.of(), cause);
    }

    /** An exception naming each unsupported item (layer, op). */
    public UnsupportedModelException(String message, List<String> unsupported, Throwable cause) {
        super(message, cause);
        this.unsupported = List.copyOf(unsupported);
    }

    /** The unsupported layers or ops, e.g. {@code ["gru (GRU)"]}; empty when not itemised. */
    public List<String> unsupported() {
        return unsupported;
    }
}
