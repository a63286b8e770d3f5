package org.mlj.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The on-disk formats mlj knows, and how to tell them apart by looking at a path.
 *
 * <p>Detection reads at most a few bytes (the top-level keys of a JSON file) and never trusts file
 * extensions alone: an HDF5 file is recognised by its signature, a {@code .keras} file by its zip
 * header, a Keras architecture JSON by its top-level {@code class_name} and {@code config} keys, a
 * TensorFlow GraphDef by its first protobuf field (a {@code NodeDef} with a name). Names matter only
 * for the Keras architecture-plus-weights directory convention ({@link #KERAS_JSON}).
 */
public enum ModelFormat {
    /** An mlj bundle directory: {@code mlj.json} plus the model in several formats. */
    MLJ_BUNDLE("mlj bundle directory (mlj.json)", "org.mlj:mlj-tensorflow or org.mlj:mlj-dl4j"),
    /** A TensorFlow SavedModel directory ({@code saved_model.pb}). */
    SAVED_MODEL("TensorFlow SavedModel directory (saved_model.pb)", "org.mlj:mlj-tensorflow"),
    /** A Keras 3 native {@code .keras} file (a zip of config.json and model.weights.h5). */
    KERAS("Keras 3 .keras file (zip)", "org.mlj:mlj-dl4j"),
    /** A Keras HDF5 file ({@code .h5}), Keras 1, 2 or 3 legacy layout. */
    HDF5("Keras HDF5 file (.h5)", "org.mlj:mlj-dl4j"),
    /**
     * A Keras architecture JSON ({@code model.to_json()}, Keras 1, 2 or 3) whose weights are in a
     * separate file ({@code save_weights}: a Keras 1/2 {@code weights.h5} or a Keras 3
     * {@code .weights.h5}). Either the JSON file itself, whose weights file the backend is told (the
     * dl4j load option {@code dl4j.weights}), or a directory holding exactly one {@code *.json} file
     * that is a Keras model config (other JSON files, such as an unzipped {@code .keras} file's
     * {@code metadata.json}, are ignored) and exactly one weights file ({@code *.h5}, {@code *.hdf5}),
     * and no {@code mlj.json} or {@code saved_model.pb}: see {@link #kerasArchitecture(Path)} and
     * {@link #kerasWeights(Path)}.
     */
    KERAS_JSON("Keras architecture JSON (model.to_json()) with a weights file", "org.mlj:mlj-dl4j"),
    /** A TensorFlow 1 frozen graph: a binary {@code GraphDef} file ({@code frozen_model.pb}), variables folded into constants. */
    GRAPH_DEF("TensorFlow frozen GraphDef file (.pb)", "org.mlj:mlj-tensorflow");

    /** Name of the manifest file that marks a bundle directory. */
    public static final String MANIFEST_FILE = "mlj.json";
    /** Name of the file that marks a SavedModel directory (binary protobuf). */
    public static final String SAVED_MODEL_FILE = "saved_model.pb";
    /** Name of the text-protobuf variant of {@link #SAVED_MODEL_FILE}. */
    public static final String SAVED_MODEL_TEXT_FILE = "saved_model.pbtxt";

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};
    /** Protobuf tag of field 1, length-delimited: GraphDef.node and NodeDef.name both start this way. */
    private static final int PROTO_FIELD_1_BYTES = 0x0a;
    /** Protobuf tag of field 1, varint: SavedModel.saved_model_schema_version. */
    private static final int PROTO_FIELD_1_VARINT = 0x08;
    private static final List<String> WEIGHTS_SUFFIXES = List.of(".h5", ".hdf5");
    private static final JsonFactory JSON = new JsonFactory();

    private final String description;
    private final String artifact;

    ModelFormat(String description, String artifact) {
        this.description = description;
        this.artifact = artifact;
    }

    /** A human description, e.g. {@code Keras 3 .keras file (zip)}. */
    public String description() {
        return description;
    }

    /** The Maven artifact(s) whose backend loads this format, for error messages. */
    public String artifact() {
        return artifact;
    }

    /**
     * Detects the format of {@code path}.
     *
     * @throws ModelLoadException if the path does not exist, cannot be read, or is none of the formats
     */
    public static ModelFormat detect(Path path) {
        if (!Files.exists(path)) {
            throw new ModelLoadException("Model path " + path + " does not exist");
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(MANIFEST_FILE))) {
                return MLJ_BUNDLE;
            }
            if (isSavedModel(path)) {
                return SAVED_MODEL;
            }
            List<Path> json = architectures(path);
            List<Path> weights = filesEndingWith(path, WEIGHTS_SUFFIXES);
            if (json.size() == 1 && weights.size() == 1) {
                return KERAS_JSON;
            }
            throw new ModelLoadException("Directory " + path + " is not a model: expected " + MANIFEST_FILE
                    + " (an mlj bundle) or saved_model.pb (a TensorFlow SavedModel) in it"
                    + (json.isEmpty() && weights.isEmpty() ? "" : ", or exactly one Keras architecture *.json and one weights "
                    + "*.h5 file (found " + names(json) + " and " + names(weights) + ")"));
        }
        byte[] head = readHead(path, HDF5_SIGNATURE.length);
        if (startsWith(head, HDF5_SIGNATURE)) {
            return HDF5;
        }
        if (startsWith(head, ZIP_SIGNATURE)) {
            return KERAS;
        }
        String name = path.getFileName().toString();
        if (firstNonBlank(head) == '{') {
            if (isKerasConfig(path)) {
                return KERAS_JSON;
            }
            throw new ModelLoadException("File " + path + " is JSON but not a Keras model architecture (model.to_json(): "
                    + "an object with 'class_name' and 'config')" + (name.equals(MANIFEST_FILE) ? "; load the bundle directory " + path.getParent() : ""));
        }
        if (head.length >= 2 && (head[0] & 0xff) == PROTO_FIELD_1_VARINT && name.equals(SAVED_MODEL_FILE)) {
            throw new ModelLoadException("File " + path + " is the graph of a TensorFlow SavedModel: load its directory " + path.getParent());
        }
        if (isGraphDef(path)) {
            return GRAPH_DEF;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        String hint = lower.endsWith(".h5") || lower.endsWith(".hdf5") ? " (named like HDF5, but the HDF5 signature is missing: truncated or corrupt?)"
                : lower.endsWith(".keras") ? " (named like a .keras file, but it is not a zip: truncated or corrupt?)"
                : lower.endsWith(".pb") ? " (named like a protobuf, but it does not start like a TensorFlow GraphDef: truncated or corrupt?)" : "";
        throw new ModelLoadException("File " + path + " is not a model file" + hint
                + ": expected a Keras .keras zip, an HDF5 .h5 file, a Keras architecture .json, a TensorFlow frozen GraphDef .pb, "
                + "or a SavedModel or mlj bundle directory");
    }

    /**
     * The architecture JSON of a {@link #KERAS_JSON} path: the path itself if it is a file, else the
     * directory's only {@code *.json} file that is a Keras model config.
     *
     * @throws ModelLoadException if a directory has not exactly one {@code *.json} file
     */
    public static Path kerasArchitecture(Path path) {
        if (!Files.isDirectory(path)) {
            return path;
        }
        List<Path> json = architectures(path);
        if (json.size() != 1) {
            throw new ModelLoadException("Directory " + path + " must hold exactly one Keras architecture *.json file, it has "
                    + names(json));
        }
        return json.get(0);
    }

    /**
     * The weights file of a {@link #KERAS_JSON} directory (its only {@code *.h5} or {@code *.hdf5}
     * file, e.g. {@code weights.h5} or {@code model.weights.h5}); empty for a JSON file, whose weights
     * file must be named by a load option.
     *
     * @throws ModelLoadException if a directory has not exactly one weights file
     */
    public static Optional<Path> kerasWeights(Path path) {
        if (!Files.isDirectory(path)) {
            return Optional.empty();
        }
        List<Path> weights = filesEndingWith(path, WEIGHTS_SUFFIXES);
        if (weights.size() != 1) {
            throw new ModelLoadException("Directory " + path + " must hold exactly one Keras weights file (*.h5, *.hdf5), it has "
                    + names(weights));
        }
        return Optional.of(weights.get(0));
    }

    /** The {@code *.json} files of a directory that are Keras model configs (an unzipped .keras also has metadata.json). */
    private static List<Path> architectures(Path directory) {
        return filesEndingWith(directory, List.of(".json")).stream().filter(file -> {
            try {
                return isKerasConfig(file);
            } catch (ModelLoadException e) {
                return false;
            }
        }).toList();
    }

    private static List<Path> filesEndingWith(Path directory, List<String> suffixes) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(file -> suffixes.stream().anyMatch(file.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ModelLoadException("Cannot list directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static String names(List<Path> files) {
        return files.isEmpty() ? "none" : files.stream().map(file -> file.getFileName().toString()).toList().toString();
    }

    private static int firstNonBlank(byte[] head) {
        for (byte b : head) {
            if (!Character.isWhitespace(b)) {
                return b;
            }
        }
        return -1;
    }

    /** Whether the JSON object in {@code path} has top-level {@code class_name} and {@code config} keys (a Keras model config). */
    private static boolean isKerasConfig(Path path) {
        boolean className = false;
        boolean config = false;
        try (JsonParser parser = JSON.createParser(path.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                className |= field.equals("class_name");
                config |= field.equals("config");
                parser.nextToken();
                parser.skipChildren();
            }
            return className && config;
        } catch (IOException e) {
            throw new ModelLoadException("File " + path + " starts like JSON but does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the file starts as a serialized {@code GraphDef}: field 1 ({@code node}, length-delimited),
     * whose first node starts with its own field 1 ({@code name}, length-delimited, non-empty).
     */
    private static boolean isGraphDef(Path path) {
        byte[] head = readHead(path, 16);
        if (head.length < 4 || (head[0] & 0xff) != PROTO_FIELD_1_BYTES) {
            return false;
        }
        int i = 1;
        long nodeLength = 0;
        for (int shift = 0; i < head.length && shift < 35; shift += 7) {
            int b = head[i++] & 0xff;
            nodeLength |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return nodeLength > 2 && i + 1 < head.length && (head[i] & 0xff) == PROTO_FIELD_1_BYTES && (head[i + 1] & 0xff) != 0;
            }
        }
        return false;
    }

    /** Whether {@code directory} holds a SavedModel ({@value #SAVED_MODEL_FILE} or {@value #SAVED_MODEL_TEXT_FILE}). */
    public static boolean isSavedModel(Path directory) {
        return Files.isRegularFile(directory.resolve(SAVED_MODEL_FILE)) || Files.isRegularFile(directory.resolve(SAVED_MODEL_TEXT_FILE));
    }

    /**
     * Whether the HDF5 format signature starts at {@code offset} of {@code bytes} (HDF5 puts it at 0,
     * 512, 1024, 2048, ... when a file has a user block).
     */
    public static boolean hasHdf5Signature(ByteBuffer bytes, int offset) {
        if (offset < 0 || offset + HDF5_SIGNATURE.length > bytes.limit()) {
            return false;
        }
        for (int i = 0; i < HDF5_SIGNATURE.length; i++) {
            if (bytes.get(offset + i) != HDF5_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] readHead(Path path, int count) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(count);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read model file " + path + ": " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, byte[] signature) {
        return head.length >= signature.length && Arrays.equals(head, 0, signature.length, signature, 0, signature.length);
    }
}
