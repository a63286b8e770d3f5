package org.mlj.serving;

/**
 * Why a request failed, as TensorFlow Serving's canonical status codes, each with the HTTP status
 * TF Serving's REST layer answers for it ({@code http_server.cc}, {@code ToHTTPStatusCode}), plus
 * {@link #PAYLOAD_TOO_LARGE} for the request body limit. Immutable.
 */
public enum ErrorCode {
    /** Success. */
    OK(200),
    /** The client went away. */
    CANCELLED(499),
    /** An error without a better code. */
    UNKNOWN(500),
    /** Bad request: JSON, shape, dtype, names. */
    INVALID_ARGUMENT(400),
    /** The per-request timeout passed. */
    DEADLINE_EXCEEDED(504),
    /** Unknown model, version or route. */
    NOT_FOUND(404),
    /** The request does not fit the model (e.g. classify on a model without a classify signature). */
    FAILED_PRECONDITION(400),
    /** Too many requests queued. */
    RESOURCE_EXHAUSTED(429),
    /** Not implemented. */
    UNIMPLEMENTED(501),
    /** A bug or a failure inside the model. */
    INTERNAL(500),
    /** The server is overloaded, starting or draining. */
    UNAVAILABLE(503),
    /** The request body is larger than the configured limit (mlj; TF Serving has no such limit). */
    PAYLOAD_TOO_LARGE(413),
    /** The HTTP method is not served on this path (mlj). */
    METHOD_NOT_ALLOWED(405);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status answered for this code. */
    public int httpStatus() {
        return httpStatus;
    }
}
