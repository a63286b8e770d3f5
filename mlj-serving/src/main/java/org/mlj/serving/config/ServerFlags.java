package org.mlj.serving.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The command line of {@code mlj serve}: TensorFlow Serving's {@code tensorflow_model_server} flags
 * in their {@code --flag=value} form (booleans also as bare {@code --flag}), so deployment scripts
 * keep working, plus mlj's own. Flags that mlj does not support are refused by name with the
 * reason; unknown flags are refused with the list of known ones. Mutable only while parsing;
 * read-only afterwards.
 */
public final class ServerFlags {
    /** Default bind address: loopback only, so a model is not exposed to the network by accident. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The load option {@code --allow_ops} sets (see the README's Security section). */
    private static final String ALLOW_OPS = "tensorflow.allowOps";

    private int restApiPort = 8501;
    private String host = DEFAULT_HOST;
    private int restApiNumThreads = 4 * Runtime.getRuntime().availableProcessors();
    private long restApiTimeoutMs = 30_000;
    private boolean cors;
    private String modelName = "default";
    private Path modelBasePath;
    private Path modelConfigFile;
    private int modelConfigFilePollWaitSeconds;
    private int fileSystemPollWaitSeconds = 1;
    private boolean enableBatching;
    private Path batchingParametersFile;
    private boolean enableModelWarmup = true;
    private int numRequestIterationsForWarmup = 1;
    private Path monitoringConfigFile;
    private String backend;
    private final Map<String, String> loadOptions = new LinkedHashMap<>();
    private long maxRequestBytes = 64L << 20;
    private boolean accessLog;
    private int inferenceThreads = Runtime.getRuntime().availableProcessors();
    private int drainSeconds = 30;
    private int maxQueuedRequests = 256;
    private boolean help;
    private boolean version;

    private record Flag(String help, BiConsumer<ServerFlags, String> setter, boolean bool) {
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();
    private static final Map<String, String> REFUSED = new TreeMap<>();

