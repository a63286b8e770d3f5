package org.mlj.serving.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.mlj.api.Shape;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.DigitImages;
import org.mlj.api.bundle.TextTokenizer;

/**
 * What the web page's try-it panel needs from one model version's bundle ({@code mlj.json}): which
 * kind of input it takes and the bundle's own preprocessing for it (the same classes {@code ./mlj
 * digits} and {@code ./mlj sentiment} use), the class labels, and the TensorSpace export directory.
 * The only place in the web page that reads the bundle manifest. A version that is not an mlj bundle
 * (a bare SavedModel) is {@link Kind#OTHER}: the page offers a JSON request form for it.
 * Immutable and thread-safe.
 *
 * @param kind what the try-it panel offers
 * @param digits the image preprocessing, for {@link Kind#IMAGE}
 * @param tokenizer the text tokenizer, for {@link Kind#TEXT}
 * @param exampleShape the model input's shape for one example, for {@link Kind#IMAGE}
 * @param labels class labels in output order; empty when the bundle has none
 * @param tensorspace the directory of the TensorSpace (TensorFlow.js layers-model) export, if the bundle has one
 * @param note why the version is {@link Kind#OTHER} when it is not an image or text bundle
 */
record BundleInputs(Kind kind, DigitImages digits, TextTokenizer tokenizer, Shape exampleShape, List<String> labels,
                    Optional<Path> tensorspace, String note) {

    /** What the try-it panel offers for a model. */
    enum Kind {
        /** A one-channel image model (MNIST): canvas and PNG upload. */
        IMAGE,
        /** A text model with the exporter's tokenizer (IMDB): a text box. */
        TEXT,
        /** Anything else: a JSON request form for {@code :predict}. */
        OTHER;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Reads the bundle in a version directory; never throws: a directory that is no usable bundle is {@link Kind#OTHER}. */
    static BundleInputs of(Path versionDirectory) {
        if (!Files.isRegularFile(versionDirectory.resolve("mlj.json"))) {
            return other(List.of(), Optional.empty(), "not an mlj bundle (no mlj.json)");
        }
        BundleManifest manifest;
        try {
            manifest = BundleManifest.read(versionDirectory);
        } catch (RuntimeException e) {
            return other(List.of(), Optional.empty(), "mlj.json unreadable: " + e.getMessage());
        }
        List<String> labels = manifest.labels() == null ? List.of() : List.copyOf(manifest.labels());
        Optional<Path> tensorspace = manifest.file("tensorspace").filter(dir -> Files.isRegularFile(dir.resolve("model.json")));
        BundleManifest.Preprocessing preprocessing = manifest.preprocessing();
        try {
            if (preprocessing != null && preprocessing.image() != null) {
                return new BundleInputs(Kind.IMAGE, DigitImages.of(manifest), null,
                        manifest.inputSpecs().get(0).shape().withFirstDim(1), labels, tensorspace, "");
            }
            if (preprocessing != null && preprocessing.text() != null) {
                return new BundleInputs(Kind.TEXT, null, TextTokenizer.of(manifest), null, labels, tensorspace, "");
            }
        } catch (RuntimeException e) {
            return other(labels, tensorspace, "bundle preprocessing unusable: " + e.getMessage());
        }
        return other(labels, tensorspace, "the bundle has no image or text preprocessing");
    }

    private static BundleInputs other(List<String> labels, Optional<Path> tensorspace, String note) {
        return new BundleInputs(Kind.OTHER, null, null, null, labels, tensorspace, note);
    }
}
