package org.mlj.api;

/**
 * Root of the exceptions mlj throws. Unchecked, like the I/O-free failures of a library call; every
 * message names what was wrong and what was expected.
 *
 * <p>The hierarchy is small on purpose: {@link ModelLoadException} (a model could not be loaded),
 * {@link UnsupportedModelException} (the model, or something asked of it, is beyond the backend) and
 * {@link InvalidInputException} (the caller's inputs do not fit the signature).
 */
public class MljException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message. */
    public MljException(String message) {
        super(message);
    }

    /** An exception with a message and a cause. */
    public MljException(String message, Throwable cause) {
        super(message, cause);
    }
}
