package org.mlj.serving.inference;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mlj.api.InvalidInputException;
import org.mlj.api.UnsupportedModelException;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;

/**
 * Runs an {@link InferenceCall} through the {@link Predictor} and waits for it within the
 * per-request timeout ({@code --rest_api_timeout_in_ms}); turns what the model throws into the
 * status codes TF Serving answers. Thread-safe.
 */
public final class Inference {
    private final Predictor predictor;
    private final long timeoutMillis;

    /**
     * @param predictor runs the calls
     * @param timeoutMillis how long a request may wait for its result; 0 or less: no limit
     */
    public Inference(Predictor predictor, long timeoutMillis) {
        this.predictor = predictor;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Runs the call and waits for its result.
     *
     * @throws ServingException 504 on timeout, 400 for inputs the model refuses, 503 when overloaded or
     *                          the version was closed, 500 for anything else
     */
    public InferenceResult run(InferenceCall call) {
        CompletableFuture<InferenceResult> future = predictor.submit(call);
        try {
            return timeoutMillis > 0 ? future.get(timeoutMillis, TimeUnit.MILLISECONDS) : future.get();
        } catch (TimeoutException e) {
            throw new ServingException(ErrorCode.DEADLINE_EXCEEDED, "Request timed out after " + timeoutMillis
                    + " ms (--rest_api_timeout_in_ms) on model " + call.version().modelName() + " version " + call.version().number());
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (CancellationException e) {
            throw new ServingException(ErrorCode.CANCELLED, "Request cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServingException(ErrorCode.UNAVAILABLE, "Server is shutting down");
        }
    }

    /** The status for an exception thrown while running a model. */
    public static ServingException translate(Throwable failure) {
        if (failure instanceof ServingException serving) {
            return serving;
        }
        if (failure instanceof InvalidInputException || failure instanceof IllegalArgumentException) {
            return new ServingException(ErrorCode.INVALID_ARGUMENT, failure.getMessage(), failure);
        }
        if (failure instanceof UnsupportedModelException) {
            return new ServingException(ErrorCode.FAILED_PRECONDITION, failure.getMessage(), failure);
        }
        if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("closed")) {
            return new ServingException(ErrorCode.UNAVAILABLE, failure.getMessage(), failure);
        }
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        return new ServingException(ErrorCode.INTERNAL, message, failure);
    }
}
