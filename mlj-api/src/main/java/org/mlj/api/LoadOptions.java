package org.mlj.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to load a model: which backend, which signature is the default, which SavedModel tags, how
 * many threads, and backend-specific properties. Every setting is optional; {@link #defaults()}
 * lets the loader choose. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <pre>{@code
 * LoadOptions options = LoadOptions.builder().backend("tensorflow").intraOpThreads(2).build();
 * }</pre>
 */
public final class LoadOptions {
    private static final LoadOptions DEFAULTS = builder().build();

    private final String backend;
    private final String signature;
    private final List<String> tags;
    private final int intraOpThreads;
    private final int interOpThreads;
    private final Map<String, String> properties;

    private LoadOptions(Builder builder) {
        this.backend = builder.backend;
        this.signature = builder.signature;
        this.tags = List.copyOf(builder.tags);
        this.intraOpThreads = builder.intraOpThreads;
        this.interOpThreads = builder.interOpThreads;
        this.properties = Map.copyOf(builder.properties);
    }

    /** Options that leave every choice to mlj. */
    public static LoadOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with every setting at its default. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.backend = backend;
        builder.signature = signature;
        builder.tags = tags;
        builder.intraOpThreads = intraOpThreads;
        builder.interOpThreads = interOpThreads;
        builder.properties.putAll(properties);
        return builder;
    }

    /** The backend name asked for ({@code tensorflow}, {@code dl4j}), if any. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /** The signature to use as the default, if any; otherwise {@code serving_default} or the first one. */
    public Optional<String> signature() {
        return Optional.ofNullable(signature);
    }

    /** SavedModel tags; empty means the backend's default ({@code serve}). */
    public List<String> tags() {
        return tags;
    }

    /** Threads inside one op; 0 means the backend's default. */
    public int intraOpThreads() {
        return intraOpThreads;
    }

    /** Threads running independent ops; 0 means the backend's default. */
    public int interOpThreads() {
        return interOpThreads;
    }

    /** A backend-specific property (documented by each backend), if set. */
    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    /** All backend-specific properties. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return "LoadOptions{backend=" + backend + ", signature=" + signature + ", tags=" + tags + ", intraOpThreads="
                + intraOpThreads + ", interOpThreads=" + interOpThreads + ", properties=" + properties + "}";
    }

    /** Builds {@link LoadOptions}. Not thread-safe. */
    public static final class Builder {
        private String backend;
        private String signature;
        private List<String> tags = List.of();
        private int intraOpThreads;
        private int interOpThreads;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder() {
        }

        /** Use this backend ({@code tensorflow}, {@code dl4j}); {@code null} lets mlj choose. */
        public Builder backend(String name) {
            this.backend = name == null || name.isBlank() ? null : name.trim();
            return this;
        }

        /** Make this signature the default one. */
        public Builder signature(String name) {
            this.signature = name;
            return this;
        }

        /** SavedModel tags to load (default {@code serve}). */
        public Builder tags(String... tags) {
            this.tags = List.of(tags);
            return this;
        }

        /** Threads inside one op (0 = backend default). */
        public Builder intraOpThreads(int threads) {
            this.intraOpThreads = requireThreads(threads);
            return this;
        }

        /** Threads running independent ops (0 = backend default). */
        public Builder interOpThreads(int threads) {
            this.interOpThreads = requireThreads(threads);
            return this;
        }

        /** A backend-specific property, e.g. {@code dl4j.fusedLstm=false}. */
        public Builder property(String key, String value) {
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The options. */
        public LoadOptions build() {
            return new LoadOptions(this);
        }

        private static int requireThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("Thread count must be >= 0 (0 = backend default), got " + threads);
            }
            return threads;
        }
    }
}
