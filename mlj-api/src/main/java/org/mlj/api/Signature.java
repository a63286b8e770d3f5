package org.mlj.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A named entry point of a model: ordered input and output specs. Order is the model's own order
 * (Keras {@code model.inputs}/{@code model.outputs}), never alphabetical.
 *
 * <p>{@link #validate(Map)} checks a set of inputs against the specs; every backend calls it before
 * native code runs, so error messages are the same whatever the backend. Immutable and thread-safe.
 */
public final class Signature {
    /**
     * The name of the signature a model runs by default, as TensorFlow's {@code model.export} and
     * {@code tf.saved_model.save} write it and as mlj names the signature of a Keras file.
     */
    public static final String DEFAULT_NAME = "serving_default";

    private final String name;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, TensorSpec> inputsByName;

    /**
     * A signature.
     *
     * @throws IllegalArgumentException if two inputs or two outputs share a name
     */
    public Signature(String name, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        this.name = Objects.requireNonNull(name, "name");
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.inputsByName = index(this.inputs, "input");
        index(this.outputs, "output");
    }

    private Map<String, TensorSpec> index(List<TensorSpec> specs, String kind) {
        Map<String, TensorSpec> byName = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("Signature '" + name + "' has two " + kind + "s named '" + spec.name() + "'");
            }
        }
        return byName;
    }

    /** The signature's name, e.g. {@code serving_default}. */
    public String name() {
        return name;
    }

    /** Inputs in model order, optional ones included. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** Outputs in model order. */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** Input names in model order. */
    public List<String> inputNames() {
        return inputs.stream().map(TensorSpec::name).toList();
    }

    /** Output names in model order. */
    public List<String> outputNames() {
        return outputs.stream().map(TensorSpec::name).toList();
    }

    /** The input spec with this name, if any. */
    public Optional<TensorSpec> input(String inputName) {
        return Optional.ofNullable(inputsByName.get(inputName));
    }

    /** The inputs that must be given (all but the optional ones), in model order. */
    public List<TensorSpec> requiredInputs() {
        return inputs.stream().filter(spec -> !spec.optional()).toList();
    }

    /**
     * Checks inputs against this signature and {@link InputLimits#DEFAULT}: every name known, every
     * required input present, dtypes equal (a string tensor where numbers are expected is a dtype
     * error), shapes compatible (rank and every known dimension), no empty input, one batch size across
     * the inputs whose first dimension is the batch, sizes within the limits. Values are not checked:
     * NaN and infinities are data and pass through.
     *
     * @throws InvalidInputException naming the first problem and the input, with what was expected
     */
    public void validate(Map<String, Tensor> given) {
        validate(given, InputLimits.DEFAULT);
    }

    /**
     * Checks inputs as {@link #validate(Map)} does, against the given limits.
     *
     * @throws InvalidInputException naming the first problem and the input, with what was expected
     */
    public void validate(Map<String, Tensor> given, InputLimits limits) {
        if (given == null) {
            throw new InvalidInputException("Inputs for signature '" + name + "' are null; expected " + describe(requiredInputs()));
        }
        String batchInput = null;
        long batch = -1;
        for (Map.Entry<String, Tensor> entry : given.entrySet()) {
            TensorSpec spec = inputsByName.get(entry.getKey());
            if (spec == null) {
                throw new InvalidInputException("Unknown input '" + entry.getKey() + "' for signature '" + name
                        + "'; expected one of " + inputNames());
            }
            Tensor tensor = entry.getValue();
            if (tensor == null) {
                throw new InvalidInputException("Input '" + spec.name() + "' is null; expected " + spec.dtype() + " " + spec.shape());
            }
            if (tensor.dtype() != spec.dtype()) {
                throw new InvalidInputException("Input '" + spec.name() + "' has dtype " + tensor.dtype()
                        + (tensor.dtype() == DType.STRING ? " (strings)" : "")
                        + ", expected " + spec.dtype() + " (shape " + spec.shape() + ")");
            }
            checkShape(spec, tensor.shape());
            limits.checkTensor(spec.name(), tensor.shape());
            if (tensor.shape().rank() > 0 && tensor.shape().size() == 0) {
                throw new InvalidInputException("Input '" + spec.name() + "' is empty (shape " + tensor.shape()
                        + "); expected at least one element: " + spec.shape());
            }
            if (isBatched(spec)) {
                long first = tensor.shape().dim(0);
                if (batchInput == null) {
                    batchInput = spec.name();
                    batch = first;
                } else if (first != batch) {
                    throw new InvalidInputException("Input '" + spec.name() + "' has batch size " + first + " (shape "
                            + tensor.shape() + "), but input '" + batchInput + "' has " + batch
                            + "; every input of one call needs the same batch size");
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (TensorSpec spec : inputs) {
            if (!spec.optional() && !given.containsKey(spec.name())) {
                missing.add(spec.toString());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("Missing input" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " for signature '" + name + "'; given " + given.keySet());
        }
        limits.checkRequest(given);
    }

    /**
     * Whether the spec's first dimension is the batch: its layout starts with {@code N}, or, without a
     * layout, it has rank 2 or more and an unknown first dimension (a rank-1 {@code [?]} input may be a
     * vector of any length).
     */
    private static boolean isBatched(TensorSpec spec) {
        Shape shape = spec.shape();
        if (shape.isUnknownRank() || shape.rank() == 0 || shape.dim(0) != Shape.UNKNOWN) {
            return false;
        }
        return spec.layout() != null && !spec.layout().isEmpty() ? spec.layout().startsWith("N") : shape.rank() >= 2;
    }

    private void checkShape(TensorSpec spec, Shape actual) {
        Shape expected = spec.shape();
        if (expected.isUnknownRank()) {
            return;
        }
        if (expected.rank() != actual.rank()) {
            throw new InvalidInputException("Input '" + spec.name() + "' has shape " + actual + " (rank " + actual.rank()
                    + "), expected rank " + expected.rank() + ": " + expected);
        }
        for (int i = 0; i < expected.rank(); i++) {
            long want = expected.dim(i);
            if (want != Shape.UNKNOWN && want != actual.dim(i)) {
                throw new InvalidInputException("Input '" + spec.name() + "' has shape " + actual + ", expected "
                        + expected + " (dimension " + i + " is " + actual.dim(i) + ", expected " + want + ")");
            }
        }
    }

    private static String describe(List<TensorSpec> specs) {
        return specs.stream().map(TensorSpec::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Signature that && name.equals(that.name) && inputs.equals(that.inputs)
                && outputs.equals(that.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, inputs, outputs);
    }

    /** {@code serving_default(image: float32 [?, 28, 28, 1]) -> (predictions: float32 [?, 10])}. */
    @Override
    public String toString() {
        return name + inputs.stream().map(TensorSpec::toString).collect(Collectors.joining(", ", "(", ")")) + " -> "
                + outputs.stream().map(TensorSpec::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
