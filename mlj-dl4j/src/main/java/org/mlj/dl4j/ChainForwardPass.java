package org.mlj.dl4j;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mlj.api.DType;
import org.mlj.api.InvalidInputException;
import org.mlj.api.Tensor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A forward pass for chains of layers (Sequential models, and functional models without branches:
 * one input, one output, each layer fed by the one before) that runs layer by layer, with faster
 * implementations where they compute the same thing as DL4J:
 * <ul>
 *   <li>each Keras LSTM as one call of libnd4j's fused {@code lstmLayer} op (all time steps in native
 *       code; oneDNN kernels in the oneDNN native build) instead of DL4J's per-time-step Java loop, and
 *       an Embedding feeding it as one {@code gather};</li>
 *   <li>each Dense layer as one gemm into a fresh array, its bias and DL4J's activation function,
 *       without DL4J's per-call workspace and validation work (most of a small model's time);</li>
 *   <li>each layer mlj computes itself ({@link KerasComputation}: GRU, masked or backward recurrent
 *       layers, LayerNormalization, TimeDistributed, ...) in Keras layout instead of its DL4J
 *       placeholder vertex, with the Keras mask that a Masking layer or {@code Embedding(mask_zero=True)}
 *       started (computed from that layer's input).</li>
 * </ul>
 * The other layers run as DL4J vertices, without workspaces; networks with convolution or pooling
 * layers, whose large activations make that slow, are left to {@link GraphForwardPass}.
 *
 * <p>Sequences between fused layers stay time-major ({@code [time, batch, features]}), the layout
 * whose oneDNN path is correct (the batch-first layouts give wrong results there); the op always
 * returns the full sequence and the last output and cell state, the only combination oneDNN runs.
 * LSTM weights are taken from the DL4J network, whose gate blocks are ordered (c, f, o, i), and
 * reordered to Keras's (i, f, c, o), which the op uses. Only tanh/sigmoid activations, forward,
 * non-stateful LSTMs without masking are fused; others run through DL4J.
 *
 * <p>{@link #plan} tells whether a network qualifies; {@link Dl4jBackend} falls back to {@link
 * GraphForwardPass} when it does not. Thread-safe: DL4J vertices keep per-call state, so each call
 * borrows a network copy from a {@link NetworkPool}; the fast layers' weights are shared read-only.
 */
final class ChainForwardPass implements ForwardPass {
    /** libnd4j {@code lstmLayer} activation codes. */
    private static final Map<String, Integer> ACTIVATIONS = Map.of("tanh", 0, "sigmoid", 2);
    /** For each Keras gate block (i, f, c, o), the DL4J block (c, f, o, i) holding it. */
    private static final int[] DL4J_BLOCK_OF_KERAS_GATE = {3, 1, 0, 2};

    private final ComputationGraph prototype;
    private final Plan plan;
    private final KerasLayout outputLayout;
    private final Map<String, KerasLayout> layerLayouts;
    private final NetworkPool<GraphRunner> pool;

    private ChainForwardPass(ComputationGraph network, Supplier<ComputationGraph> copies, Plan plan,
                             KerasLayout outputLayout, Map<String, KerasLayout> layerLayouts, int maxCopies) {
        this.prototype = network;
        this.plan = plan;
        this.outputLayout = outputLayout;
        this.layerLayouts = Map.copyOf(layerLayouts);
        this.pool = new NetworkPool<>(new GraphRunner(network), () -> new GraphRunner(copies.get()),
                maxCopies);
    }

    /**
     * How a network would run as a chain.
     *
     * @param steps the layers in execution order, empty if the network does not qualify
     * @param fusedLstm the LSTM layers, and Embeddings feeding them, that run as fused ops
     * @param lstmNotFused why LSTM layers are not fused (empty if all are, or there are none)
     * @param unsupportedReason why the network does not qualify, or null
     */
    record Plan(List<Step> steps, List<String> fusedLstm, List<String> lstmNotFused, String unsupportedReason) {

        static Plan unsupported(String reason) {
            return new Plan(List.of(), List.of(), List.of(), reason);
        }

        boolean supported() {
            return unsupportedReason == null;
        }

        /** The layers that run through a fast implementation, in execution order. */
        List<String> fastLayers() {
            return steps.stream().filter(step -> !(step instanceof Dl4jStep)).map(Step::name).toList();
        }

        /**
         * The chain pass for the planned network.
         *
         * @param network the planned network; it becomes the pool's first member
         * @param copies makes another network sharing {@code network}'s parameters
         * @param outputLayout the DL4J-to-Keras conversion of the network output
         * @param layerLayouts the conversion of each layer's activation, by vertex name
         * @param maxCopies the most networks that run at once (at least 1)
         */
        ChainForwardPass forwardPass(ComputationGraph network, Supplier<ComputationGraph> copies, KerasLayout outputLayout,
                                     Map<String, KerasLayout> layerLayouts, int maxCopies) {
            if (!supported()) {
                throw new IllegalStateException("Cannot run as a chain: " + unsupportedReason);
            }
            return new ChainForwardPass(network, copies, this, outputLayout, layerLayouts, maxCopies);
        }
    }

    /**
     * Plans the execution of {@code network}, imported from {@code graph}: it qualifies if it is a
     * chain without masking or convolution and pooling layers (those run several times faster inside
     * DL4J's graph, which recycles their large activations through workspaces, than as single
     * vertices), and at least one layer has a fast implementation.
     *
     * @param types the DL4J output type of every vertex, by name
     * @param fuseLstm whether LSTM layers may run as fused ops
     * @param directDense whether Dense layers may run directly
     */
    static Plan plan(ComputationGraph network, KerasGraph graph, Map<String, InputType> types, boolean fuseLstm,
                     boolean directDense, Map<String, KerasComputation> computations) {
        if (network.getConfiguration().getNetworkInputs().size() != 1 || network.getConfiguration().getNetworkOutputs().size() != 1) {
            return Plan.unsupported("not a single-input, single-output chain of layers");
        }
        int[] order = network.topologicalSortOrder();
        GraphVertex[] vertices = network.getVertices();
        List<Step> steps = new ArrayList<>();
        List<String> fusedLstm = new ArrayList<>();
        List<String> lstmNotFused = new ArrayList<>();
        for (int position = 1; position < order.length; position++) {
            GraphVertex vertex = vertices[order[position]];
            if (vertex.getInputVertices() == null || vertex.getInputVertices().length != 1
                    || vertex.getInputVertices()[0].getVertexIndex() != order[position - 1]) {
                return Plan.unsupported("not a single-input, single-output chain of layers");
            }
            String name = vertex.getVertexName();
            InputType inputType = types.get(vertices[order[position - 1]].getVertexName());
            Layer layer = vertex.hasLayer() ? vertex.getLayer() : null;
            if (computations.containsKey(name)) {
                KerasGraph.Layer keras = graph.layer(name).orElseThrow();
                steps.add(new ComputedStep(name, computations.get(name), graph.masked().contains(name), producesMask(keras)));
                continue;
            }
            if (computations.isEmpty() && (layer instanceof ConvolutionLayer || layer instanceof SubsamplingLayer)) {
                return Plan.unsupported("convolution and pooling layers run faster in DL4J's graph, with its workspaces");
            }
            boolean plainLayer = vertex instanceof LayerVertex layerVertex && layerVertex.getLayerPreProcessor() == null;
            if (fuseLstm && layer != null && isLstm(layer)) {
                String reason = plainLayer ? unfusableReason(name, graph) : "LSTM '" + name + "' has an input preprocessor";
                if (reason == null) {
                    steps.add(lstmStep(name, layer, graph, recurrentFormat(inputType)));
                    fusedLstm.add(name);
                    continue;
                }
                lstmNotFused.add(reason);
            } else if (directDense && layer != null && plainLayer && layer.getClass() == DenseLayer.class
                    && inputType instanceof InputType.InputTypeFeedForward
                    && !((org.deeplearning4j.nn.conf.layers.DenseLayer) layer.conf().getLayer()).hasLayerNorm()) {
                steps.add(denseStep(name, layer));
                continue;
            }
            steps.add(new Dl4jStep(name, order[position], recurrentFormat(inputType),
                    graph.layer(name).map(ChainForwardPass::producesMask).orElse(false)));
        }
        if (fuseLstm && steps.size() > 1 && steps.get(1) instanceof LstmStep && vertices[order[1]].hasLayer()
                && vertices[order[1]].getLayer() instanceof EmbeddingSequenceLayer embedding
                && embedding.paramTable().keySet().equals(Set.of("W"))) {
            steps.set(0, new EmbeddingStep(steps.get(0).name(), embedding.getParam("W")));
            fusedLstm.add(0, steps.get(0).name());
        }
        Plan plan = new Plan(List.copyOf(steps), List.copyOf(fusedLstm), List.copyOf(lstmNotFused), null);
        return plan.fastLayers().isEmpty()
                ? new Plan(List.of(), List.of(), plan.lstmNotFused(), "no layer with a faster implementation") : plan;
    }

    /** Whether a Keras layer starts a mask: Masking, or an Embedding with {@code mask_zero=True}. */
    private static boolean producesMask(KerasGraph.Layer layer) {
        return layer.className().equals("Masking")
                || layer.className().equals("Embedding") && layer.config().path("mask_zero").asBoolean(false);
    }

    /** Whether a DL4J layer is an LSTM, or wraps one (return_sequences=False imports as LastTimeStep(LSTM)). */
    private static boolean isLstm(Layer layer) {
        return layer instanceof LSTM || layer instanceof LastTimeStepLayer last && last.getUnderlying() instanceof LSTM;
    }

    private static String unfusableReason(String name, KerasGraph graph) {
        KerasGraph.Layer keras = graph.layers().stream().filter(layer -> layer.name().equals(name)).findFirst().orElse(null);
        if (keras == null) {
            return "LSTM '" + name + "' has no Keras layer";
        }
        for (String key : List.of("activation", "recurrent_activation")) {
            String activation = keras.config().path(key).asText("");
            if (!ACTIVATIONS.containsKey(activation)) {
                return "LSTM '" + name + "' has " + key + " '" + activation + "' (only tanh and sigmoid are fused)";
            }
        }
        for (String flag : List.of("go_backwards", "stateful", "return_state")) {
            if (keras.config().path(flag).asBoolean(false)) {
                return "LSTM '" + name + "' has " + flag + "=True";
            }
        }
        return null;
    }

    private static LstmStep lstmStep(String name, Layer layer, KerasGraph graph, RNNFormat inputFormat) {
        KerasGraph.Layer keras = graph.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
        INDArray kernel = layer.getParam("W");
        INDArray recurrent = layer.getParam("RW");
        INDArray bias = layer.getParam("b");
        int units = (int) (kernel.size(1) / 4);
        return new LstmStep(name, kerasGateOrder(kernel, units), kerasGateOrder(recurrent, units),
                bias == null ? null : kerasGateOrder(bias.reshape(1, 4L * units), units).reshape(4L * units),
                units, layer instanceof LSTM, inputFormat,
                ACTIVATIONS.get(keras.config().path("recurrent_activation").asText()),
                ACTIVATIONS.get(keras.config().path("activation").asText()));
    }

    /** A copy of a [rows, 4 * units] DL4J LSTM parameter with its gate blocks in Keras order. */
    private static INDArray kerasGateOrder(INDArray dl4j, int units) {
        INDArray keras = Nd4j.create(DataType.FLOAT, dl4j.size(0), 4L * units);
        for (int gate = 0; gate < 4; gate++) {
            int block = DL4J_BLOCK_OF_KERAS_GATE[gate];
            keras.get(NDArrayIndex.all(), NDArrayIndex.interval((long) gate * units, (long) (gate + 1) * units))
                    .assign(dl4j.get(NDArrayIndex.all(), NDArrayIndex.interval((long) block * units, (long) (block + 1) * units)));
        }
        return keras;
    }

    private static DenseStep denseStep(String name, Layer layer) {
        INDArray bias = layer.getParam("b");
        return new DenseStep(name, layer.getParam("W"), bias == null ? null : bias.reshape(1, bias.length()),
                ((org.deeplearning4j.nn.conf.layers.DenseLayer) layer.conf().getLayer()).getActivationFn());
    }

    private static RNNFormat recurrentFormat(InputType type) {
        return type instanceof InputType.InputTypeRecurrent recurrent ? recurrent.getFormat() : null;
    }

    @Override
    public Tensor[] outputs(Tensor[] inputs) {
        return pool.with(runner -> {
            try {
                Value value = run(runner, inputs, plan.steps().size(), null, null);
                return new Tensor[] {Nd4jTensors.toTensor(value.timeMajor() ? value.array().permute(1, 0, 2)
                        : outputLayout.toKeras(value.array()))};
            } finally {
                clear(runner);
            }
        });
    }

    @Override
    public Tensor[] activations(Tensor[] inputs, List<String> layers) {
        int last = layers.stream().mapToInt(this::position).max().orElse(-1);
        Tensor[] activations = new Tensor[layers.size()];
        return pool.with(runner -> {
            try {
                run(runner, inputs, last + 1, layers, activations);
                return activations;
            } finally {
                clear(runner);
            }
        });
    }

    private int position(String layer) {
        List<Step> steps = plan.steps();
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).name().equals(layer)) {
                return i;
            }
        }
        throw new IllegalArgumentException("No layer '" + layer + "' in the chain");
    }

    /**
     * Runs the first {@code count} steps; when {@code layers} is given, stores the Keras-layout
     * activation of each of them in {@code activations} as soon as it is computed (a later DL4J
     * activation layer may overwrite its input). The graph's inputs are set too: some DL4J vertices
     * read the batch size from them.
     */
    private Value run(GraphRunner runner, Tensor[] inputs, int count, List<String> layers, Tensor[] activations) {
        INDArray[] arrays = runner.fill(inputs);
        runner.graph.setInputs(arrays);
        Value value = new Value(arrays[0], false);
        String previous = null;
        INDArray mask = null;
        for (Step step : plan.steps().subList(0, count)) {
            if (step instanceof ComputedStep computed) {
                INDArray input = keras(value, previous);
                if (computed.producesMask()) {
                    mask = ((KerasMasking) computed.computation()).stepMask(input);
                }
                INDArray output = computed.computation().apply(input, computed.masked() ? mask : null);
                value = new Value(layerLayouts.get(step.name()).fromKeras(output).dup('c'), false);
            } else {
                if (step instanceof Dl4jStep dl4j && dl4j.producesMask()) {
                    mask = KerasMasking.nonZeroIds(keras(value, previous));
                }
                value = step instanceof EmbeddingStep embedding ? embedding.lookup(inputs[0]) : step.apply(value, runner.graph);
            }
            previous = step.name();
            if (layers != null) {
                int index = layers.indexOf(step.name());
                if (index >= 0) {
                    activations[index] = Nd4jTensors.toTensor(value.timeMajor() ? value.array().permute(1, 0, 2)
                            : layerLayouts.get(step.name()).toKeras(value.array()));
                }
            }
        }
        return value;
    }

    /** A value in Keras layout, knowing the layer that produced it (null: the network input, already in Keras layout). */
    private INDArray keras(Value value, String producer) {
        if (value.timeMajor()) {
            return value.array().permute(1, 0, 2);
        }
        return producer == null ? value.array() : layerLayouts.getOrDefault(producer, KerasLayout.SAME).toKeras(value.array());
    }

    private void clear(GraphRunner runner) {
        for (Step step : plan.steps()) {
            if (step instanceof Dl4jStep dl4j) {
                runner.graph.getVertices()[dl4j.vertex()].clear();
            }
        }
    }

    @Override
    public Map<String, String> details() {
        List<String> dense = plan.steps().stream().filter(DenseStep.class::isInstance).map(Step::name).toList();
        List<String> parts = new ArrayList<>();
        if (!plan.fusedLstm().isEmpty()) {
            parts.add("fused lstmLayer (" + String.join(", ", plan.fusedLstm()) + ")");
        }
        if (!dense.isEmpty()) {
            parts.add("direct Dense (" + String.join(", ", dense) + ")");
        }
        List<String> computed = plan.steps().stream().filter(ComputedStep.class::isInstance).map(Step::name).toList();
        if (!computed.isEmpty()) {
            parts.add("computed by mlj in Keras layout (" + String.join(", ", computed) + ")");
        }
        parts.add("other layers as DL4J vertices");
        return Map.of("dl4j.forwardPass", "chain: " + String.join(", ", parts),
                "dl4j.maxConcurrentNetworks", Integer.toString(pool.maxMembers()));
    }

    @Override
    public void close() {
        pool.clear();
        for (Step step : plan.steps()) {
            if (step instanceof LstmStep lstm) {
                lstm.close();
            }
        }
        // Frees the parameters the pool's copies share, and the prototype's workspaces.
        prototype.close();
    }

    /**
     * An activation between steps: in DL4J's layout for the producing vertex, or time-major
     * {@code [time, batch, features]} after a fused step.
     */
    private record Value(INDArray array, boolean timeMajor) {
    }

    /** One layer of the chain. */
    sealed interface Step permits Dl4jStep, EmbeddingStep, LstmStep, DenseStep, ComputedStep {
        /** The layer (vertex) name. */
        String name();

        /** The layer's activation for the previous layer's. */
        Value apply(Value input, ComputationGraph network);
    }

    /**
     * A layer mlj computes itself ({@link KerasComputation}) in place of its DL4J placeholder vertex.
     *
     * @param masked whether the layer receives the current Keras mask
     * @param producesMask whether the layer starts a mask (a Masking layer)
     */
    private record ComputedStep(String name, KerasComputation computation, boolean masked, boolean producesMask) implements Step {
        @Override
        public Value apply(Value input, ComputationGraph network) {
            throw new IllegalStateException("A computed step runs in Keras layout");
        }
    }

    /**
     * A layer DL4J runs.
     *
     * @param vertex the vertex index in the network
     * @param inputFormat the DL4J layout of a sequence input, null for other inputs
     * @param producesMask whether the layer is an {@code Embedding(mask_zero=True)}, whose input ids give the mask
     */
    private record Dl4jStep(String name, int vertex, RNNFormat inputFormat, boolean producesMask) implements Step {
        @Override
        public Value apply(Value input, ComputationGraph network) {
            GraphVertex graphVertex = network.getVertices()[vertex];
            LayerWorkspaceMgr workspaces = LayerWorkspaceMgr.noWorkspaces();
            graphVertex.setInput(0, dl4jLayout(input, inputFormat), workspaces);
            return new Value(graphVertex.doForward(false, workspaces), false);
        }
    }

    /** A time-major sequence converted to the DL4J layout {@code format}; other activations as they are. */
    private static INDArray dl4jLayout(Value value, RNNFormat format) {
        if (!value.timeMajor()) {
            return value.array();
        }
        return (format == RNNFormat.NCW ? value.array().permute(1, 2, 0) : value.array().permute(1, 0, 2)).dup('c');
    }

    /**
     * A Dense layer on {@code [batch, features]}: {@code activation(input · W + b)}, as DL4J computes it.
     *
     * @param bias [1, units], or null
     */
    private record DenseStep(String name, INDArray weights, INDArray bias, IActivation activation) implements Step {
        @Override
        public Value apply(Value input, ComputationGraph network) {
            INDArray x = input.array();
            INDArray output = Nd4j.createUninitialized(DataType.FLOAT, x.size(0), weights.size(1));
            Nd4j.gemm(x, weights, output, false, false, 1.0, 0.0);
            if (bias != null) {
                output.addiRowVector(bias);
            }
            return new Value(activation.getActivation(output, false), false);
        }
    }

    /** An Embedding fed by the network input and feeding a fused LSTM: one gather into time-major order. */
    private record EmbeddingStep(String name, INDArray table) implements Step {
        @Override
        public Value apply(Value input, ComputationGraph network) {
            throw new IllegalStateException("An embedding lookup reads the network input");
        }

        /** The embeddings of token ids {@code [batch, time]}, as {@code [time, batch, features]}. */
        Value lookup(Tensor ids) {
            long[] shape = ids.shape().dims();
            if (shape.length != 2) {
                throw new InvalidInputException("Embedding '" + name + "' expects token ids [batch, time], got shape " + ids.shape());
            }
            int batch = (int) shape[0];
            int time = (int) shape[1];
            long vocabulary = table.size(0);
            int[] timeMajor = new int[batch * time];
            IntBuffer source = ids.dtype() == DType.INT32 ? ids.intBuffer() : null;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < time; t++) {
                    int i = b * time + t;
                    double id = source != null ? source.get(i) : ids.getAsDouble(i);
                    if (id < 0 || id >= vocabulary || id != Math.rint(id)) {
                        throw new InvalidInputException("Embedding '" + name + "' got token id " + id + " at [" + b + ", " + t
                                + "], outside [0, " + vocabulary + ")");
                    }
                    timeMajor[t * batch + b] = (int) id;
                }
            }
            INDArray indices = Nd4j.createFromArray(timeMajor).reshape(time, batch);
            INDArray embedded = Nd4j.createUninitialized(DataType.FLOAT, time, batch, table.size(1));
            Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, indices).addOutputs(embedded)
                    .addIntegerArguments(0).build());
            return new Value(embedded, true);
        }
    }

    /**
     * An LSTM as one {@code lstmLayer} op.
     *
     * @param kernel input weights [nIn, 4 * units], gates i, f, c, o
     * @param recurrent recurrent weights [units, 4 * units]
     * @param bias biases [4 * units], or null
     * @param returnSequences whether the layer returns every step's output, else the last one
     * @param inputFormat the DL4J layout of the input when a DL4J layer produces it
     * @param gateActivation the libnd4j code of the gates' activation (Keras recurrent_activation)
     * @param activation the libnd4j code of the cell and output activation (Keras activation)
     */
    private record LstmStep(String name, INDArray kernel, INDArray recurrent, INDArray bias, int units, boolean returnSequences,
                            RNNFormat inputFormat, int gateActivation, int activation) implements Step {
        @Override
        public Value apply(Value input, ComputationGraph network) {
            INDArray x = input.array();
            if (!input.timeMajor()) {
                x = (inputFormat == RNNFormat.NCW ? x.permute(2, 0, 1) : x.permute(1, 0, 2)).dup('c');
            }
            long time = x.size(0);
            long batch = x.size(1);
            INDArray sequence = Nd4j.createUninitialized(DataType.FLOAT, time, batch, units);
            INDArray lastOutput = Nd4j.createUninitialized(DataType.FLOAT, batch, units);
            INDArray lastCell = Nd4j.createUninitialized(DataType.FLOAT, batch, units);
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("lstmLayer")
                    .addInputs(bias == null ? new INDArray[] {x, kernel, recurrent} : new INDArray[] {x, kernel, recurrent, bias})
                    .addOutputs(sequence, lastOutput, lastCell)
                    // dataFormat 0 = [time, batch, features], directionMode 0 = forward
                    .addIntegerArguments(0, 0, gateActivation, activation, activation)
                    // hasBiases, hasSeqLen, hasInitH, hasInitC, hasPH, retFullSeq, retLastH, retLastC
                    .addBooleanArguments(bias != null, false, false, false, false, true, true, true)
                    // no cell clipping
                    .addFloatingPointArguments(0.0);
            Nd4j.exec(op.build());
            return returnSequences ? new Value(sequence, true) : new Value(lastOutput, false);
        }

        void close() {
            for (INDArray array : bias == null ? List.of(kernel, recurrent) : List.of(kernel, recurrent, bias)) {
                if (array.closeable()) {
                    array.close();
                }
            }
        }
    }
}
