package org.mlj.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to load a model: which backend, which signature is the default, and backend options. Every
 * setting is optional; {@link #defaults()} lets the loader choose. Immutable and thread-safe; build
 * with {@link #builder()}.
 *
 * <p>Backend options are keyed by the backend's name ({@code tensorflow.tags},
 * {@code dl4j.poolSize}). Each backend declares its keys with their type, default and meaning
 * ({@link org.mlj.api.spi.Backend#options()}, listed by {@code mlj inspect --options}); loading checks
 * every key and value against the chosen backend's declarations before any native code runs, and an
 * unknown key or a value of the wrong type fails with a {@link ModelLoadException} that lists the valid
 * keys.
 *
 * <pre>{@code
 * LoadOptions options = LoadOptions.builder().backend("tensorflow").option("tensorflow.intraOpThreads", 2).build();
 * }</pre>
 */
public final class LoadOptions {
    private static final LoadOptions DEFAULTS = builder().build();

    private final String backend;
    private final String signature;
    private final Map<String, String> options;

    private LoadOptions(Builder builder) {
        this.backend = builder.backend;
        this.signature = builder.signature;
        this.options = Collections.unmodifiableMap(new LinkedHashMap<>(builder.options));
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
        builder.options.putAll(options);
        return builder;
    }

    /** The backend name asked for ({@code tensorflow}, {@code dl4j}), if any. */
    public Optional<String> backend() {
        return Optional.ofNullable(backend);
    }

    /**
     * The signature to use as the default, if any; otherwise {@value Signature#DEFAULT_NAME} or the
     * model's first signature.
     */
    public Optional<String> signature() {
        return Optional.ofNullable(signature);
    }

    /** The value of a backend option as given, if set (backends read typed values through their declarations). */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }

    /** All backend options as given, in the order they were set. */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoadOptions that && Objects.equals(backend, that.backend)
                && Objects.equals(signature, that.signature) && options.equals(that.options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, signature, options);
    }

    @Override
    public String toString() {
        return "LoadOptions{backend=" + backend + ", signature=" + signature + ", options=" + options + "}";
    }

    /** Builds {@link LoadOptions}. Not thread-safe. */
    public static final class Builder {
        private String backend;
        private String signature;
        private final Map<String, String> options = new LinkedHashMap<>();

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

        /**
         * A backend option, e.g. {@code option("dl4j.poolSize", 4)}; the value is kept as its string
         * form and checked against the chosen backend's declaration at load time.
         */
        public Builder option(String key, Object value) {
            options.put(Objects.requireNonNull(key, "key").trim(), String.valueOf(Objects.requireNonNull(value, "value")).trim());
            return this;
        }

        /** Several backend options (see {@link #option(String, Object)}). */
        public Builder options(Map<String, ?> values) {
            values.forEach(this::option);
            return this;
        }

        /** The options. */
        public LoadOptions build() {
            return new LoadOptions(this);
        }
    }
}
