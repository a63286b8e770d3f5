package org.mlj.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mlj.api.LayerInfo;
import org.mlj.api.Outputs;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
import org.mlj.api.UnsupportedModelException;
import org.mlj.api.spi.AbstractModel;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.spi.RowSplit;

/**
 * A Keras model running in Deeplearning4j, as {@link Dl4jBackend} loads it.
 *
 * <p>Inputs and outputs are in Keras layout whatever DL4J uses inside: NHWC images, {@code [batch,
 * time, features]} sequences, int token ids for an Embedding (fed to DL4J as floats). Outputs are
 * keyed by the Keras output layer names; {@link #layerOutputs} returns any layer's activation, converted
 * to the layout Keras gives it, so that it equals Python's per-layer output.
 *
 * <p><b>Thread-safety:</b> {@code predict} and {@code layerOutputs} may be called from many threads at
 * once. A DL4J network is not thread-safe, so the model keeps a bounded pool of network copies that
 * share one parameter array (load option {@link Dl4jBackend#POOL_SIZE}, default
 * the number of processors): a call borrows a copy, or waits for one when all are busy. Close the
 * model to free its native memory; {@code close()} waits for running calls.
 *
 * <p><b>Speed:</b> convolution and pooling layers run through oneDNN (with the default oneDNN native
 * build on Linux x86-64), LSTM layers through one fused native op, Dense layers as one gemm; {@link
 * #details()} tells which engaged. libnd4j's thread count is set only by the {@code OMP_NUM_THREADS}
 * environment variable, before the JVM starts; {@code OMP_NUM_THREADS=1} is fastest on small machines
 * (see {@link Dl4jBackend}).
 */
public final class Dl4jModel extends AbstractModel {
    private final ComputationGraph network;
    private final ForwardPass forwardPass;
    private final Set<String> layersWithActivations;
    private final Map<String, String> details;
    private final RowSplit rowSplit;

    /**
     * @param source what was loaded
     * @param signature the one signature, inputs and outputs in the network's order
     * @param layers the layers whose outputs {@link #layerOutputs} returns
     * @param layersWithActivations the layers the network has a counterpart for (normally all)
     * @param network the imported network, as {@link #network()} returns it
     * @param forwardPass runs the network
     * @param details facts for {@link #details()}
     * @param rowSplit how large calls are cut into parts on several cores
     */
    Dl4jModel(ModelSource source, Signature signature, List<LayerInfo> layers, Set<String> layersWithActivations,
              ComputationGraph network, ForwardPass forwardPass, Map<String, String> details, RowSplit rowSplit) {
        super(Dl4jBackend.NAME, source, List.of(signature), layers);
        this.network = network;
        this.forwardPass = forwardPass;
        this.layersWithActivations = Set.copyOf(layersWithActivations);
        this.details = Map.copyOf(details);
        this.rowSplit = rowSplit;
    }

    @Override
    protected RowSplit rowSplit() {
        return rowSplit;
    }

    /**
     * The DL4J network imported from the Keras file, holding the model's weights, for benchmarking and
     * interop: {@code network().output(false, input)} is what DL4J itself computes for an input in
     * DL4J's layout (with the oneDNN helpers this backend attaches), without this model's layout
     * conversions, network pool, fused LSTM or direct Dense paths.
     *
     * <p>Not thread-safe: it is also the first network of this model's pool, so call it from one thread
     * and never while {@code predict} or {@code layerOutputs} run on this model. The model owns it: do
     * not close or modify it, and do not use it after {@link #close()}.
     */
    public ComputationGraph network() {
        return network;
    }

    @Override
    protected Outputs run(Signature signature, Map<String, Tensor> inputs) {
        return named(signature.outputNames(), forwardPass.outputs(inOrder(signature, inputs)));
    }

    @Override
    protected Outputs runLayers(Map<String, Tensor> inputs, List<String> layerNames) {
        List<String> missing = layerNames.stream().filter(name -> !layersWithActivations.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new UnsupportedModelException("Layers " + missing + " of " + source()
                    + " have no counterpart in the DL4J network, so their outputs are unavailable");
        }
        return named(layerNames, forwardPass.activations(inOrder(signature(), inputs), layerNames));
    }

    private static Tensor[] inOrder(Signature signature, Map<String, Tensor> inputs) {
        return signature.inputNames().stream().map(inputs::get).toArray(Tensor[]::new);
    }

    private static Outputs named(List<String> names, Tensor[] tensors) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < tensors.length; i++) {
            named.put(names.get(i), tensors[i]);
        }
        return new Outputs(named);
    }

    @Override
    public Optional<String> layerOutputsUnsupportedReason() {
        return Optional.empty();
    }

    @Override
    public Map<String, String> details() {
        return details;
    }

    @Override
    protected void release() {
        forwardPass.close();
    }
}
