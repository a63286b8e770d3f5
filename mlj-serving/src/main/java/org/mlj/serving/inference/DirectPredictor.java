package org.mlj.serving.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mlj.api.Model;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;

/**
 * A {@link Predictor} that runs every call on its own, on a fixed pool of inference threads with a
 * bounded queue (a full queue answers 503). No batching: the batcher, when it comes, replaces this
 * class behind the same interface. Thread-safe.
 */
public final class DirectPredictor implements Predictor {
    private final ThreadPoolExecutor executor;
    private final int queueCapacity;

    /**
     * @param threads inference threads (models are thread-safe; more threads run more requests at once)
     * @param queueCapacity calls waiting for a thread before new ones are refused with 503
     */
    public DirectPredictor(int threads, int queueCapacity) {
        this.queueCapacity = queueCapacity;
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueCapacity), runnable -> {
            Thread thread = new Thread(runnable, "mlj-inference-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public CompletableFuture<InferenceResult> submit(InferenceCall call) {
        CompletableFuture<InferenceResult> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(run(call));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                } finally {
                    call.version().release();
                }
            });
        } catch (RejectedExecutionException e) {
            call.version().release();
            result.completeExceptionally(new ServingException(ErrorCode.UNAVAILABLE,
                    "Server overloaded: " + queueCapacity + " requests are already waiting for an inference thread"));
        }
        return result;
    }

    private static InferenceResult run(InferenceCall call) {
        Model model = call.version().model();
        Outputs outputs = model.predict(call.signatureName(), call.inputs());
        Map<String, Tensor> out = new LinkedHashMap<>(outputs.asMap());
        Map<String, Tensor> layers = new LinkedHashMap<>();
        if (!call.layers().isEmpty()) {
            layers.putAll(model.layerOutputs(call.inputs(), call.layers()).asMap());
        }
        return new InferenceResult(out, layers);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
