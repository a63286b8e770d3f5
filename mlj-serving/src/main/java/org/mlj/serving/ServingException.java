package org.mlj.serving;

import java.util.Objects;

/**
 * A request that cannot be served, with the {@link ErrorCode} that decides its HTTP status and a
 * message for the client (sent as {@code {"error": "..."}}). Immutable.
 */
public class ServingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** A failure with this code and client-facing message. */
    public ServingException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** A failure with a cause (logged, not sent). */
    public ServingException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The status code. */
    public ErrorCode code() {
        return code;
    }

    /** A 400 {@link ErrorCode#INVALID_ARGUMENT}. */
    public static ServingException invalid(String message) {
        return new ServingException(ErrorCode.INVALID_ARGUMENT, message);
    }

    /** A 404 {@link ErrorCode#NOT_FOUND}. */
    public static ServingException notFound(String message) {
        return new ServingException(ErrorCode.NOT_FOUND, message);
    }
}
