package org.mlj.api.spi;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;

/**
 * One load option a backend understands: its key, type, default and meaning. A backend lists its
 * options in {@link Backend#options()}; {@link org.mlj.api.ModelLoader} checks every option a caller
 * gives against that list before the backend loads anything, and the backend reads typed values with
 * {@link #get(LoadOptions)}. Immutable and thread-safe.
 *
 * @param <T> the value type
 */
public final class BackendOption<T> {
    private final String key;
    private final String type;
    private final T defaultValue;
    private final String description;
    private final Function<String, T> parser;

    private BackendOption(String key, String type, T defaultValue, String description, Function<String, T> parser) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.parser = parser;
    }

    /** An option that is {@code true} or {@code false}. */
    public static BackendOption<Boolean> bool(String key, boolean defaultValue, String description) {
        return new BackendOption<>(key, "boolean (true or false)", defaultValue, description, value -> {
            String lower = value.toLowerCase(Locale.ROOT);
            if (!lower.equals("true") && !lower.equals("false")) {
                throw new IllegalArgumentException();
            }
            return Boolean.parseBoolean(lower);
        });
    }

    /** An integer option of at least {@code min}. */
    public static BackendOption<Integer> integer(String key, int min, int defaultValue, String description) {
        String type = min == 0 ? "integer >= 0" : min == 1 ? "positive integer" : "integer >= " + min;
        return new BackendOption<>(key, type, defaultValue, description, value -> {
            int parsed = Integer.parseInt(value);
            if (parsed < min) {
                throw new IllegalArgumentException();
            }
            return parsed;
        });
    }

    /** A comma-separated list of non-empty names. */
    public static BackendOption<List<String>> names(String key, List<String> defaultValue, String description) {
        return new BackendOption<>(key, "comma-separated names", List.copyOf(defaultValue), description, value -> {
            List<String> names = Arrays.stream(value.split(",")).map(String::trim).toList();
            if (names.stream().anyMatch(String::isEmpty)) {
                throw new IllegalArgumentException();
            }
            return names;
        });
    }

    /** A non-empty text (a path, a name) with no default: {@link #get} gives {@code ""} when it is not given. */
    public static BackendOption<String> text(String key, String description) {
        return new BackendOption<>(key, "non-empty text", "", description, value -> {
            if (value.isEmpty()) {
                throw new IllegalArgumentException();
            }
            return value;
        });
    }

    /** The key, e.g. {@code dl4j.poolSize}. */
    public String key() {
        return key;
    }

    /** The type as a user reads it, e.g. {@code positive integer}. */
    public String type() {
        return type;
    }

    /** The value used when the option is not given. */
    public T defaultValue() {
        return defaultValue;
    }

    /** One line on what the option does. */
    public String description() {
        return description;
    }

    /**
     * Parses a value given for this option.
     *
     * @throws ModelLoadException naming the option, the value and the type expected
     */
    public T parse(String value) {
        try {
            return parser.apply(value.trim());
        } catch (RuntimeException e) {
            throw new ModelLoadException("Load option " + key + " must be " + article(type) + " " + type + ", got '" + value + "'");
        }
    }

    private static String article(String type) {
        return "aeiou".indexOf(type.charAt(0)) >= 0 ? "an" : "a";
    }

    /** The typed value of this option in {@code options}, or its default. */
    public T get(LoadOptions options) {
        return options.option(key).map(this::parse).orElse(defaultValue);
    }

    /** {@code key (type, default D): description}, as {@code mlj inspect --options} lists it. */
    @Override
    public String toString() {
        Object shown = defaultValue instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : defaultValue;
        return key + " (" + type + ", default " + shown + "): " + description;
    }
}
