package org.mlj.serving.http;

/**
 * A response: HTTP status, content type and body. Immutable (the body array is not copied).
 *
 * @param status the HTTP status
 * @param contentType e.g. {@code application/json}
 * @param body the bytes sent
 */
public record ApiResponse(int status, String contentType, byte[] body) {
    /** JSON content type. */
    public static final String JSON = "application/json";

    /** A 200 JSON response. */
    public static ApiResponse json(byte[] body) {
        return new ApiResponse(200, JSON, body);
    }

    /** A JSON response with this status. */
    public static ApiResponse json(int status, byte[] body) {
        return new ApiResponse(status, JSON, body);
    }
}
