package org.mlj.serving.batching;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.mlj.serving.ErrorCode;
import org.mlj.serving.ServingException;
import org.mlj.serving.config.BatchingParameters;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.inference.InferenceResult;
import org.mlj.serving.inference.Predictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Predictor} that batches dynamically, with TensorFlow Serving's semantics
 * ({@code BasicBatchScheduler} under a batching session):
 * <ul>
 *   <li>calls with the same {@link BatchKey} (version, signature, layers, per-example input shapes)
 *       join the open batch of their queue while it has room for all their examples
 *       ({@code max_batch_size}); a call larger than {@code max_batch_size} is refused (400);</li>
 *   <li>a batch runs when it is full, or when {@code batch_timeout_micros} have passed since its
 *       first call arrived and one of the {@code num_batch_threads} batch threads is free (a batch
 *       keeps filling while it waits for a thread; timeout 0 runs whatever is queued as soon as a
 *       thread is free);</li>
 *   <li>a queue holds at most {@code max_enqueued_batches} batches (the open one included): a call
 *       that needs another batch beyond that is answered 503 at once;</li>
 *   <li>with {@code allowed_batch_sizes}, a batch is padded to the smallest allowed size that holds
 *       it, with copies of its first example, and the padding rows are dropped from the outputs.</li>
 * </ul>
 * When a merged batch fails (one call's bad input, or an output that is not batched along dimension
 * 0), its calls are run again one by one, so each gets its own answer.
 *
 * <p><b>Thread-safety and closing:</b> thread-safe. {@link #close()} stops accepting calls, runs the
 * batches already queued, and waits (bounded) for the batch threads. The predictor releases each
 * call's version when the call completes.
 */
public final class BatchingPredictor implements Predictor {
    private static final Logger LOG = LoggerFactory.getLogger(BatchingPredictor.class);
    private static final long CLOSE_WAIT_SECONDS = 30;

    private final long maxBatchSize;
    private final long timeoutNanos;
    private final long maxEnqueuedBatches;
    private final List<Long> allowedBatchSizes;
    private final BatchMetrics metrics;
    private final BatchRunner runner = new BatchRunner();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<BatchKey, ArrayDeque<Batch>> queues = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private boolean closed;

    /** One call waiting in a batch. */
    private record Task(InferenceCall call, long rows, CompletableFuture<InferenceResult> future) {
    }

    /** Calls that will run together; open until full or taken by a batch thread. Guarded by {@code lock}. */
    private static final class Batch {
        final List<Task> tasks = new ArrayList<>();
        final long deadlineNanos;
        long rows;
        boolean full;

        Batch(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }
    }

    /**
     * Starts the batch threads.
     *
     * @param parameters TF Serving's batching parameters ({@code pad_variable_length_inputs} must be false)
     * @param metrics where batch sizes are counted
     * @throws IllegalArgumentException if {@code pad_variable_length_inputs} is asked for
     */
    public BatchingPredictor(BatchingParameters parameters, BatchMetrics metrics) {
        if (parameters.padVariableLengthInputs()) {
            throw new IllegalArgumentException("pad_variable_length_inputs is not supported by mlj's batcher: calls are batched "
                    + "only with calls whose inputs have the same per-example shape; remove the field or set it to false");
        }
        this.maxBatchSize = parameters.maxBatchSize();
        this.timeoutNanos = TimeUnit.MICROSECONDS.toNanos(parameters.batchTimeoutMicros());
        this.maxEnqueuedBatches = parameters.maxEnqueuedBatches();
        this.allowedBatchSizes = parameters.allowedBatchSizes();
        this.metrics = metrics;
        int count = Math.toIntExact(Math.min(parameters.numBatchThreads(), 1024));
        for (int i = 1; i <= count; i++) {
            Thread thread = new Thread(this::work, "mlj-batch-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    @Override
    public CompletableFuture<InferenceResult> submit(InferenceCall call) {
        CompletableFuture<InferenceResult> future = new CompletableFuture<>();
        long rows = BatchKey.rows(call);
        ServingException refused = null;
        if (rows < 0) {
            refused = ServingException.invalid("Batching needs every input to have the same first (batch) dimension; got "
                    + call.inputs().entrySet().stream().map(e -> e.getKey() + " " + e.getValue().shape()).toList());
        } else if (rows > maxBatchSize) {
            refused = ServingException.invalid("Task size " + rows + " is larger than maximum batch size " + maxBatchSize
                    + " (max_batch_size in the batching parameters)");
        } else {
            refused = enqueue(new Task(call, rows, future));
        }
        if (refused != null) {
            call.version().release();
            future.completeExceptionally(refused);
        }
        return future;
    }

    /** Adds the task to its queue; the exception to answer when it cannot be queued, else null. */
    private ServingException enqueue(Task task) {
        BatchKey key = BatchKey.of(task.call());
        lock.lock();
        try {
            if (closed) {
                return new ServingException(ErrorCode.UNAVAILABLE, "Server is shutting down");
            }
            ArrayDeque<Batch> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
            Batch batch = queue.peekLast();
            if (batch == null || batch.full || batch.rows + task.rows() > maxBatchSize) {
                if (batch != null) {
                    batch.full = true;
                }
                if (queue.size() >= maxEnqueuedBatches) {
                    metrics.queueFull(task.call().version().modelName());
                    return new ServingException(ErrorCode.UNAVAILABLE, "The batch queue of model " + task.call().version().modelName()
                            + " is full (" + maxEnqueuedBatches + " batches waiting, max_enqueued_batches); retry later");
                }
                batch = new Batch(System.nanoTime() + timeoutNanos);
                queue.addLast(batch);
            }
            batch.tasks.add(task);
            batch.rows += task.rows();
            if (batch.rows == maxBatchSize) {
                batch.full = true;
            }
            changed.signal();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A batch thread: takes the ready batch with the earliest deadline, runs it, repeats until closed and empty. */
    private void work() {
        lock.lock();
        try {
            while (true) {
                if (closed && queues.isEmpty()) {
                    changed.signalAll();
                    return;
                }
                long now = System.nanoTime();
                ArrayDeque<Batch> readyQueue = null;
                long wait = Long.MAX_VALUE;
                for (ArrayDeque<Batch> queue : queues.values()) {
                    Batch head = queue.peekFirst();
                    long left = head.deadlineNanos - now;
                    if (head.full || left <= 0 || closed) {
                        if (readyQueue == null || head.deadlineNanos - readyQueue.peekFirst().deadlineNanos < 0) {
                            readyQueue = queue;
                        }
                    } else {
                        wait = Math.min(wait, left);
                    }
                }
                if (readyQueue == null) {
                    try {
                        if (wait == Long.MAX_VALUE) {
                            changed.await();
                        } else {
                            changed.awaitNanos(wait);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    continue;
                }
                Batch batch = readyQueue.pollFirst();
                batch.full = true;
                if (readyQueue.isEmpty()) {
                    Iterator<ArrayDeque<Batch>> it = queues.values().iterator();
                    while (it.hasNext()) {
                        if (it.next() == readyQueue) {
                            it.remove();
                            break;
                        }
                    }
                }
                lock.unlock();
                try {
                    execute(batch);
                } finally {
                    lock.lock();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void execute(Batch batch) {
        List<Task> tasks = batch.tasks;
        try {
            long padded = paddedSize(batch.rows);
            metrics.batchRun(tasks.get(0).call().version().modelName(), batch.rows, padded);
            List<InferenceResult> results;
            try {
                results = runner.run(calls(tasks), rows(tasks), padded);
            } catch (RuntimeException e) {
                if (tasks.size() == 1) {
                    throw e;
                }
                LOG.debug("event=batch_failed calls={} rows={} error=\"{}\" note=\"running the calls one by one\"", tasks.size(),
                        batch.rows, e.toString());
                runAlone(tasks);
                return;
            }
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).future().complete(results.get(i));
            }
        } catch (RuntimeException | Error e) {
            tasks.forEach(task -> task.future().completeExceptionally(e));
        } finally {
            tasks.forEach(task -> task.call().version().release());
        }
    }

    private void runAlone(List<Task> tasks) {
        for (Task task : tasks) {
            try {
                long padded = paddedSize(task.rows());
                task.future().complete(runner.run(List.of(task.call()), new long[] {task.rows()}, padded).get(0));
            } catch (RuntimeException | Error e) {
                task.future().completeExceptionally(e);
            }
        }
    }

    /** The smallest allowed batch size that holds {@code rows}, or {@code rows} without allowed sizes. */
    long paddedSize(long rows) {
        for (long allowed : allowedBatchSizes) {
            if (allowed >= rows) {
                return allowed;
            }
        }
        return rows;
    }

    private static List<InferenceCall> calls(List<Task> tasks) {
        return tasks.stream().map(Task::call).toList();
    }

    private static long[] rows(List<Task> tasks) {
        return tasks.stream().mapToLong(Task::rows).toArray();
    }

    /** Stops accepting calls, runs the queued batches, waits up to 30 s for the batch threads. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
