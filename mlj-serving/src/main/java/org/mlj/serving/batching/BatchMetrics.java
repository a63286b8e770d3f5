package org.mlj.serving.batching;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The batcher's metrics in Prometheus text format, appended to the server's scrape:
 * <ul>
 *   <li>{@code mlj_serving_batch_size{model}} — histogram of examples per batch run (before padding);
 *       its {@code _count} is the number of model runs</li>
 *   <li>{@code mlj_serving_batch_padding_rows_total{model}} — padding examples added for {@code allowed_batch_sizes}</li>
 *   <li>{@code mlj_serving_batch_queue_full_total{model}} — calls answered 503 because the queue was full</li>
 * </ul>
 * Thread-safe (lock-free adders).
 */
public final class BatchMetrics {
    private final long[] bounds;
    private final ConcurrentMap<String, Sizes> sizes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> padding = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> queueFull = new ConcurrentHashMap<>();

    /** Buckets are the powers of two up to {@code maxBatchSize}, and {@code maxBatchSize} itself. */
    public BatchMetrics(long maxBatchSize) {
        List<Long> list = new ArrayList<>();
        for (long b = 1; b < maxBatchSize; b *= 2) {
            list.add(b);
        }
        list.add(maxBatchSize);
        this.bounds = list.stream().mapToLong(Long::longValue).toArray();
    }

    private final class Sizes {
        final LongAdder[] buckets = new LongAdder[bounds.length];
        final LongAdder count = new LongAdder();
        final LongAdder sum = new LongAdder();

        Sizes() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    void batchRun(String model, long rows, long paddedRows) {
        Sizes series = sizes.computeIfAbsent(model, k -> new Sizes());
        series.count.increment();
        series.sum.add(rows);
        for (int i = 0; i < bounds.length; i++) {
            if (rows <= bounds[i]) {
                series.buckets[i].increment();
                break;
            }
        }
        if (paddedRows > rows) {
            padding.computeIfAbsent(model, k -> new LongAdder()).add(paddedRows - rows);
        }
    }

    void queueFull(String model) {
        queueFull.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    /** Batches run so far for {@code model}. */
    public long batches(String model) {
        Sizes series = sizes.get(model);
        return series == null ? 0 : series.count.sum();
    }

    /** Examples run in batches so far for {@code model} (without padding). */
    public long examples(String model) {
        Sizes series = sizes.get(model);
        return series == null ? 0 : series.sum.sum();
    }

    /** The metrics in Prometheus text format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP mlj_serving_batch_size Examples per batch run by the batcher (before padding), by model.\n");
        out.append("# TYPE mlj_serving_batch_size histogram\n");
        new TreeMap<>(sizes).forEach((model, series) -> {
            String label = "model=\"" + escape(model) + "\"";
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += series.buckets[i].sum();
                out.append("mlj_serving_batch_size_bucket{").append(label).append(",le=\"").append(bounds[i]).append("\"} ")
                        .append(cumulative).append('\n');
            }
            out.append("mlj_serving_batch_size_bucket{").append(label).append(",le=\"+Inf\"} ").append(series.count.sum()).append('\n');
            out.append("mlj_serving_batch_size_sum{").append(label).append("} ").append(series.sum.sum()).append('\n');
            out.append("mlj_serving_batch_size_count{").append(label).append("} ").append(series.count.sum()).append('\n');
        });
        counter(out, "mlj_serving_batch_padding_rows_total", "Padding examples added to reach an allowed batch size, by model.", padding);
        counter(out, "mlj_serving_batch_queue_full_total", "Calls refused with 503 because the batch queue was full, by model.", queueFull);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> byModel) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(byModel).forEach((model, count) -> out.append(name).append("{model=\"").append(escape(model)).append("\"} ")
                .append(count.sum()).append('\n'));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
