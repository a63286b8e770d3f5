package org.mlj.serving;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mlj.api.ModelLoader;
import org.mlj.serving.batching.BatchMetrics;
import org.mlj.serving.batching.BatchingPredictor;
import org.mlj.serving.config.BatchingParameters;
import org.mlj.serving.config.ModelConfigFile;
import org.mlj.serving.config.MonitoringConfig;
import org.mlj.serving.config.ServerFlags;
import org.mlj.serving.http.HttpFront;
import org.mlj.serving.inference.DirectPredictor;
import org.mlj.serving.inference.Inference;
import org.mlj.serving.inference.Predictor;
import org.mlj.serving.metrics.MetricsApi;
import org.mlj.serving.metrics.ServingMetrics;
import org.mlj.serving.oip.OipApi;
import org.mlj.serving.repository.ModelConfig;
import org.mlj.serving.repository.ModelRepository;
import org.mlj.serving.repository.VersionLoader;
import org.mlj.serving.tfserving.TfServingApi;
import org.mlj.serving.web.WebApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code mlj serve}: the model repository (loaded before the port opens), its polling
 * thread, the predictor, the HTTP front with the TF Serving, Open Inference Protocol and metrics
 * APIs. {@link #start} returns once the server accepts connections.
 *
 * <p><b>Thread-safety and closing:</b> {@link #close()} (idempotent) stops accepting, drains the
 * requests in flight for up to {@code --drain_seconds}, then unloads every model. The caller owns the
 * server.
 */
public final class ModelServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    /** The mlj version reported by {@code GET /v2}. */
    public static final String VERSION = "0.1.0";

    private final ServerFlags flags;
    private final ServingMetrics metrics;
    private final ModelRepository repository;
    private final Predictor predictor;
    private final HttpFront front;
    private final ScheduledExecutorService poller;
    private boolean closed;

    private ModelServer(ServerFlags flags, ServingMetrics metrics, ModelRepository repository, Predictor predictor, HttpFront front,
                        ScheduledExecutorService poller) {
        this.flags = flags;
        this.metrics = metrics;
        this.repository = repository;
        this.predictor = predictor;
        this.front = front;
        this.poller = poller;
    }

    /**
     * Loads the configured models and starts serving.
     *
     * @throws IOException if a config file cannot be read or the port cannot be bound
     * @throws IllegalArgumentException if a config file is malformed
     */
    public static ModelServer start(ServerFlags flags) throws IOException {
        BatchingParameters batching = null;
        if (flags.enableBatching()) {
            batching = flags.batchingParametersFile().isPresent()
                    ? BatchingParameters.read(flags.batchingParametersFile().get()) : BatchingParameters.defaults();
        }
        Optional<String> metricsPath = Optional.empty();
        if (flags.monitoringConfigFile().isPresent()) {
            MonitoringConfig monitoring = MonitoringConfig.read(flags.monitoringConfigFile().get());
            if (monitoring.prometheusEnabled()) {
                metricsPath = Optional.of(monitoring.path());
            }
        }
        List<ModelConfig> configs = configs(flags);
        ServingMetrics metrics = new ServingMetrics();
        VersionLoader loader = new VersionLoader(ModelLoader.fromClasspath(), flags.backend(), flags.loadOptions(), flags.warmupIterations());
        ModelRepository repository = new ModelRepository(loader, metrics);
        Predictor predictor = null;
        ScheduledExecutorService poller = null;
        try {
            repository.apply(configs);
            predictor = batching == null ? new DirectPredictor(flags.inferenceThreads(), flags.maxQueuedRequests())
                    : batchingPredictor(batching, metrics);
            Inference inference = new Inference(predictor, flags.restApiTimeoutMs());
            HttpFront front = new HttpFront(flags.host(), flags.restApiPort(), flags.restApiNumThreads(), flags.maxQueuedRequests(),
                    flags.maxRequestBytes(), flags.cors(), flags.accessLog(),
                    List.of(new TfServingApi(repository, inference), new OipApi(repository, inference, VERSION),
                            new MetricsApi(metrics, metricsPath.orElse(null)), new WebApi(repository, inference)), metrics);
            poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "mlj-serving-poll");
                thread.setDaemon(true);
                return thread;
            });
            ModelServer server = new ModelServer(flags, metrics, repository, predictor, front, poller);
            server.schedule();
            front.start();
            LOG.info("event=serving_started address=http://{}:{} models={} metrics_path={}", front.host(), front.port(),
                    repository.models().stream().map(m -> m.name() + m.serving().keySet()).toList(), metricsPath.orElse("/metrics"));
            return server;
        } catch (IOException | RuntimeException e) {
            if (poller != null) {
                poller.shutdownNow();
            }
            if (predictor != null) {
                predictor.close();
            }
            repository.close();
            throw e;
        }
    }

    private static Predictor batchingPredictor(BatchingParameters batching, ServingMetrics metrics) {
        BatchMetrics batchMetrics = new BatchMetrics(batching.maxBatchSize());
        metrics.include(batchMetrics::scrape);
        LOG.info("event=batching_enabled parameters=\"{}\"", batching);
        return new BatchingPredictor(batching, batchMetrics);
    }

    private static List<ModelConfig> configs(ServerFlags flags) throws IOException {
        if (flags.modelConfigFile().isPresent()) {
            return ModelConfigFile.read(flags.modelConfigFile().get());
        }
        return List.of(ModelConfig.of(flags.modelName(), flags.modelBasePath().orElseThrow().toAbsolutePath().normalize()));
    }

    private void schedule() {
        int pollSeconds = flags.fileSystemPollWaitSeconds();
        if (pollSeconds > 0) {
            poller.scheduleWithFixedDelay(this::pollVersions, pollSeconds, pollSeconds, TimeUnit.SECONDS);
        }
        int configSeconds = flags.modelConfigFilePollWaitSeconds();
        if (configSeconds > 0 && flags.modelConfigFile().isPresent()) {
            poller.scheduleWithFixedDelay(this::reloadConfig, configSeconds, configSeconds, TimeUnit.SECONDS);
        }
    }

    private void pollVersions() {
        try {
            repository.poll();
        } catch (RuntimeException e) {
            LOG.error("event=poll_failed error=\"{}\"", e.getMessage(), e);
        }
    }

    /** Re-reads the model config file and applies it; a malformed file is logged and the current models stay. */
    public void reloadConfig() {
        try {
            List<ModelConfig> configs = ModelConfigFile.read(flags.modelConfigFile().orElseThrow());
            repository.apply(configs);
        } catch (IOException | RuntimeException e) {
            LOG.error("event=config_reload_failed file={} error=\"{}\"", flags.modelConfigFile().orElse(null), e.getMessage());
        }
    }

    /** The bound port. */
    public int port() {
        return front.port();
    }

    /** The bound address. */
    public String host() {
        return front.host();
    }

    /** The model repository. */
    public ModelRepository repository() {
        return repository;
    }

    /** The metrics. */
    public ServingMetrics metrics() {
        return metrics;
    }

    /** Stops accepting, drains requests in flight, unloads the models. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("event=draining in_flight={} drain_seconds={}", metrics.inFlight(), flags.drainSeconds());
        poller.shutdownNow();
        front.stop(flags.drainSeconds());
        predictor.close();
        repository.close();
        LOG.info("event=stopped");
    }
}
