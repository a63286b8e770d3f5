package org.mlj.serving.http;

import java.util.Optional;

/**
 * One protocol served over HTTP (TF Serving REST, Open Inference Protocol v2, metrics). The front
 * asks each API in turn; the first that recognises the path answers. Implementations are
 * thread-safe: many requests arrive at once.
 */
public interface HttpApi {
    /**
     * Handles the request if its path belongs to this API.
     *
     * @return the response, or empty when the path is not this API's
     * @throws org.mlj.serving.ServingException for a request this API refuses (sent as {@code {"error": ...}})
     */
    Optional<ApiResponse> handle(ApiRequest request);
}
