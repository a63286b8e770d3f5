package org.mlj.serving.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.mlj.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The served models and their live versions, as TF Serving's model manager keeps them: each model
 * has a base path with numbered version directories; {@link #poll()} loads the versions the policy
 * wants (warm-up included) before they enter service, swaps the set in service atomically, and
 * retires the versions the policy drops, which close once their in-flight requests finish.
 * A version that fails to load is kept with its error (status API) and the others keep serving; it
 * is retried when its directory changes. {@link #apply} adds, updates and removes models (config
 * reload). Knows nothing about HTTP.
 *
 * <p><b>Thread-safety:</b> {@link #poll()}, {@link #apply} and {@link #close()} are serialised on
 * this object (one polling thread in the server); lookups are lock-free. The repository owns every
 * loaded model and closes them in {@link #close()}.
 */
public final class ModelRepository implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRepository.class);

    private final VersionLoader loader;
    private final RepositoryEvents events;
    private final ConcurrentMap<String, ServedModel> models = new ConcurrentHashMap<>();
    private boolean closed;

    /**
     * @param loader loads and warms up version directories
     * @param events told about loads, failures and unloads
     */
    public ModelRepository(VersionLoader loader, RepositoryEvents events) {
        this.loader = loader;
        this.events = events;
    }

    /** The model with this name. */
    public Optional<ServedModel> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** Every model, sorted by name. */
    public List<ServedModel> models() {
        return new TreeMap<>(models).values().stream().toList();
    }

    /** Whether every model has a version in service. */
    public boolean allReady() {
        return !models.isEmpty() && models.values().stream().allMatch(ServedModel::isReady);
    }

    /**
     * Makes the served models exactly {@code configs}: new ones are added, changed ones updated,
     * missing ones retired; then polls.
     */
    public synchronized void apply(Collection<ModelConfig> configs) {
        checkOpen();
        Map<String, ModelConfig> wanted = new LinkedHashMap<>();
        configs.forEach(config -> wanted.put(config.name(), config));
        for (ServedModel model : List.copyOf(models.values())) {
            if (!wanted.containsKey(model.name())) {
                models.remove(model.name());
                LOG.info("event=model_removed model={}", model.name());
                retireAll(model);
            }
        }
        for (ModelConfig config : wanted.values()) {
            ServedModel existing = models.get(config.name());
            if (existing == null) {
                models.put(config.name(), new ServedModel(config));
                LOG.info("event=model_added model={} base_path={} policy={}", config.name(), config.basePath(), config.policy());
            } else if (!existing.config().equals(config)) {
                existing.config(config);
                LOG.info("event=model_updated model={} base_path={} policy={}", config.name(), config.basePath(), config.policy());
            }
        }
        poll();
    }

    /** Looks at every model's base path once and brings its versions in line with its policy. */
    public synchronized void poll() {
        checkOpen();
        for (ServedModel model : models.values()) {
            try {
                sync(model);
            } catch (RuntimeException e) {
                LOG.error("event=poll_failed model={} error=\"{}\"", model.name(), e.getMessage(), e);
            }
        }
    }

    private void sync(ServedModel model) {
        ModelConfig config = model.config();
        Map<Long, Path> onDisk = versionDirectories(model.name(), config.basePath());
        TreeSet<Long> candidates = new TreeSet<>(onDisk.keySet());
        // Forget failures whose directory changed since, so they are tried again.
        for (ModelVersion version : model.versions()) {
            Path directory = onDisk.get(version.number());
            if (version.error().isPresent() && directory != null && stamp(directory) != version.directoryStamp()) {
                model.allVersions().remove(version.number());
            }
        }
        TreeMap<Long, ModelVersion> inService = new TreeMap<>();
        // Bounded: each round either settles or marks one more candidate failed.
        for (int round = 0; round <= onDisk.size(); round++) {
            NavigableSet<Long> usable = new TreeSet<>(candidates);
            usable.removeIf(number -> model.version(number).map(v -> v.error().isPresent()).orElse(false));
            SortedSet<Long> wanted = config.policy().select(usable);
            boolean failedThisRound = false;
            inService.clear();
            for (long number : wanted) {
                ModelVersion version = model.version(number).orElse(null);
                if (version == null || version.state() == ModelVersion.State.END) {
                    version = load(model, number, onDisk.get(number));
                }
                if (version.state() == ModelVersion.State.AVAILABLE) {
                    inService.put(number, version);
                } else if (version.error().isPresent()) {
                    failedThisRound = true;
                }
            }
            if (!failedThisRound) {
                break;
            }
        }
        if (!inService.keySet().equals(model.serving().keySet())) {
            model.publish(inService);
            LOG.info("event=serving model={} versions={}", model.name(), inService.keySet());
        }
        for (ModelVersion version : model.versions()) {
            boolean live = version.state() == ModelVersion.State.AVAILABLE;
            if (live && !inService.containsKey(version.number())) {
                retire(model, version);
            }
            if (!live && version.state() == ModelVersion.State.END && version.error().isEmpty() && !onDisk.containsKey(version.number())) {
                model.allVersions().remove(version.number()); // ended and gone from disk: nothing more to report
            }
        }
    }

    private ModelVersion load(ServedModel model, long number, Path directory) {
        ModelVersion version = new ModelVersion(model.name(), number, directory);
        version.directoryStamp(stamp(directory));
        model.allVersions().put(number, version);
        version.loading();
        long start = System.nanoTime();
        LOG.info("event=version_loading model={} version={} path={}", model.name(), number, directory);
        try {
            VersionLoader.Loaded loaded = loader.load(directory);
            version.available(loaded.model(), loaded.savedModel());
            long millis = (System.nanoTime() - start) / 1_000_000;
            Model m = loaded.model();
            LOG.info("event=version_available model={} version={} backend={} format={} load_ms={}", model.name(), number,
                    m.backend(), m.format(), millis);
            events.loaded(model.name(), number, m.backend(), millis);
        } catch (RuntimeException | LinkageError e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            version.failed(message);
            LOG.error("event=version_failed model={} version={} path={} error=\"{}\"", model.name(), number, directory, message);
            events.loadFailed(model.name(), number, message);
        }
        return version;
    }

    private void retire(ServedModel model, ModelVersion version) {
        LOG.info("event=version_unloading model={} version={} in_flight={}", model.name(), version.number(), version.inFlight());
        version.retire(() -> {
            LOG.info("event=version_unloaded model={} version={}", model.name(), version.number());
            events.unloaded(model.name(), version.number());
        });
    }

    private void retireAll(ServedModel model) {
        model.publish(new TreeMap<>());
        for (ModelVersion version : model.versions()) {
            if (version.state() == ModelVersion.State.AVAILABLE) {
                retire(model, version);
            }
        }
    }

    private static Map<Long, Path> versionDirectories(String model, Path base) {
        Map<Long, Path> found = new TreeMap<>();
        if (!Files.isDirectory(base)) {
            LOG.warn("event=base_path_missing model={} base_path={}", model, base);
            return found;
        }
        try (Stream<Path> children = Files.list(base)) {
            children.filter(Files::isDirectory).forEach(child -> {
                String name = child.getFileName().toString();
                if (name.matches("\\d{1,18}")) {
                    found.put(Long.parseLong(name), child);
                }
            });
        } catch (IOException e) {
            LOG.warn("event=base_path_unreadable model={} base_path={} error=\"{}\"", model, base, e.getMessage());
        }
        if (found.isEmpty()) {
            LOG.warn("event=no_versions model={} base_path={} hint=\"expected numbered version directories such as {}/1\"",
                    model, base, base);
        }
        return found;
    }

    /** A stamp that changes when the directory or a file directly in it changes. */
    private static long stamp(Path directory) {
        if (directory == null) {
            return 0;
        }
        try (Stream<Path> children = Files.list(directory)) {
            long stamp = Files.getLastModifiedTime(directory).toMillis();
            for (Path child : (Iterable<Path>) children::iterator) {
                stamp = 31 * stamp + Files.getLastModifiedTime(child).toMillis() + child.getFileName().hashCode();
            }
            return stamp;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Retires every version of every model; models close as their last requests finish. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ServedModel> all = new ArrayList<>(models.values());
        models.clear();
        all.forEach(this::retireAll);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The model repository is closed");
        }
    }
}