    static {
        flag("rest_api_port", "REST port (TF Serving: 0 disables REST; here 0 picks a free port). Default 8501.",
                (f, v) -> f.restApiPort = intRange("rest_api_port", v, 0, 65535));
        flag("rest_api_num_threads", "HTTP worker threads. Default 4 x processors.",
                (f, v) -> f.restApiNumThreads = intRange("rest_api_num_threads", v, 1, 4096));
        flag("rest_api_timeout_in_ms", "Per-request timeout (504 after it). Default 30000; 0: none.",
                (f, v) -> f.restApiTimeoutMs = intRange("rest_api_timeout_in_ms", v, 0, Integer.MAX_VALUE));
        bool("rest_api_enable_cors_support", "Send CORS headers.", (f, v) -> f.cors = v);
        flag("model_name", "Name of the model served from --model_base_path. Default 'default'.", (f, v) -> f.modelName = v);
        flag("model_base_path", "Directory with numbered version directories (1/, 2/, ...).", (f, v) -> f.modelBasePath = Path.of(v));
        flag("model_config_file", "Text-format ModelServerConfig (model_config_list) instead of --model_name/--model_base_path.",
                (f, v) -> f.modelConfigFile = Path.of(v));
        flag("model_config_file_poll_wait_seconds", "Re-read --model_config_file this often. Default 0: never.",
                (f, v) -> f.modelConfigFilePollWaitSeconds = intRange("model_config_file_poll_wait_seconds", v, 0, 86_400));
        flag("file_system_poll_wait_seconds", "Look for new versions this often. Default 1; 0: once at start-up.",
                (f, v) -> f.fileSystemPollWaitSeconds = intRange("file_system_poll_wait_seconds", v, 0, 86_400));
        bool("enable_batching", "Batch concurrent requests dynamically (TF Serving semantics; parameters from --batching_parameters_file).", (f, v) -> f.enableBatching = v);
        flag("batching_parameters_file", "Text-format BatchingParameters: max_batch_size, batch_timeout_micros, num_batch_threads, max_enqueued_batches, allowed_batch_sizes.", (f, v) -> f.batchingParametersFile = Path.of(v));
        bool("enable_model_warmup", "Warm versions up before serving them. Default true.", (f, v) -> f.enableModelWarmup = v);
        flag("num_request_iterations_for_warmup", "Warm-up predictions per version. Default 1.",
                (f, v) -> f.numRequestIterationsForWarmup = intRange("num_request_iterations_for_warmup", v, 0, 1000));
        flag("monitoring_config_file", "Text-format MonitoringConfig (prometheus_config { enable path }).",
                (f, v) -> f.monitoringConfigFile = Path.of(v));
        flag("version", "Print the version and exit.", null);
        // mlj's own
        flag("host", "Address to bind. Default 127.0.0.1 (loopback only); 0.0.0.0 to serve the network.", (f, v) -> f.host = v);
        flag("backend", "mlj backend to load models with: tensorflow or dl4j. Default: the loader's choice.", (f, v) -> f.backend = v);
        flag("option", "A backend load option KEY=VALUE for every model, e.g. tensorflow.allowOps=ReadFile or dl4j.poolSize=4 "
                + "(repeatable; checked against the backend's declared options when a model loads).", (f, v) -> f.option(v));
        flag("allow_ops", "Let SavedModels run these TensorFlow ops outside mlj's allowlist of side-effect-free ops "
                + "(OP[,OP...], * for any); the same as --option=tensorflow.allowOps=OPS. Only for models you trust.",
                (f, v) -> f.loadOptions.put(ALLOW_OPS, nonBlank("allow_ops", v)));
        flag("max_request_bytes", "Largest request body (413 above it). Default 67108864 (64 MiB).",
                (f, v) -> f.maxRequestBytes = longRange("max_request_bytes", v, 1, Long.MAX_VALUE));
        bool("access_log", "Log one line per request (logger org.mlj.serving.access).", (f, v) -> f.accessLog = v);
        flag("inference_threads", "Threads running models. Default: processors.",
                (f, v) -> f.inferenceThreads = intRange("inference_threads", v, 1, 1024));
        flag("max_queued_requests", "Requests waiting for a worker, and calls waiting for an inference thread, before 503. Default 256.",
                (f, v) -> f.maxQueuedRequests = intRange("max_queued_requests", v, 1, 1_000_000));
        flag("drain_seconds", "On SIGTERM, how long to wait for requests in flight. Default 30.",
                (f, v) -> f.drainSeconds = intRange("drain_seconds", v, 0, 3600));

        String grpc = "mlj serve speaks REST only (TF Serving's REST API and Open Inference Protocol v2), not gRPC: remove it";
        for (String name : List.of("port", "grpc_socket_path", "grpc_channel_arguments", "grpc_max_threads", "enable_grpc_healthcheck_service",
                "use_alts_credentials", "ssl_config_file")) {
            REFUSED.put(name, grpc);
        }
        String tf = "a TensorFlow session setting that mlj does not expose: remove it";
        for (String name : List.of("tensorflow_session_parallelism", "tensorflow_session_config_file", "tensorflow_intra_op_parallelism",
                "tensorflow_inter_op_parallelism", "per_process_gpu_memory_fraction", "saved_model_tags", "platform_config_file",
                "xla_cpu_compilation_enabled", "xla_gpu_compilation_enabled", "mixed_precision", "skip_initialize_tpu",
                "remove_unused_fields_from_bundle_metagraph", "enable_serialization_as_tensor_content", "thread_pool_factory_config_file",
                "enable_signature_method_name_check")) {
            REFUSED.put(name, tf);
        }
        String loader = "mlj loads with one thread and does not retry failed loads (a failed version is retried when its directory changes): remove it";
        for (String name : List.of("num_load_threads", "num_unload_threads", "max_num_load_retries", "load_retry_interval_micros",
                "flush_filesystem_caches", "allow_version_labels_for_unavailable_models", "enable_per_model_batching_parameters")) {
            REFUSED.put(name, loader);
        }
        String other = "not supported by mlj serve: remove it";
        for (String name : List.of("prefer_tflite_model", "num_tflite_pools", "num_tflite_interpreters_per_pool", "enable_profiler")) {
            REFUSED.put(name, other);
        }
    }

    private void option(String value) {
        int equals = value.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("--option=" + value + " must be KEY=VALUE, e.g. --option=tensorflow.allowOps=ReadFile");
        }
        loadOptions.put(value.substring(0, equals).trim(), value.substring(equals + 1).trim());
    }

