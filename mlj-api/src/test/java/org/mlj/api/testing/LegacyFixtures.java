package org.mlj.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.LoadOptions;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;

/**
 * The legacy-format fixtures under {@code models/legacy} (Keras 1/2 files, architecture JSON plus
 * weights, TF1 frozen graphs and SavedModels), as listed by {@code models/legacy/index.json}, which
 * {@code python -m mlj_export legacy} writes with the fixtures. Missing files fail loudly.
 */
public final class LegacyFixtures {
    private LegacyFixtures() {
    }

    /**
     * One fixture.
     *
     * @param name the fixture's folder name
     * @param model the path to load
     * @param backend the backend that must load it
     * @param options backend load options to load it with (paths already resolved)
     * @param inputs the reference inputs, by input name
     * @param outputs the Python reference outputs, by output name
     * @param description what it is
     */
    public record Fixture(String name, Path model, String backend, Map<String, String> options, Map<String, Tensor> inputs,
                          Map<String, Tensor> outputs, String description) {
        /** Load options naming the fixture's backend and its load options. */
        public LoadOptions loadOptions() {
            LoadOptions.Builder builder = LoadOptions.builder().backend(backend);
            options.forEach(builder::option);
            return builder.build();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code models/legacy}. */
    public static Path directory() {
        return ModelFixtures.model("legacy");
    }

    /** Every fixture, in index order. */
    public static List<Fixture> all() {
        Path dir = directory();
        JsonNode index;
        try {
            index = new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("index.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Fixture> fixtures = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = index.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode node = entry.getValue();
            Map<String, String> options = new LinkedHashMap<>();
            node.path("options").fields().forEachRemaining(option -> options.put(option.getKey(),
                    option.getKey().equals("dl4j.weights") ? dir.resolve(option.getValue().asText()).toString() : option.getValue().asText()));
            fixtures.add(new Fixture(entry.getKey(), existing(dir.resolve(node.path("model").asText())), node.path("backend").asText(),
                    options, tensors(dir, node.path("inputs")), tensors(dir, node.path("outputs")), node.path("description").asText()));
        }
        return fixtures;
    }

    /** The fixture with this name. */
    public static Fixture get(String name) {
        return all().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("No legacy fixture '" + name + "' in " + directory().resolve("index.json")));
    }

    /** The fixtures for one backend. */
    public static List<Fixture> forBackend(String backend) {
        return all().stream().filter(f -> f.backend().equals(backend)).toList();
    }

    private static Map<String, Tensor> tensors(Path dir, JsonNode files) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        files.fields().forEachRemaining(file -> {
            try {
                tensors.put(file.getKey(), NpyFile.read(existing(dir.resolve(file.getValue().asText()))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return tensors;
    }

    private static Path existing(Path path) {
        if (!Files.exists(path)) {
            throw new AssertionError("Legacy fixture file " + path + " is missing: regenerate with python -m mlj_export legacy");
        }
        return path;
    }
}
