package org.mlj.api.testbackend;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlj.api.DType;
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
import org.mlj.api.spi.ModelSource;

/**
 * Test-only backend "echo": loads Keras files and bundles (priority 5); its model returns its
 * int32 input unchanged and serves no layer outputs.
 */
public final class EchoBackend implements Backend {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public String artifact() {
        return "org.mlj:mlj-echo";
    }

    @Override
    public Set<ModelFormat> formats() {
        return EnumSet.of(ModelFormat.KERAS, ModelFormat.HDF5, ModelFormat.MLJ_BUNDLE);
    }

    @Override
    public int priority(ModelFormat format) {
        return 5;
    }

    @Override
    public Model load(ModelSource source, LoadOptions options) {
        Signature signature = new Signature("serving_default",
                List.of(TensorSpec.of("ids", DType.INT32, Shape.of(-1, 4))),
                List.of(TensorSpec.of("same", DType.INT32, Shape.of(-1, 4))));
        return new AbstractModel("echo", source, List.of(signature), List.of()) {
            @Override
            protected Outputs run(Signature sig, Map<String, Tensor> inputs) {
                return new Outputs(Map.of("same", inputs.get("ids")));
            }

            @Override
            protected void release() {
            }
        };
    }
}
