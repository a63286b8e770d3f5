package org.mlj.api;

/**
 * A model could not be loaded: a missing or unreadable path, a corrupt file, no backend for the
 * format, an unknown signature or tag at load time.
 */
public class ModelLoadException extends MljException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public ModelLoadException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
