package org.mlj.spark;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.mlj.api.BundleInfo;
import org.mlj.api.ModelFormat;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.InvalidInputException;
import org.mlj.api.Model;
import org.mlj.api.bundle.TextTokenizer;

/**
 * One model loaded in this JVM, with what the bundle says about preparing its inputs: class labels,
 * the text tokenizer and the image preprocessing. The only place in mlj-spark that reads the bundle
 * manifest. Owned by {@link ModelCache}, which closes it at JVM shutdown; tasks never close it.
 * Thread-safe: {@link Model#predict} may run from many tasks at once, the rest is created once.
 */
public final class CachedModel {
    private final Model model;
    private TextTokenizer tokenizer;
    private PngImages images;

    CachedModel(Model model) {
        this.model = model;
    }

    /** The loaded model. Do not close it: the cache does. */
    public Model model() {
        return model;
    }

    /** The bundle's class labels, in output order; empty when the model is not a bundle or has none. */
    public List<String> labels() {
        return model.bundle().map(BundleInfo::labels).orElse(List.of());
    }

    /** Whether the bundle tells how to tokenize text (for its one input). */
    boolean tokenizesText() {
        return bundleManifest().map(m -> m.preprocessing() != null && m.preprocessing().text() != null).orElse(false);
    }

    /** Whether the bundle tells how to prepare images (for its one input). */
    boolean takesImages() {
        return bundleManifest().map(m -> m.preprocessing() != null && m.preprocessing().image() != null).orElse(false);
    }

    /** The bundle's tokenizer. */
    synchronized TextTokenizer tokenizer() {
        if (tokenizer == null) {
            tokenizer = TextTokenizer.of(manifest("tokenize text"));
        }
        return tokenizer;
    }

    /** The bundle's image preparation (as {@code ./mlj digits}). */
    synchronized PngImages images() {
        if (images == null) {
            images = PngImages.of(manifest("prepare images"));
        }
        return images;
    }

    /** Pixels of one image file's bytes, prepared for the model. */
    float[] pixels(byte[] imageFile) throws IOException {
        return images().pixels(imageFile);
    }

    private BundleManifest manifest(String what) {
        Optional<BundleManifest> manifest = bundleManifest();
        return manifest.orElseThrow(() -> new InvalidInputException("Model " + model.source()
                + " is not an mlj bundle, so mlj-spark cannot " + what + " for it: feed numeric arrays instead"));
    }

    void close() {
        model.close();
    }

    private Optional<BundleManifest> bundleManifest;

    /** The bundle's manifest (tokenizer and image rules), read once; empty for other formats. */
    private synchronized Optional<BundleManifest> bundleManifest() {
        if (bundleManifest == null) {
            bundleManifest = model.format() == ModelFormat.MLJ_BUNDLE ? Optional.of(BundleManifest.read(model.source())) : Optional.empty();
        }
        return bundleManifest;
    }
}
