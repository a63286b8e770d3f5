package org.mlj.api.testbackend;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.ModelFormat;
import org.mlj.api.Outputs;
import org.mlj.api.Shape;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.spi.AbstractModel;
import org.mlj.api.spi.Backend;
import org.mlj.api.spi.BackendOption;
import org.mlj.api.spi.ModelSource;

/**
 * Test-only backend "doubling": loads SavedModel directories and bundles (priority 10); its model
 * maps {@code x} (float32 [?, 3]) to {@code y = 2x} and serves the layer output {@code double}.
 */
public final class DoublingBackend implements Backend {
    static final Signature SIGNATURE = new Signature("serving_default",
            List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 3)),
                    TensorSpec.of("training", DType.BOOL, Shape.scalar()).asOptional()),
            List.of(TensorSpec.of("y", DType.FLOAT32, Shape.of(-1, 3))));
    static final Signature HALVING = new Signature("halve",
            List.of(TensorSpec.of("x", DType.FLOAT32, Shape.of(-1, 3))),
            List.of(TensorSpec.of("half", DType.FLOAT32, Shape.of(-1, 3))));

    @Override
    public String name() {
        return "doubling";
    }

    @Override
    public String artifact() {
        return "org.mlj:mlj-doubling";
    }

    @Override
    public Set<ModelFormat> formats() {
        return EnumSet.of(ModelFormat.SAVED_MODEL, ModelFormat.MLJ_BUNDLE);
    }

    @Override
    public int priority(ModelFormat format) {
        return 10;
    }

    /** A declared option of each kind, so that the loader's checks can be tested. */
    @Override
    public List<BackendOption<?>> options() {
        return List.of(BackendOption.integer("doubling.threads", 0, 0, "threads"),
                BackendOption.bool("doubling.fast", true, "whether to be fast"));
    }

    @Override
    public Model load(ModelSource source, LoadOptions options) {
        List<Signature> signatures = AbstractModel.withDefaultFirst(List.of(SIGNATURE, HALVING), options.signature(),
                "serving_default");
        return new DoublingModel(source, signatures);
    }

    /** The model: y = 2x, half = x / 2. */
    public static final class DoublingModel extends AbstractModel {
        private volatile boolean released;

        DoublingModel(ModelSource source, List<Signature> signatures) {
            super("doubling", source, signatures, List.of(new LayerInfo("double", "Lambda", DType.FLOAT32, Shape.of(-1, 3))));
        }

        @Override
        protected Outputs run(Signature signature, Map<String, Tensor> inputs) {
            float factor = signature.name().equals("halve") ? 0.5f : 2f;
            Tensor x = inputs.get("x");
            float[] values = x.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] *= factor;
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put(signature.outputNames().get(0), Tensor.ofFloats(values, x.shape().dims()));
            return new Outputs(out);
        }

        @Override
        public Optional<String> layerOutputsUnsupportedReason() {
            return Optional.empty();
        }

        @Override
        protected Outputs runLayers(Map<String, Tensor> inputs, List<String> layerNames) {
            return new Outputs(Map.of("double", run(signature(), inputs).first()));
        }

        @Override
        protected void release() {
            released = true;
        }

        /** Whether release() ran. */
        public boolean released() {
            return released;
        }
    }
}
