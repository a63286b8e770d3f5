package org.mlj.serving.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * TF Serving's {@code --batching_parameters_file} ({@code BatchingParameters} in text format, each
 * scalar wrapped as {@code max_batch_size { value: 128 }}), parsed and checked; {@link org.mlj.serving.batching.BatchingPredictor}
 * batches with it. Immutable.
 *
 * @param maxBatchSize largest batch (default 1000 in TF Serving)
 * @param batchTimeoutMicros how long to wait to fill a batch (default 0)
 * @param maxEnqueuedBatches queue bound (default 1000)
 * @param numBatchThreads threads running batches (default: processors)
 * @param allowedBatchSizes batch sizes to pad to (may be empty)
 * @param padVariableLengthInputs whether to pad variable-length inputs
 */
public record BatchingParameters(long maxBatchSize, long batchTimeoutMicros, long maxEnqueuedBatches, long numBatchThreads,
                                 List<Long> allowedBatchSizes, boolean padVariableLengthInputs) {
    private static final Set<String> FIELDS = Set.of("max_batch_size", "batch_timeout_micros", "max_enqueued_batches", "num_batch_threads",
            "thread_pool_name", "enable_large_batch_splitting", "max_execution_batch_size", "allowed_batch_sizes",
            "pad_variable_length_inputs");

    /** Copies the list. */
    public BatchingParameters {
        allowedBatchSizes = List.copyOf(allowedBatchSizes);
    }

    /** TF Serving's defaults. */
    public static BatchingParameters defaults() {
        return new BatchingParameters(1000, 0, 1000, Runtime.getRuntime().availableProcessors(), List.of(), false);
    }

    /** Reads and checks a file. */
    public static BatchingParameters read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses and checks the text.
     *
     * @throws IllegalArgumentException naming the field and line that is wrong
     */
    public static BatchingParameters parse(String text, String source) {
        TextProto root = TextProto.parse(text, source);
        root.requireOnly("BatchingParameters", FIELDS);
        BatchingParameters defaults = defaults();
        long maxBatch = wrapped(root, "max_batch_size", defaults.maxBatchSize());
        long timeout = wrapped(root, "batch_timeout_micros", defaults.batchTimeoutMicros());
        long enqueued = wrapped(root, "max_enqueued_batches", defaults.maxEnqueuedBatches());
        long threads = wrapped(root, "num_batch_threads", defaults.numBatchThreads());
        List<Long> allowed = root.scalars("allowed_batch_sizes").stream().map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(root.where() + "allowed_batch_sizes must be integers, got " + value);
            }
        }).toList();
        boolean pad = root.booleanValue("pad_variable_length_inputs").orElse(false);
        if (maxBatch < 1 || enqueued < 1 || threads < 1 || timeout < 0) {
            throw new IllegalArgumentException(source + ": max_batch_size, max_enqueued_batches and num_batch_threads must be >= 1 and "
                    + "batch_timeout_micros >= 0");
        }
        for (int i = 0; i < allowed.size(); i++) {
            if (allowed.get(i) < 1 || (i > 0 && allowed.get(i) <= allowed.get(i - 1))) {
                throw new IllegalArgumentException(source + ": allowed_batch_sizes must be positive and increasing, got " + allowed);
            }
        }
        if (!allowed.isEmpty() && allowed.get(allowed.size() - 1) != maxBatch) {
            throw new IllegalArgumentException(source + ": the last of allowed_batch_sizes (" + allowed.get(allowed.size() - 1)
                    + ") must equal max_batch_size (" + maxBatch + ")");
        }
        return new BatchingParameters(maxBatch, timeout, enqueued, threads, allowed, pad);
    }

    private static long wrapped(TextProto root, String field, long fallback) {
        var message = root.message(field);
        if (message.isEmpty()) {
            return fallback;
        }
        message.get().requireOnly(field, Set.of("value"));
        return message.get().longValue("value").orElse(0L);
    }
}