    private static String nonBlank(String name, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " needs a value: --" + name + "=OP[,OP...]");
        }
        return value.trim();
    }

    private static void flag(String name, String help, BiConsumer<ServerFlags, String> setter) {
        FLAGS.put(name, new Flag(help, setter, false));
    }

    private static void bool(String name, String help, BiConsumer<ServerFlags, Boolean> setter) {
        FLAGS.put(name, new Flag(help, (flags, value) -> setter.accept(flags, parseBoolean(name, value)), true));
    }

    private ServerFlags() {
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the flag that is unknown, refused or malformed
     */
    public static ServerFlags parse(String... args) {
        ServerFlags flags = new ServerFlags();
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help") || arg.equals("-help")) {
                flags.help = true;
                continue;
            }
            if (!arg.startsWith("--") && !arg.startsWith("-")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "': mlj serve takes flags only, as --flag=value");
            }
            String body = arg.replaceFirst("^--?", "");
            int equals = body.indexOf('=');
            String name = equals < 0 ? body : body.substring(0, equals);
            String value = equals < 0 ? null : body.substring(equals + 1);
            if (REFUSED.containsKey(name)) {
                throw new IllegalArgumentException("Flag --" + name + " is not supported: " + REFUSED.get(name));
            }
            Flag flag = FLAGS.get(name);
            if (flag == null) {
                throw new IllegalArgumentException("Unknown flag --" + name + "; mlj serve accepts " + String.join(", ",
                        FLAGS.keySet().stream().map(n -> "--" + n).toList()));
            }
            if (name.equals("version")) {
                flags.version = value == null || parseBoolean(name, value);
                continue;
            }
            if (value == null) {
                if (!flag.bool()) {
                    throw new IllegalArgumentException("Flag --" + name + " needs a value: --" + name + "=VALUE");
                }
                value = "true";
            }
            flag.setter().accept(flags, value);
        }
        if (!flags.help && !flags.version) {
            flags.check();
        }
        return flags;
    }

    private void check() {
        if (modelBasePath != null && modelConfigFile != null) {
            throw new IllegalArgumentException("Give either --model_base_path (with --model_name) or --model_config_file, not both");
        }
        if (modelBasePath == null && modelConfigFile == null) {
            throw new IllegalArgumentException("Nothing to serve: give --model_base_path=DIR (with --model_name=NAME) or --model_config_file=FILE");
        }
        if (batchingParametersFile != null && !enableBatching) {
            throw new IllegalArgumentException("--batching_parameters_file needs --enable_batching");
        }
        if (backend != null && !backend.equals("tensorflow") && !backend.equals("dl4j")) {
            throw new IllegalArgumentException("--backend must be tensorflow or dl4j, got '" + backend + "'");
        }
    }

    /** One line per flag, for {@code --help}. */
    public static String usage() {
        StringBuilder text = new StringBuilder("Usage: mlj serve --flag=value ...\n\nFlags (TensorFlow Serving's, then mlj's):\n");
        FLAGS.forEach((name, flag) -> text.append(String.format("  --%-38s %s%n", name + (flag.bool() ? "[=true|false]" : "=VALUE"),
                flag.help())));
        text.append("\nRefused tensorflow_model_server flags: ").append(String.join(", ", REFUSED.keySet())).append('\n');
        return text.toString();
    }

    private static int intRange(String name, String value, int min, int max) {
        return (int) longRange(name, value, min, max);
    }

    private static long longRange(String name, String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException("--" + name + "=" + value + " is out of range [" + min + ", " + max + "]");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + "=" + value + " is not an integer");
        }
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("--" + name + "=" + value + " must be true or false");
        };
    }

    /** REST port (0: any free port). */
    public int restApiPort() {
        return restApiPort;
    }

    /** Bind address. */
    public String host() {
        return host;
    }

    /** HTTP worker threads. */
    public int restApiNumThreads() {
        return restApiNumThreads;
    }

    /** Per-request timeout in ms (0: none). */
    public long restApiTimeoutMs() {
        return restApiTimeoutMs;
    }

    /** Whether to send CORS headers. */
    public boolean cors() {
        return cors;
    }

    /** The single model's name. */
    public String modelName() {
        return modelName;
    }

    /** The single model's base path, if given. */
    public Optional<Path> modelBasePath() {
        return Optional.ofNullable(modelBasePath);
    }

    /** The model config file, if given. */
    public Optional<Path> modelConfigFile() {
        return Optional.ofNullable(modelConfigFile);
    }

    /** Config file poll interval (0: never). */
    public int modelConfigFilePollWaitSeconds() {
        return modelConfigFilePollWaitSeconds;
    }

    /** Version poll interval (0: once). */
    public int fileSystemPollWaitSeconds() {
        return fileSystemPollWaitSeconds;
    }

    /** Whether batching was asked for. */
    public boolean enableBatching() {
        return enableBatching;
    }

    /** The batching parameters file, if given. */
    public Optional<Path> batchingParametersFile() {
        return Optional.ofNullable(batchingParametersFile);
    }

    /** Warm-up predictions per version (0 when warm-up is off). */
    public int warmupIterations() {
        return enableModelWarmup ? numRequestIterationsForWarmup : 0;
    }

    /** The monitoring config file, if given. */
    public Optional<Path> monitoringConfigFile() {
        return Optional.ofNullable(monitoringConfigFile);
    }

    /** The backend, if given. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /** Backend load options for every model ({@code --option}, {@code --allow_ops}), in the order given. */
    public Map<String, String> loadOptions() {
        return Collections.unmodifiableMap(loadOptions);
    }

    /** Request body limit. */
    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    /** Whether to write an access log. */
    public boolean accessLog() {
        return accessLog;
    }

    /** Inference threads. */
    public int inferenceThreads() {
        return inferenceThreads;
    }

    /** Drain time on shutdown. */
    public int drainSeconds() {
        return drainSeconds;
    }

    /** Queue bound of the HTTP workers and of the inference threads. */
    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return help;
    }

    /** Whether {@code --version} was given. */
    public boolean version() {
        return version;
    }
}
