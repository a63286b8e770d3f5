package org.mlj.serving.inference;

import java.util.concurrent.CompletableFuture;

/**
 * Runs decoded requests on models: the layer between the HTTP protocols and {@code Model.predict},
 * where a batcher goes (it would collect calls for the same version and signature, run them as one
 * batch and complete each future with its rows). The predictor releases each call's version when
 * the call completes, whatever the outcome.
 *
 * <p>Implementations are thread-safe. Close stops accepting calls and waits for running ones.
 */
public interface Predictor extends AutoCloseable {

    /**
     * Schedules a call.
     *
     * @return completes with the result, or exceptionally with a
     *         {@link org.mlj.serving.ServingException} (e.g. 503 when the queue is full) or the
     *         model's own exception
     */
    CompletableFuture<InferenceResult> submit(InferenceCall call);

    /** Stops accepting calls and waits (bounded) for the running ones. */
    @Override
    void close();
}
