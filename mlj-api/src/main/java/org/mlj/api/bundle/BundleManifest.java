package org.mlj.api.bundle;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.mlj.api.BundleInfo;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;

/**
 * The manifest ({@code mlj.json}) of an mlj bundle, as written by {@code python -m mlj_export bundle}:
 * inputs and outputs in model order, layers, labels, preprocessing, training metrics and the Python
 * reference batches. The format is described in {@code docs/bundle-format.md}.
 *
 * <p>This is the bundle's JSON schema, for backends and tools; applications read what they need through
 * {@link org.mlj.api.Model#bundle()} ({@link BundleInfo}), which does not change when the schema grows.
 *
 * <p>Immutable and thread-safe. Read with {@link #read(Path)}.
 *
 * @param directory the bundle directory (not part of the JSON)
 * @param format always {@code mlj-bundle}
 * @param formatVersion manifest version; this release reads version 1
 * @param name model name
 * @param description what the model does, or {@code null}
 * @param created creation time (ISO 8601)
 * @param versions Keras, TensorFlow and mlj_export versions that wrote the bundle
 * @param files relative paths of the model files by kind ({@code saved_model}, {@code keras}, {@code h5})
 * @param signatures signature names by role ({@code default}, {@code layer_outputs})
 * @param inputs inputs in model order
 * @param outputs outputs in model order
 * @param layers layers (InputLayer excluded) in model order
 * @param labels class labels, or {@code null}
 * @param preprocessing how raw data becomes input
 * @param metrics training facts (accuracy, data source, ...)
 * @param reference the Python reference batches
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BundleManifest(
        @JsonIgnore Path directory,
        String format,
        int formatVersion,
        String name,
        String description,
        String created,
        Map<String, String> versions,
        Map<String, String> files,
        Map<String, String> signatures,
        List<TensorEntry> inputs,
        List<TensorEntry> outputs,
        List<LayerEntry> layers,
        List<String> labels,
        Preprocessing preprocessing,
        Map<String, Object> metrics,
        Reference reference) {

    /** The value of {@code format} in every bundle manifest. */
    public static final String FORMAT = "mlj-bundle";
    /** The manifest version this release reads. */
    public static final int FORMAT_VERSION = 1;
    /** The command that writes a bundle, for messages that tell a user to (re-)export one. */
    public static final String EXPORT_COMMAND = "python -m mlj_export bundle MODEL.keras OUT_DIR";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Normalises missing collections to empty ones. */
    public BundleManifest {
        versions = versions == null ? Map.of() : Map.copyOf(versions);
        files = files == null ? Map.of() : Map.copyOf(files);
        signatures = signatures == null ? Map.of() : Map.copyOf(signatures);
        inputs = inputs == null ? List.of() : List.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        layers = layers == null ? List.of() : List.copyOf(layers);
        labels = labels == null ? null : List.copyOf(labels);
        metrics = metrics == null ? Map.of() : metrics;
    }

    /**
     * Reads {@code mlj.json} from a bundle directory.
     *
     * @throws ModelLoadException if the file is missing, is not valid JSON, or is not a version-1 bundle manifest
     */
    public static BundleManifest read(Path bundleDirectory) {
        Path file = bundleDirectory.resolve(ModelFormat.MANIFEST_FILE);
        BundleManifest parsed;
        try {
            parsed = MAPPER.readValue(Files.readAllBytes(file), BundleManifest.class);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException("Invalid bundle manifest " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read bundle manifest " + file + ": " + e, e);
        }
        if (parsed == null) {
            throw new ModelLoadException("Bundle manifest " + file + " is empty or JSON null; expected a JSON object");
        }
        if (!FORMAT.equals(parsed.format())) {
            throw new ModelLoadException("Bundle manifest " + file + " has format '" + parsed.format() + "', expected '" + FORMAT + "'");
        }
        if (parsed.formatVersion() != FORMAT_VERSION) {
            throw new ModelLoadException("Bundle manifest " + file + " has format_version " + parsed.formatVersion()
                    + "; this mlj reads version " + FORMAT_VERSION + " (re-export with a matching mlj_export: " + EXPORT_COMMAND + ")");
        }
        if (parsed.inputs().isEmpty() || parsed.outputs().isEmpty()) {
            throw new ModelLoadException("Bundle manifest " + file + " lists no inputs or no outputs");
        }
        try {
            parsed.inputs().forEach(TensorEntry::toSpec);
            parsed.outputs().forEach(TensorEntry::toSpec);
            if (parsed.layers() != null) {
                parsed.layers().forEach(LayerEntry::toLayerInfos);
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ModelLoadException("Bundle manifest " + file + " has an invalid input, output or layer entry: "
                    + e.getMessage() + " (re-export the bundle)", e);
        }
        return parsed.withDirectory(bundleDirectory);
    }

    private BundleManifest withDirectory(Path dir) {
        return new BundleManifest(dir, format, formatVersion, name, description, created, versions, files, signatures,
                inputs, outputs, layers, labels, preprocessing, metrics, reference);
    }

    /**
     * The path of a model file of this bundle by kind ({@code saved_model}, {@code keras}, {@code h5}),
     * if the manifest lists it and it exists.
     */
    public Optional<Path> file(String kind) {
        String relative = files.get(kind);
        if (relative == null || directory == null) {
            return Optional.empty();
        }
        Path path = directory.resolve(relative);
        return Files.exists(path) ? Optional.of(path) : Optional.empty();
    }

    /** What a user needs from this manifest, as {@link org.mlj.api.Model#bundle()} returns it. */
    public BundleInfo info() {
        return new BundleInfo(name, description, labels, versions);
    }

    /**
     * Checks that the model a backend found in this bundle has the inputs and outputs the manifest
     * describes: the same names, each with the same dtype. Every backend calls this and
     * {@link #requireLayers}, with what its own runtime reports, before it uses the manifest's order,
     * shapes and layouts; both apply the same rule.
     *
     * @param where what the backend read, for the message, e.g. {@code model.keras}
     * @param inputs the model's inputs, in any order
     * @param outputs the model's outputs, in any order
     * @throws ModelLoadException naming the difference and how to fix it
     */
    public void requireSignature(String where, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        requireSame(where, "inputs", inputSpecs(), inputs);
        requireSame(where, "outputs", outputSpecs(), outputs);
    }

    /**
     * Checks that the model a backend found in this bundle has the layers the manifest lists (input
     * layers excluded): the same names, each with the same dtype.
     *
     * @param where what the backend read, for the message
     * @param layers the model's layers, in any order
     * @throws ModelLoadException naming the difference and how to fix it
     */
    public void requireLayers(String where, List<TensorSpec> layers) {
        requireSame(where, "layers", layerInfos().stream().map(l -> TensorSpec.of(l.name(), l.dtype(), l.outputShape())).toList(), layers);
    }

    private void requireSame(String where, String what, List<TensorSpec> declared, List<TensorSpec> found) {
        Map<String, DType> declaredTypes = declared.stream().collect(Collectors.toMap(TensorSpec::name, TensorSpec::dtype, (a, b) -> a));
        Map<String, DType> foundTypes = found.stream().collect(Collectors.toMap(TensorSpec::name, TensorSpec::dtype, (a, b) -> a));
        if (!declaredTypes.equals(foundTypes) || declared.size() != found.size()) {
            throw new ModelLoadException("Bundle " + directory + " is inconsistent: mlj.json lists " + what + " "
                    + describe(declared) + " but " + where + " has " + describe(found) + "; re-export it with " + EXPORT_COMMAND);
        }
    }

    private static List<String> describe(List<TensorSpec> specs) {
        return specs.stream().map(s -> s.name() + ": " + s.dtype()).toList();
    }

    /** The name of the serving signature ({@code serving_default} unless the manifest says otherwise). */
    public String defaultSignature() {
        return signatures.getOrDefault("default", Signature.DEFAULT_NAME);
    }

    /** The name of the signature that returns every layer's output, if the bundle has one. */
    public Optional<String> layerOutputsSignature() {
        return Optional.ofNullable(signatures.get("layer_outputs"));
    }

    /** The inputs as specs, in model order. */
    public List<TensorSpec> inputSpecs() {
        return inputs.stream().map(TensorEntry::toSpec).toList();
    }

    /** The outputs as specs, in model order. */
    public List<TensorSpec> outputSpecs() {
        return outputs.stream().map(TensorEntry::toSpec).toList();
    }

    /**
     * The layer outputs, in model order: one per layer, and for a layer with several outputs (a
     * {@code Bidirectional} with {@code merge_mode=None}) its further outputs right after it, named
     * {@code layer/1}, {@code layer/2}, ...
     */
    public List<LayerInfo> layerInfos() {
        return layers.stream().flatMap(layer -> layer.toLayerInfos().stream()).toList();
    }

    /** The reference batch directories ({@code reference/batch_1}, ...), smallest first. */
    public List<Path> referenceBatches() {
        List<Path> batches = new ArrayList<>();
        if (reference != null && reference.batches() != null && directory != null) {
            reference.batches().stream()
                    .sorted((a, b) -> Integer.compare(a.size(), b.size()))
                    .forEach(batch -> batches.add(directory.resolve("reference").resolve(batch.name())));
        }
        return batches;
    }

    /** The manifest as pretty JSON, for {@code mlj inspect}. */
    public String toJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print manifest", e);
        }
    }

    /**
     * One input or output.
     *
     * @param name key in the signature
     * @param dtype NumPy dtype name
     * @param shape dimensions, {@code null} for unknown
     * @param layout {@code NHWC}, {@code NTC}, {@code NT}, {@code NC} or {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TensorEntry(String name, String dtype, List<Long> shape, String layout) {
        /** As a {@link TensorSpec}. */
        public TensorSpec toSpec() {
            return new TensorSpec(name, DType.fromPythonName(dtype), Shape.fromList(shape), layout, false);
        }
    }

    /**
     * One layer.
     *
     * @param name layer name
     * @param className Keras class name
     * @param dtype output dtype
     * @param outputShape output shape, {@code null} for unknown dimensions
     * @param extraOutputs the layer's further outputs ({@code name/1}, ...), if it has several; may be {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LayerEntry(String name, @JsonProperty("class") String className, String dtype, List<Long> outputShape,
                             @JsonProperty("extra_outputs") List<TensorEntry> extraOutputs) {
        /** The layer's outputs as {@link LayerInfo}s: its first output, then each further one. */
        public List<LayerInfo> toLayerInfos() {
            List<LayerInfo> infos = new ArrayList<>();
            infos.add(new LayerInfo(name, className, DType.fromPythonName(dtype == null ? "float32" : dtype), Shape.fromList(outputShape)));
            if (extraOutputs != null) {
                for (TensorEntry extra : extraOutputs) {
                    if (extra == null || extra.name() == null) {
                        throw new IllegalArgumentException("layer '" + name + "' has an extra output without a name");
                    }
                    infos.add(new LayerInfo(extra.name(), className, DType.fromPythonName(extra.dtype() == null ? "float32" : extra.dtype()),
                            Shape.fromList(extra.shape())));
                }
            }
            return infos;
        }
    }

    /**
     * Preprocessing of raw data.
     *
     * @param image image preprocessing, or {@code null}
     * @param text text preprocessing, or {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Preprocessing(ImagePreprocessing image, TextPreprocessing text) {
    }

    /**
     * How images become input: size, channels, scaling.
     *
     * @param height rows
     * @param width columns
     * @param channels 1 for grayscale
     * @param scale how a pixel becomes a value, e.g. {@code pixel / 255}
     * @param background {@code black} when digits are light on dark (MNIST)
     * @param range value range of the input
     * @param flatten {@code row-major} when the model takes the image as a flat vector (the FFNN), else {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ImagePreprocessing(int height, int width, int channels, String scale, String background, List<Double> range,
                                     String flatten) {
    }

    /**
     * How text becomes token ids (see {@code docs/bundle-format.md} for the rules).
     *
     * @param vocabulary vocabulary file, relative to the bundle
     * @param lowercase {@code ascii}
     * @param strip regex whose matches become one space
     * @param tokenPattern regex whose matches are the tokens
     * @param maxLength sequence length
     * @param padding {@code pre} or {@code post}
     * @param truncating {@code pre} or {@code post}
     * @param padId padding id
     * @param oovId id of words outside the vocabulary
     * @param vocabularySize number of ids, specials included
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record TextPreprocessing(String vocabulary, String lowercase, String strip, String tokenPattern, int maxLength,
                                    String padding, String truncating, int padId, int oovId, int vocabularySize) {
    }

    /**
     * The Python reference batches.
     *
     * @param batches name and size of each batch under {@code reference/}
     * @param texts raw texts of a text model's reference batch, relative to the bundle, or {@code null}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reference(List<Batch> batches, String texts) {
    }

    /**
     * One reference batch.
     *
     * @param name directory name under {@code reference/}
     * @param size number of examples
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Batch(String name, int size) {
    }
}
