package org.mlj.serving.http;

/**
 * Told about every request the front handles (metrics, access log). Implementations are
 * thread-safe and quick: they run on the request threads.
 */
public interface RequestObserver {
    /** A request started (in-flight + 1). */
    void started();

    /** A request ended with {@code status} after {@code nanos}. */
    void finished(ApiRequest request, int status, long nanos);
}
