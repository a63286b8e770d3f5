package org.mlj.serving.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.mlj.serving.http.ApiRequest;
import org.mlj.serving.http.ApiResponse;
import org.mlj.serving.http.HttpApi;

/**
 * Serves {@link ServingMetrics} at {@code /metrics} and at the path of the monitoring config's
 * {@code prometheus_config { path }} (TF Serving's default: {@code /monitoring/prometheus/metrics}).
 * Thread-safe.
 */
public final class MetricsApi implements HttpApi {
    private final ServingMetrics metrics;
    private final Set<String> paths;

    /** Serves {@code metrics} at {@code /metrics} and {@code configuredPath} (may be null). */
    public MetricsApi(ServingMetrics metrics, String configuredPath) {
        this.metrics = metrics;
        this.paths = configuredPath == null || configuredPath.isBlank() ? Set.of("/metrics") : Set.of("/metrics", configuredPath);
    }

    @Override
    public Optional<ApiResponse> handle(ApiRequest request) {
        if (!request.method().equals("GET") || !paths.contains(request.path())) {
            return Optional.empty();
        }
        request.api("metrics");
        return Optional.of(new ApiResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    }
}
