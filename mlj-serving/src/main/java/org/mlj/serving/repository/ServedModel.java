package org.mlj.serving.repository;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.mlj.serving.ServingException;

/**
 * A model name with its versions: every version the repository knows (loading, available, failed,
 * ended) for the status API, and the set in service, which the repository replaces in one atomic
 * write when a version comes or goes.
 *
 * <p><b>Thread-safety:</b> request threads call {@link #acquire}; only the repository's polling
 * thread changes the versions.
 */
public final class ServedModel {
    /** How many times {@link #acquire} retries when a version retires between lookup and acquire. */
    private static final int ACQUIRE_ATTEMPTS = 8;

    private final String name;
    private volatile ModelConfig config;
    private final ConcurrentSkipListMap<Long, ModelVersion> versions = new ConcurrentSkipListMap<>();
    private volatile NavigableMap<Long, ModelVersion> serving = Collections.emptyNavigableMap();

    ServedModel(ModelConfig config) {
        this.name = config.name();
        this.config = config;
    }

    /** The model's name. */
    public String name() {
        return name;
    }

    /** The current configuration. */
    public ModelConfig config() {
        return config;
    }

    void config(ModelConfig updated) {
        this.config = updated;
    }

    /** Every known version, newest first (TF Serving's status order). */
    public List<ModelVersion> versions() {
        return List.copyOf(versions.descendingMap().values());
    }

    /** The version with this number, in whatever state. */
    public Optional<ModelVersion> version(long number) {
        return Optional.ofNullable(versions.get(number));
    }

    /** The versions in service, oldest first. */
    public NavigableMap<Long, ModelVersion> serving() {
        return serving;
    }

    /** Whether at least one version is in service. */
    public boolean isReady() {
        return !serving.isEmpty();
    }

    ConcurrentSkipListMap<Long, ModelVersion> allVersions() {
        return versions;
    }

    void publish(NavigableMap<Long, ModelVersion> inService) {
        this.serving = Collections.unmodifiableNavigableMap(new TreeMap<>(inService));
    }

    /**
     * Resolves a label to a version number.
     *
     * @throws ServingException 400, as TF Serving, for a label the config does not define
     */
    public long resolveLabel(String label) {
        Long version = config.labels().get(label);
        if (version == null) {
            throw ServingException.invalid("Unrecognized servable version label: " + label);
        }
        return version;
    }

    /**
     * Acquires the requested version (the newest in service when none is given) for one request;
     * the caller must {@link ModelVersion#release()} it.
     *
     * @throws ServingException 404 when no such version is in service
     */
    public ModelVersion acquire(OptionalLong number) {
        for (int attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
            NavigableMap<Long, ModelVersion> current = serving;
            Map.Entry<Long, ModelVersion> entry = number.isPresent()
                    ? Optional.ofNullable(current.get(number.getAsLong())).map(v -> Map.entry(v.number(), v)).orElse(null)
                    : current.lastEntry();
            if (entry == null) {
                break;
            }
            if (entry.getValue().tryAcquire()) {
                return entry.getValue();
            }
            Thread.onSpinWait(); // retired between lookup and acquire: the new set is already published
        }
        throw ServingException.notFound("Servable not found for request: "
                + (number.isPresent() ? "Specific(" + name + ", " + number.getAsLong() + ")" : "Latest(" + name + ")"));
    }
}
