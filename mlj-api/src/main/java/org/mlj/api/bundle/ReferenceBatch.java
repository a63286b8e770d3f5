package org.mlj.api.bundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.LayerInfo;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.npy.NpyFile;

/**
 * One Python reference batch of a bundle ({@code reference/batch_N/}): the inputs Python was given
 * and the outputs and layer outputs it computed, as {@code .npy} files, by name in manifest order.
 * What the demo and the parity suite compare a backend with ({@link TensorComparison}). Immutable;
 * holds heap tensors only.
 *
 * @param name the batch's directory name, e.g. {@code batch_32}
 * @param directory the batch's directory
 * @param inputs inputs by name
 * @param outputs Python's outputs by name
 * @param layers Python's layer outputs by layer name (empty when the bundle lists no layers)
 */
public record ReferenceBatch(String name, Path directory, Map<String, Tensor> inputs, Map<String, Tensor> outputs,
                             Map<String, Tensor> layers) {

    /** Copies the maps, keeping their order. */
    public ReferenceBatch {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
    }

    /** Number of examples (the first dimension of the first input). */
    public long size() {
        return inputs.values().iterator().next().shape().dim(0);
    }

    /**
     * Reads every reference batch the manifest lists, smallest first.
     *
     * @throws ModelLoadException if the manifest lists none, or a listed file is missing or unreadable
     */
    public static List<ReferenceBatch> readAll(BundleManifest manifest) {
        List<Path> directories = manifest.referenceBatches();
        if (directories.isEmpty()) {
            throw new ModelLoadException("Bundle " + manifest.directory() + " lists no reference batches");
        }
        return directories.stream().map(directory -> read(manifest, directory)).toList();
    }

    /**
     * Reads the reference batch named {@code name} ({@code batch_32}).
     *
     * @throws ModelLoadException if there is no such batch, or a file is missing or unreadable
     */
    public static ReferenceBatch read(BundleManifest manifest, String name) {
        return manifest.referenceBatches().stream().filter(dir -> dir.getFileName().toString().equals(name)).findFirst()
                .map(dir -> read(manifest, dir))
                .orElseThrow(() -> new ModelLoadException("Bundle " + manifest.directory() + " has no reference batch '" + name
                        + "'; it has " + manifest.referenceBatches().stream().map(p -> p.getFileName().toString()).toList()));
    }

    private static ReferenceBatch read(BundleManifest manifest, Path directory) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (TensorSpec spec : manifest.inputSpecs()) {
            inputs.put(spec.name(), npy(directory.resolve("inputs").resolve(spec.name() + ".npy")));
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        for (TensorSpec spec : manifest.outputSpecs()) {
            outputs.put(spec.name(), npy(directory.resolve("outputs").resolve(spec.name() + ".npy")));
        }
        Map<String, Tensor> layers = new LinkedHashMap<>();
        for (LayerInfo layer : manifest.layerInfos()) {
            layers.put(layer.name(), npy(directory.resolve("layers").resolve(layer.name() + ".npy")));
        }
        return new ReferenceBatch(directory.getFileName().toString(), directory, inputs, outputs, layers);
    }

    private static Tensor npy(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("Reference file " + file + " is missing");
        }
        try {
            return NpyFile.read(file);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read reference file " + file + ": " + e.getMessage(), e);
        }
    }
}
