package org.mlj.api;

/**
 * The inputs given to {@link Model#predict} do not fit the signature: an unknown or missing name, a
 * wrong dtype or shape, an unknown layer name. Thrown before any native code sees the input.
 */
public class InvalidInputException extends MljException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public InvalidInputException(String message) {
        super(message);
    }

    /** An exception with a message and the backend error behind it (e.g. TensorFlow rejecting an id out of range). */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
