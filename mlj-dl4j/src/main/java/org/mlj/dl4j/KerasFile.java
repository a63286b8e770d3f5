package org.mlj.dl4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;

/**
 * A Keras model file read into memory: the model config, the Keras version and backend that wrote
 * it, and the weights as an {@link Hdf5File}.
 *
 * <p>A Keras 3 {@code .keras} file is a zip of {@code config.json}, {@code metadata.json} and
 * {@code model.weights.h5}; each entry is checked against its CRC after it is read. An {@code .h5} file
 * (Keras 1, 2 or 3 legacy) is read whole into memory; its config is the {@code model_config} attribute.
 * An architecture JSON ({@code model.to_json()}) comes with a separate weights file
 * ({@code save_weights}): Keras 1/2 {@code weights.h5} (layer groups at the root) or Keras 3
 * {@code .weights.h5} (the layout of {@code model.weights.h5} in a {@code .keras} zip).
 * HDF5 is read in pure Java ({@link Hdf5File}). The user's files are only ever opened for reading, and
 * nothing is written to disk. Files and entries are limited to {@value #MAX_BYTES} bytes. Close to
 * release the weights.
 *
 * @param description the file (and entry) the weights came from, for messages
 * @param config the model config ({@code {"class_name": ..., "config": ...}})
 * @param kerasVersion the Keras version that wrote the file, e.g. {@code 3.15.1}
 * @param backend the Keras backend recorded in an HDF5 file ({@code tensorflow}, {@code theano}), if any
 * @param weights the weights file
 * @param layout how the weights are laid out
 */
