package org.mlj.serving.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * TF Serving's {@code --monitoring_config_file}: {@code prometheus_config { enable: true path: "..." }}.
 * mlj always serves {@code /metrics}; an enabled config adds its path (TF Serving's default
 * {@code /monitoring/prometheus/metrics}). Immutable.
 *
 * @param prometheusEnabled whether {@code prometheus_config.enable} is true
 * @param path the configured metrics path
 */
public record MonitoringConfig(boolean prometheusEnabled, String path) {
    /** TF Serving's default Prometheus path. */
    public static final String DEFAULT_PATH = "/monitoring/prometheus/metrics";

    /** Reads a file. */
    public static MonitoringConfig read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses the text.
     *
     * @throws IllegalArgumentException naming the field and line that is wrong
     */
    public static MonitoringConfig parse(String text, String source) {
        TextProto root = TextProto.parse(text, source);
        root.requireOnly("MonitoringConfig", Set.of("prometheus_config"));
        var prometheus = root.message("prometheus_config");
        if (prometheus.isEmpty()) {
            return new MonitoringConfig(false, DEFAULT_PATH);
        }
        prometheus.get().requireOnly("PrometheusConfig", Set.of("enable", "path"));
        String path = prometheus.get().scalar("path").filter(p -> !p.isBlank()).orElse(DEFAULT_PATH);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(prometheus.get().where() + "prometheus_config.path must start with '/', got " + path);
        }
        return new MonitoringConfig(prometheus.get().booleanValue("enable").orElse(false), path);
    }
}
