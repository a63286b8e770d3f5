package org.mlj.serving.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.mlj.serving.http.ApiRequest;
import org.mlj.serving.http.RequestObserver;
import org.mlj.serving.repository.RepositoryEvents;

/**
 * The server's metrics in Prometheus text exposition format (version 0.0.4):
 * <ul>
 *   <li>{@code mlj_serving_requests_total{model,version,api,code}} — requests by status code</li>
 *   <li>{@code mlj_serving_request_duration_seconds{model,version,api,code}} — latency histogram</li>
 *   <li>{@code mlj_serving_in_flight_requests} — requests being handled now</li>
 *   <li>{@code mlj_serving_model_loads_total{model}}, {@code ..._model_load_failures_total{model}},
 *       {@code ..._model_unloads_total{model}} — version lifecycle</li>
 * </ul>
 * A few dozen lines of counters instead of a client library: the format is plain text and the
 * server has one registry. Thread-safe (lock-free adders).
 */
public final class ServingMetrics implements RequestObserver, RepositoryEvents {
    /** Histogram bucket upper bounds in seconds. */
    static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final ConcurrentMap<List<String>, Series> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> loads = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> unloads = new ConcurrentHashMap<>();
    private final AtomicLong inFlight = new AtomicLong();
    private final List<Supplier<String>> sections = new CopyOnWriteArrayList<>();

    /** Counts and latency of one label set. */
    private static final class Series {
        final LongAdder count = new LongAdder();
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Series() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double seconds) {
            count.increment();
            sum.add(seconds);
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break; // cumulated when written
                }
            }
        }
    }

    @Override
    public void started() {
        inFlight.incrementAndGet();
    }

    @Override
    public void finished(ApiRequest request, int status, long nanos) {
        inFlight.decrementAndGet();
        requests.computeIfAbsent(List.of(request.model(), request.version(), request.api(), Integer.toString(status)), k -> new Series())
                .observe(nanos / 1e9);
    }

    @Override
    public void loaded(String model, long version, String backend, long millis) {
        loads.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    @Override
    public void loadFailed(String model, long version, String error) {
        failures.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    @Override
    public void unloaded(String model, long version) {
        unloads.computeIfAbsent(model, k -> new LongAdder()).increment();
    }

    /** Requests being handled now. */
    public long inFlight() {
        return inFlight.get();
    }

    /** Appends another component's metrics (Prometheus text, e.g. the batcher's) to every scrape. */
    public void include(Supplier<String> section) {
        sections.add(section);
    }

    /** Everything, in Prometheus text format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        Map<List<String>, Series> sorted = new TreeMap<>((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
        sorted.putAll(requests);
        out.append("# HELP mlj_serving_requests_total Requests handled, by model, version, API and HTTP status code.\n");
        out.append("# TYPE mlj_serving_requests_total counter\n");
        sorted.forEach((labels, series) -> out.append("mlj_serving_requests_total").append(labels(labels)).append(' ')
                .append(series.count.sum()).append('\n'));
        out.append("# HELP mlj_serving_request_duration_seconds Request latency, by model, version, API and HTTP status code.\n");
        out.append("# TYPE mlj_serving_request_duration_seconds histogram\n");
        sorted.forEach((labels, series) -> {
            String base = labels(labels);
            String prefix = base.substring(0, base.length() - 1);
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += series.buckets[i].sum();
                out.append("mlj_serving_request_duration_seconds_bucket").append(prefix).append(",le=\"").append(BUCKETS[i])
                        .append("\"} ").append(cumulative).append('\n');
            }
            out.append("mlj_serving_request_duration_seconds_bucket").append(prefix).append(",le=\"+Inf\"} ")
                    .append(series.count.sum()).append('\n');
            out.append("mlj_serving_request_duration_seconds_sum").append(base).append(' ').append(series.sum.sum()).append('\n');
            out.append("mlj_serving_request_duration_seconds_count").append(base).append(' ').append(series.count.sum()).append('\n');
        });
        out.append("# HELP mlj_serving_in_flight_requests Requests being handled now.\n");
        out.append("# TYPE mlj_serving_in_flight_requests gauge\n");
        out.append("mlj_serving_in_flight_requests ").append(inFlight.get()).append('\n');
        counter(out, "mlj_serving_model_loads_total", "Model versions loaded and warmed up.", loads);
        counter(out, "mlj_serving_model_load_failures_total", "Model versions that failed to load.", failures);
        counter(out, "mlj_serving_model_unloads_total", "Model versions unloaded after their last request.", unloads);
        sections.forEach(section -> out.append(section.get()));
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, Map<String, LongAdder> byModel) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(byModel).forEach((model, count) -> out.append(name).append("{model=\"").append(escape(model)).append("\"} ")
                .append(count.sum()).append('\n'));
    }

    private static String labels(List<String> values) {
        return "{model=\"" + escape(values.get(0)) + "\",version=\"" + escape(values.get(1)) + "\",api=\"" + escape(values.get(2))
                + "\",code=\"" + values.get(3) + "\"}";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