record KerasFile(String description, JsonNode config, String kerasVersion, Optional<String> backend, Hdf5File weights,
                 WeightLayout layout) implements AutoCloseable {

    /** How a file lays out its weights. */
    enum WeightLayout {
        /** Keras 3 {@code model.weights.h5}: {@code layers/<path>/vars/0..n}, unnamed, in creation order. */
        KERAS_V3,
        /** Keras 1/2/3 {@code .h5}: {@code model_weights/<layer>/<weight name>}, listed by the {@code weight_names} attribute. */
        HDF5_LEGACY
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG_ENTRY = "config.json";
    private static final String WEIGHTS_ENTRY = "model.weights.h5";
    private static final String METADATA_ENTRY = "metadata.json";
    /** The largest file or zip entry read: what a Java array can hold. */
    static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    /**
     * Reads a {@code .keras} or {@code .h5} file.
     *
     * @throws ModelLoadException if it is truncated, corrupt, or not a Keras model file
     */
    static KerasFile read(Path path, ModelFormat format) {
        return switch (format) {
            case KERAS -> readKeras(path);
            case HDF5 -> readHdf5(path);
            default -> throw new IllegalArgumentException("Not a Keras file format: " + format);
        };
    }

    private static KerasFile readKeras(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            List<String> missing = new ArrayList<>();
            for (String name : List.of(CONFIG_ENTRY, WEIGHTS_ENTRY)) {
                if (zip.getEntry(name) == null) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                throw new ModelLoadException(path + " is a zip without " + String.join(" and ", missing)
                        + ": not a Keras 3 .keras model file");
            }
            JsonNode config = parseJson(readEntry(zip, zip.getEntry(CONFIG_ENTRY), path), path + "!/" + CONFIG_ENTRY);
            String version = "3";
            ZipEntry metadata = zip.getEntry(METADATA_ENTRY);
            if (metadata != null) {
                JsonNode parsed = parseJson(readEntry(zip, metadata, path), path + "!/" + METADATA_ENTRY);
                version = parsed.path("keras_version").asText(version);
            }
            String description = path + "!/" + WEIGHTS_ENTRY;
            byte[] image = readEntry(zip, zip.getEntry(WEIGHTS_ENTRY), path);
            return new KerasFile(description, config, version, Optional.empty(), Hdf5File.open(description, ByteBuffer.wrap(image)),
                    WeightLayout.KERAS_V3);
        } catch (ZipException e) {
            throw new ModelLoadException(path + " is not a readable .keras zip (truncated or corrupt): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + path + ": " + e, e);
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry entry, Path path) throws IOException {
        if (entry.getSize() > MAX_BYTES) {
            throw new ModelLoadException(path + "!/" + entry.getName() + " has " + entry.getSize() + " bytes, more than the "
                    + MAX_BYTES + " mlj reads");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(MAX_BYTES);
            CRC32 crc = new CRC32();
            crc.update(bytes);
            checkEntry(entry, bytes.length, crc, path);
            return bytes;
        }
    }

    private static void checkEntry(ZipEntry entry, long read, CRC32 crc, Path path) {
        if (read != entry.getSize() || (entry.getCrc() >= 0 && crc.getValue() != entry.getCrc())) {
            throw new ModelLoadException(path + "!/" + entry.getName() + " is corrupt (size or CRC does not match the zip directory)");
        }
    }

    /**
     * Reads an architecture JSON and its weights file.
     *
     * <p>The Keras version is the JSON's {@code keras_version} (Keras 1 and 2 write it), else 3 for
     * Keras 3 weights ({@code layers/.../vars}) or a Keras 3 config (top-level {@code module}), else the
     * weights file's {@code keras_version} attribute, else 1 for a config with Keras 1 layer keys
     * ({@code output_dim}, {@code nb_filter}), else 2.
     *
     * @throws ModelLoadException if the JSON is no Keras config or the weights file is not HDF5
     */
    static KerasFile readArchitecture(Path json, Path weightsPath) {
        JsonNode config;
        try {
            long size = Files.size(json);
            if (size > MAX_BYTES) {
                throw new ModelLoadException(json + " has " + size + " bytes, more than the " + MAX_BYTES + " mlj reads");
            }
            config = parseJson(Files.readAllBytes(json), json.toString());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + json + ": " + e, e);
        }
        if (!config.has("class_name") || !config.has("config")) {
            throw new ModelLoadException(json + " is not a Keras model architecture (model.to_json()): it has no class_name and config");
        }
        if (!Files.isRegularFile(weightsPath)) {
            throw new ModelLoadException("Weights file " + weightsPath + " (for " + json + ") does not exist");
        }
        if (!isHdf5(weightsPath)) {
            throw new ModelLoadException("Weights file " + weightsPath + " is not HDF5: mlj reads weights saved with save_weights "
                    + "to an .h5 file (Keras 1/2) or a .weights.h5 file (Keras 3), not TensorFlow checkpoints");
        }
        Hdf5File weights = Hdf5File.open(weightsPath.toString(), ByteBuffer.wrap(readImage(weightsPath)));
        try {
            boolean keras3Layout = weights.isGroup("layers") && !weights.exists("model_weights")
                    && rootAttribute(weights, "layer_names").isEmpty();
            Optional<String> version = text(config, "keras_version")
                    .or(() -> keras3Layout || config.has("module") ? Optional.of("3") : Optional.empty())
                    .or(() -> rootAttribute(weights, "keras_version"))
                    .or(() -> weights.exists("model_weights") ? attribute(weights, "model_weights", "keras_version") : Optional.empty());
            String kerasVersion = version.orElseGet(() -> hasKeras1LayerKeys(config.path("config")) ? "1" : "2");
            Optional<String> backend = text(config, "backend").or(() -> rootAttribute(weights, "backend"));
            return new KerasFile(weightsPath.toString(), config, kerasVersion, backend, weights,
                    keras3Layout ? WeightLayout.KERAS_V3 : WeightLayout.HDF5_LEGACY);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static boolean isHdf5(Path path) {
        try {
            return ModelFormat.detect(path) == ModelFormat.HDF5;
        } catch (ModelLoadException e) {
            return false;
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static boolean hasKeras1LayerKeys(JsonNode config) {
        JsonNode layers = config.isArray() ? config : config.path("layers");
        for (JsonNode layer : layers) {
            JsonNode layerConfig = layer.path("config");
            if (layerConfig.has("output_dim") || layerConfig.has("nb_filter") || layerConfig.has("init")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] readImage(Path path) {
        try {
            long size = Files.size(path);
            if (size > MAX_BYTES) {
                throw new ModelLoadException(path + " has " + size + " bytes, more than the " + MAX_BYTES + " mlj reads");
            }
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + path + ": " + e, e);
        }
    }

    private static KerasFile readHdf5(Path path) {
        byte[] image = readImage(path);
        String description = path.toString();
        Hdf5File weights = Hdf5File.open(description, ByteBuffer.wrap(image));
        try {
            String modelConfig = rootAttribute(weights, "model_config").orElseThrow(() -> new ModelLoadException(path
                    + " has no model_config attribute: it holds weights only; load the model's architecture JSON (model.to_json()) "
                    + "with this file as its weights (load option " + Dl4jBackend.WEIGHTS.key() + "=" + path
                    + ", CLI --weights), or save the whole model (model.save)"));
            JsonNode config = parseJson(modelConfig.getBytes(StandardCharsets.UTF_8), path + " (model_config)");
            String version = rootAttribute(weights, "keras_version")
                    .or(() -> weights.exists("model_weights") ? attribute(weights, "model_weights", "keras_version") : Optional.empty())
                    .orElse("1");
            return new KerasFile(description, config, version, rootAttribute(weights, "backend"), weights, WeightLayout.HDF5_LEGACY);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static Optional<String> rootAttribute(Hdf5File file, String name) {
        return attribute(file, "/", name);
    }

    private static Optional<String> attribute(Hdf5File file, String path, String name) {
        return file.stringAttribute(path, name).filter(values -> !values.isEmpty()).map(values -> values.get(0));
    }

    private static JsonNode parseJson(byte[] bytes, String what) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ModelLoadException(what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(what + " is not valid JSON (corrupt?): " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot parse " + what + ": " + e, e);
        }
    }

    /** Releases the weights. */
    @Override
    public void close() {
        weights.close();
    }
}
