package org.mlj.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.BackendOption;
import org.mlj.api.spi.ModelSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads models with the backends it was given: the entry point an application injects (see
 * {@link org.mlj.api.guice.MljModule}), and what {@link Models} uses with the backends found on the classpath.
 *
 * <p>Which backend loads a path:
 * <ol>
 *   <li>the one named by {@link LoadOptions#backend()}, else</li>
 *   <li>the one named by the system property {@value #BACKEND_PROPERTY} or the environment variable
 *       {@value #BACKEND_ENV}, else</li>
 *   <li>among the backends that can load the detected format, the one with the highest
 *       {@link Backend#priority priority} (ties by name).</li>
 * </ol>
 * A named backend that is absent or cannot load the format is an error, never a silent fallback.
 * Before the backend loads anything, every backend option in {@link LoadOptions#options()} is checked
 * against the chosen backend's {@link Backend#options() declarations}.
 *
 * <p>Thread-safe; holds no native resources.
 */
public final class ModelLoader {
    /** System property naming the default backend. */
    public static final String BACKEND_PROPERTY = "mlj.backend";
    /** Environment variable naming the default backend (the system property wins). */
    public static final String BACKEND_ENV = "MLJ_BACKEND";

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final List<Backend> backends;

    /** A loader over these backends. */
    public ModelLoader(Iterable<? extends Backend> backends) {
        List<Backend> list = new ArrayList<>();
        backends.forEach(backend -> list.add(Objects.requireNonNull(backend, "backend")));
        list.sort(Comparator.comparing(Backend::name));
        for (int i = 1; i < list.size(); i++) {
            if (list.get(i).name().equals(list.get(i - 1).name())) {
                throw new IllegalArgumentException("Two backends are named '" + list.get(i).name() + "': "
                        + list.get(i - 1).getClass().getName() + " and " + list.get(i).getClass().getName());
            }
        }
        this.backends = List.copyOf(list);
    }

    /** A loader over the backends that {@link ServiceLoader} finds with this class's class loader. */
    public static ModelLoader fromClasspath() {
        return new ModelLoader(discover(ModelLoader.class.getClassLoader()));
    }

    /** The backends registered in {@code META-INF/services/org.mlj.api.spi.Backend} visible to {@code classLoader}. */
    public static List<Backend> discover(ClassLoader classLoader) {
        List<Backend> found = new ArrayList<>();
        for (Backend backend : ServiceLoader.load(Backend.class, classLoader)) {
            found.add(backend);
        }
        return found;
    }

    /** The available backends, sorted by name. */
    public List<Backend> backends() {
        return backends;
    }

    /** The backend with this name, if present. */
    public Optional<Backend> backend(String name) {
        return backends.stream().filter(b -> b.name().equals(name)).findFirst();
    }

    /** Loads {@code path} with the default choice of backend. */
    public Model load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    /**
     * Loads {@code path}.
     *
     * @throws ModelLoadException if the path is not a model, no backend can load it, or the backend fails
     * @throws UnsupportedModelException if the chosen backend cannot run what the model uses
     */
    public Model load(Path path, LoadOptions options) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        ModelSource source = ModelSource.of(path);
        Backend backend = choose(source, options);
        checkOptions(backend, options);
        LOG.debug("Loading {} ({}) with backend {}", source.path(), source.format().description(), backend.name());
        return backend.load(source, options);
    }

    /**
     * The backend that would load {@code source} with these options.
     *
     * @throws ModelLoadException if none can, naming the format, the backends present and the artifact to add
     */
    public Backend choose(ModelSource source, LoadOptions options) {
        Optional<String> named = options.backend().or(ModelLoader::configuredBackend);
        if (named.isPresent()) {
            String name = named.get().toLowerCase(Locale.ROOT);
            Backend backend = backend(name).orElseThrow(() -> new ModelLoadException("Backend '" + name
                    + "' is not on the classpath; present: " + describeBackends() + ". Add "
                    + artifactFor(name) + " to load with it"));
            if (!backend.canLoad(source)) {
                throw new ModelLoadException("Backend '" + name + "' cannot load " + source.path() + " ("
                        + source.format().description() + "); it loads " + describeFormats(backend)
                        + ". Backends for this format: " + source.format().artifact());
            }
            return backend;
        }
        return backends.stream()
                .filter(b -> b.canLoad(source))
                .max(Comparator.comparingInt((Backend b) -> b.priority(source.format()))
                        .thenComparing(Backend::name, Comparator.reverseOrder()))
                .orElseThrow(() -> new ModelLoadException("No mlj backend can load " + source.path()
                        + " (detected format: " + source.format().description() + "). Backends on the classpath: "
                        + describeBackends() + ". Add " + source.format().artifact() + " to the classpath"));
    }

    /**
     * Checks every backend option against what {@code backend} declares.
     *
     * @throws ModelLoadException for an unknown key (listing the backend's keys) or a value that does not parse
     */
    public static void checkOptions(Backend backend, LoadOptions options) {
        Map<String, BackendOption<?>> declared = new LinkedHashMap<>();
        backend.options().forEach(option -> declared.put(option.key(), option));
        options.options().forEach((key, value) -> {
            BackendOption<?> option = declared.get(key);
            if (option == null) {
                throw new ModelLoadException("Unknown load option '" + key + "' for backend " + backend.name() + "; "
                        + (declared.isEmpty() ? "it takes no options" : "its options are " + declared.keySet()));
            }
            option.parse(value);
        });
    }

    private static Optional<String> configuredBackend() {
        String property = System.getProperty(BACKEND_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(property.trim());
        }
        String env = System.getenv(BACKEND_ENV);
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env.trim());
    }

    private String describeBackends() {
        if (backends.isEmpty()) {
            return "none";
        }
        return backends.stream().map(b -> b.name() + " (loads " + describeFormats(b) + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String describeFormats(Backend backend) {
        return backend.formats().stream().sorted().map(ModelFormat::description).collect(Collectors.joining(", "));
    }

    private static String artifactFor(String name) {
        return switch (name) {
            case "tensorflow" -> "org.mlj:mlj-tensorflow";
            case "dl4j" -> "org.mlj:mlj-dl4j";
            default -> "the jar of backend '" + name + "' (known backends: tensorflow, dl4j)";
        };
    }
}
