package org.mlj.api;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A loaded model, ready to predict. Obtain one from {@link Models#load(Path)} (or an injected
 * {@link ModelLoader}) and close it when done: it holds the backend's native resources.
 *
 * <pre>{@code
 * try (Model model = Models.load(Path.of("models/mnist_cnn"))) {
 *     Outputs out = model.predict(Map.of("image", Tensor.ofFloats(pixels, 1, 28, 28, 1)));
 *     float[] probabilities = out.get("predictions").toFloatArray();
 * }
 * }</pre>
 *
 * <p>Results are heap {@link Outputs}: nothing a call returns needs closing or outlives its validity.
 *
 * <p>Inputs and outputs are in Keras layout (NHWC images, [batch, time, features] sequences, int
 * token ids), whatever the backend uses inside. Inputs are validated against the signature before
 * native code runs ({@link InvalidInputException}).
 *
 * <p><b>Thread-safety:</b> {@code predict} and {@code layerOutputs} may be called from many threads
 * at once; each backend documents how it achieves that. {@code close()} waits for running calls and
 * makes later calls fail with {@link IllegalStateException}.
 */
public interface Model extends AutoCloseable {

    /** The backend that loaded this model: {@code tensorflow} or {@code dl4j}. */
    String backend();

    /** The path the model was loaded from. */
    Path source();

    /** The format the model was loaded from. */
    ModelFormat format();

    /** All signatures, the default one first. */
    List<Signature> signatures();

    /** The default signature (used by {@link #predict(Map)}). */
    default Signature signature() {
        return signatures().get(0);
    }

    /**
     * The signature with this name.
     *
     * @throws InvalidInputException listing the available signatures when there is none by that name
     */
    default Signature signature(String name) {
        for (Signature signature : signatures()) {
            if (signature.name().equals(name)) {
                return signature;
            }
        }
        throw new InvalidInputException("Unknown signature '" + name + "'; the model has "
                + signatures().stream().map(Signature::name).toList());
    }

    /**
     * Runs the default signature.
     *
     * @param inputs tensors by input name; optional inputs may be left out
     * @return outputs by output name, in the signature's order
     * @throws InvalidInputException if the inputs do not fit the signature
     */
    default Outputs predict(Map<String, Tensor> inputs) {
        return predict(signature().name(), inputs);
    }

    /**
     * Runs the named signature.
     *
     * @throws InvalidInputException for an unknown signature or inputs that do not fit it
     */
    Outputs predict(String signatureName, Map<String, Tensor> inputs);

    /**
     * Runs the default signature of a model with one required input and returns its first output.
     *
     * @throws InvalidInputException if the model has more than one required input, or the input does not fit
     */
    default Tensor predict(Tensor input) {
        List<TensorSpec> required = signature().requiredInputs();
        if (required.size() != 1) {
            throw new InvalidInputException("predict(Tensor) needs a model with exactly one required input; signature '"
                    + signature().name() + "' has " + signature().inputNames() + ": use predict(Map)");
        }
        return predict(Map.of(required.get(0).name(), input)).first();
    }

    /**
     * The layers whose outputs {@link #layerOutputs} can return, in model order; empty when the
     * backend cannot tell.
     */
    List<LayerInfo> layers();

    /** Whether {@link #layerOutputs} works for this model (see {@link #layerOutputsUnsupportedReason()}). */
    boolean supportsLayerOutputs();

    /** Why layer outputs are unavailable, and what to do about it; empty when they are available. */
    Optional<String> layerOutputsUnsupportedReason();

    /**
     * Intermediate layer outputs (activations) for inputs of the default signature, in Keras layout,
     * in the order asked for.
     *
     * @param inputs tensors by input name, as for {@link #predict(Map)}
     * @param layerNames layer names from {@link #layers()}
     * @throws UnsupportedModelException if this model cannot serve layer outputs (the message says why)
     * @throws InvalidInputException for an unknown layer name or inputs that do not fit
     */
    Outputs layerOutputs(Map<String, Tensor> inputs, Collection<String> layerNames);

    /**
     * What the bundle says about the model (name, description, class labels, the versions that wrote
     * it), when the model was loaded from an mlj bundle; empty for other formats.
     */
    Optional<BundleInfo> bundle();

    /**
     * Facts about how the backend runs this model, for {@code mlj inspect} and logs: runtime
     * version, tags, native build, whether accelerated paths engaged. Keys are backend-specific.
     */
    Map<String, String> details();

    /** Releases native resources. Idempotent. */
    @Override
    void close();
}
