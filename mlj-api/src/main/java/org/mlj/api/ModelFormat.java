package org.mlj.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The on-disk formats mlj knows, and how to tell them apart by looking at a path.
 *
 * <p>Detection reads at most a few bytes and never trusts file extensions alone: an HDF5 file is
 * recognised by its signature, a {@code .keras} file by its zip header.
 */
public enum ModelFormat {
    /** An mlj bundle directory: {@code mlj.json} plus the model in several formats. */
    MLJ_BUNDLE("mlj bundle directory (mlj.json)", "org.mlj:mlj-tensorflow or org.mlj:mlj-dl4j"),
    /** A TensorFlow SavedModel directory ({@code saved_model.pb}). */
    SAVED_MODEL("TensorFlow SavedModel directory (saved_model.pb)", "org.mlj:mlj-tensorflow"),
    /** A Keras 3 native {@code .keras} file (a zip of config.json and model.weights.h5). */
    KERAS("Keras 3 .keras file (zip)", "org.mlj:mlj-dl4j"),
    /** A Keras HDF5 file ({@code .h5}), Keras 1, 2 or 3 legacy layout. */
    HDF5("Keras HDF5 file (.h5)", "org.mlj:mlj-dl4j");

    /** Name of the manifest file that marks a bundle directory. */
    public static final String MANIFEST_FILE = "mlj.json";
    /** Name of the file that marks a SavedModel directory (binary protobuf). */
    public static final String SAVED_MODEL_FILE = "saved_model.pb";
    /** Name of the text-protobuf variant of {@link #SAVED_MODEL_FILE}. */
    public static final String SAVED_MODEL_TEXT_FILE = "saved_model.pbtxt";

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

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
            throw new ModelLoadException("Directory " + path + " is not a model: expected " + MANIFEST_FILE
                    + " (an mlj bundle) or saved_model.pb (a TensorFlow SavedModel) in it");
        }
        byte[] head = readHead(path, HDF5_SIGNATURE.length);
        if (startsWith(head, HDF5_SIGNATURE)) {
            return HDF5;
        }
        if (startsWith(head, ZIP_SIGNATURE)) {
            return KERAS;
        }
        String name = path.getFileName().toString();
        String hint = name.endsWith(".h5") || name.endsWith(".hdf5") ? " (named like HDF5, but the HDF5 signature is missing: truncated or corrupt?)"
                : name.endsWith(".keras") ? " (named like a .keras file, but it is not a zip: truncated or corrupt?)" : "";
        throw new ModelLoadException("File " + path + " is not a model file" + hint
                + ": expected a Keras .keras zip or an HDF5 .h5 file, or a SavedModel or mlj bundle directory");
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
