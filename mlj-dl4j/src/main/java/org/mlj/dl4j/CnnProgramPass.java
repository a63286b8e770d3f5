package org.mlj.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.graph.vertex.impl.PreprocessorVertex;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.mlj.api.Tensor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A forward pass for plain channels-last CNN chains (Conv2D, MaxPooling2D / AveragePooling2D, Flatten,
 * Dropout, Dense: LeNet- and VGG-style Sequential models) that runs a <em>fixed program</em> of libnd4j
 * ops instead of DL4J's graph. Per network-pool member and batch size, every activation array, every view
 * of one, and one reusable {@link OpContext} per op (inputs, outputs and arguments bound once) are made
 * the first time that batch size comes; a call then copies the input in, runs the ops ({@code conv2d},
 * {@code maxpool2d}/{@code avgpool2d}, {@code matmul} + {@code biasadd}, in-place {@code relu}/{@code softmax}/...)
 * and copies the output out, allocating no native memory.
 *
 * <p>Why: DL4J makes ~55 native buffers per call of a small CNN at batch 1 (a shape-info buffer for
 * every new array, the ReLU's scalar, dups), each registered with ND4J's deallocator and freed after
 * the next collection; the garbage costs 60-100 ms young-GC pauses every ~1.2 s and keeps a second core
 * busy, so two callers did not scale (see BENCHMARKS.md). The ops are those DL4J's oneDNN helpers run,
 * so the results are DL4J's; {@link Dl4jBackend} still checks each program against the graph at load
 * and falls back to the graph on any difference.
 *
 * <p>{@link #plan} tells whether a network qualifies: one input, a chain of the layers above in NHWC,
 * convolution and pooling in Truncate, Strict or Same mode (average pooling without padding),
 * activations identity, ReLU (plain), sigmoid, tanh or softmax, and Flatten keeping Keras's
 * (height, width, channel) order. Thread-safe: each call borrows a member from a {@link NetworkPool};
 * the weights are shared read-only.
 */
final class CnnProgramPass implements ForwardPass {
    /** Programs kept per pool member (batch sizes seen most recently); older ones are closed. */
    private static final int PROGRAMS_PER_MEMBER = 4;

    private final ComputationGraph prototype;
    private final String inputName;
    private final List<Step> steps;
    private final KerasLayout outputLayout;
    private final Map<String, KerasLayout> layerLayouts;
    private final NetworkPool<Member> pool;
    private final List<Member> members = new CopyOnWriteArrayList<>();

    private CnnProgramPass(ComputationGraph prototype, String inputName, List<Step> steps, KerasLayout outputLayout,
                           Map<String, KerasLayout> layerLayouts, int maxMembers) {
        this.prototype = prototype;
        this.inputName = inputName;
        this.steps = List.copyOf(steps);
        this.outputLayout = outputLayout;
        this.layerLayouts = Map.copyOf(layerLayouts);
        this.pool = new NetworkPool<>(newMember(), this::newMember, maxMembers);
    }

    private Member newMember() {
        Member member = new Member();
        members.add(member);
        return member;
    }

    /**
     * The program pass for {@code network}, or null with the reason in {@code whyNot} when the network
     * does not qualify.
     *
     * @param types the DL4J output type of every vertex, by name
     * @param maxMembers the most calls that run at once
     */
    static CnnProgramPass plan(ComputationGraph network, Map<String, InputType> types, KerasLayout outputLayout,
                               Map<String, KerasLayout> layerLayouts, int maxMembers, StringBuilder whyNot) {
        if (network.getConfiguration().getNetworkInputs().size() != 1 || network.getConfiguration().getNetworkOutputs().size() != 1) {
            whyNot.append("not a single-input, single-output chain");
            return null;
        }
        int[] order = network.topologicalSortOrder();
        GraphVertex[] vertices = network.getVertices();
        InputType input = types.get(vertices[order[0]].getVertexName());
        if (!(input instanceof InputType.InputTypeConvolutional image) || image.getFormat() != CNN2DFormat.NHWC) {
            whyNot.append("the input is not a channels-last image");
            return null;
        }
        List<Step> steps = new ArrayList<>();
        boolean convolution = false;
        for (int position = 1; position < order.length; position++) {
            GraphVertex vertex = vertices[order[position]];
            if (vertex.getInputVertices() == null || vertex.getInputVertices().length != 1
                    || vertex.getInputVertices()[0].getVertexIndex() != order[position - 1]) {
                whyNot.append("not a chain of layers");
                return null;
            }
            String name = vertex.getVertexName();
            String reason;
            if (vertex instanceof PreprocessorVertex preprocessorVertex) {
                reason = flatten(name, preprocessorVertex.getPreProcessor(), steps);
            } else if (vertex instanceof LayerVertex layerVertex) {
                reason = layerVertex.getLayerPreProcessor() == null ? null : flatten(name, layerVertex.getLayerPreProcessor(), steps);
                if (reason == null) {
                    reason = layer(name, layerVertex.getLayer(), steps);
                    convolution |= layerVertex.getLayer() instanceof ConvolutionLayer;
                }
            } else {
                reason = "vertex '" + name + "' is a " + vertex.getClass().getSimpleName();
            }
            if (reason != null) {
                whyNot.append(reason);
                return null;
            }
        }
        if (!convolution) {
            whyNot.append("no convolution");
            return null;
        }
        return new CnnProgramPass(network, vertices[order[0]].getVertexName(), steps, outputLayout, layerLayouts, maxMembers);
    }

    /** Adds the step for one layer; the reason it cannot, or null. */
    private static String layer(String name, Layer layer, List<Step> steps) {
        if (layer.getClass() == ConvolutionLayer.class) {
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.conf().getLayer();
            INDArray weights = layer.getParam("W");
            int[] kernel = conf.getKernelSize();
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NHWC || !planarMode(conf.getConvolutionMode()) || weights == null
                    || weights.rank() != 4 || weights.size(2) != kernel[0] || weights.size(3) != kernel[1]) {
                return "convolution '" + name + "' is not a plain channels-last Conv2D";
            }
            String activation = activationOp(conf.getActivationFn());
            if (activation == null) {
                return "convolution '" + name + "' has activation " + conf.getActivationFn();
            }
            INDArray bias = conf.hasBias() ? layer.getParam("b") : null;
            // conv2d takes [kH, kW, iC, oC] weights; DL4J keeps [oC, iC, kH, kW]
            steps.add(new Conv(name, weights.permute(2, 3, 1, 0).dup('c'), bias == null ? null : bias.reshape(bias.length()),
                    kernel, conf.getStride(), conf.getPadding(), conf.getDilation(), conf.getConvolutionMode() == ConvolutionMode.Same,
                    activation));
            return null;
        }
        if (layer.getClass() == SubsamplingLayer.class) {
            var conf = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf().getLayer();
            boolean max = conf.getPoolingType() == PoolingType.MAX;
            boolean unpaddedAverage = conf.getPoolingType() == PoolingType.AVG && conf.getConvolutionMode() != ConvolutionMode.Same
                    && conf.getPadding()[0] == 0 && conf.getPadding()[1] == 0;
            if (conf.getCnn2dDataFormat() != CNN2DFormat.NHWC || !planarMode(conf.getConvolutionMode()) || !(max || unpaddedAverage)) {
                return "pooling '" + name + "' is not a channels-last max pooling or unpadded average pooling";
            }
            steps.add(new Pool(name, max, conf.getKernelSize(), conf.getStride(), conf.getPadding(), conf.getDilation(),
                    conf.getConvolutionMode() == ConvolutionMode.Same));
            return null;
        }
        if (layer.getClass() == DropoutLayer.class) {
            steps.add(new Same(name));
            return null;
        }
        if (layer.getClass() == DenseLayer.class) {
            var conf = (org.deeplearning4j.nn.conf.layers.DenseLayer) layer.conf().getLayer();
            String activation = activationOp(conf.getActivationFn());
            if (conf.hasLayerNorm() || !conf.hasBias() || activation == null) {
                return "Dense '" + name + "' has layer normalization, no bias or activation " + conf.getActivationFn();
            }
            INDArray bias = layer.getParam("b");
            steps.add(new Dense(name, layer.getParam("W"), bias.reshape(bias.length()), activation));
            return null;
        }
        return "layer '" + name + "' is a " + layer.getClass().getSimpleName();
    }

    /**
     * Adds a Flatten step for a CNN-to-dense preprocessor that keeps the channels-last element order (a
     * reshape); the reason it cannot, or null. The order is read off the preprocessor itself on a probe.
     */
    private static String flatten(String name, InputPreProcessor preprocessor, List<Step> steps) {
        if (!(preprocessor instanceof CnnToFeedForwardPreProcessor cnn) || cnn.getFormat() != CNN2DFormat.NHWC) {
            return "'" + name + "' has preprocessor " + preprocessor;
        }
        int size = Math.toIntExact(cnn.getInputHeight() * cnn.getInputWidth() * cnn.getNumChannels());
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = i;
        }
        try (INDArray probe = Nd4j.create(values, new long[] {1, cnn.getInputHeight(), cnn.getInputWidth(), cnn.getNumChannels()}, 'c')) {
            INDArray flat = cnn.preProcess(probe, 1, LayerWorkspaceMgr.noWorkspaces());
            if (!flat.reshape(size).equals(probe.reshape(size))) {
                return "'" + name + "' flattens channels-first";
            }
        }
        steps.add(new Flatten(name));
        return null;
    }

    private static boolean planarMode(ConvolutionMode mode) {
        return mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict || mode == ConvolutionMode.Same;
    }

    /** The in-place libnd4j op of a DL4J activation, "" for identity, null if the program has none. */
    private static String activationOp(IActivation activation) {
        if (activation instanceof ActivationIdentity) {
            return "";
        }
        if (activation instanceof ActivationReLU relu) {
            boolean plain = (relu.getMax() == null || relu.getMax() == 0) && (relu.getThreshold() == null || relu.getThreshold() == 0)
                    && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0);
            return plain ? "relu" : null;
        }
        if (activation instanceof ActivationSoftmax) {
            return "softmax";
        }
        if (activation instanceof ActivationSigmoid) {
            return "sigmoid";
        }
        if (activation instanceof ActivationTanH) {
            return "tanh";
        }
        return null;
    }

    @Override
    public Tensor[] outputs(Tensor[] inputs) {
        return pool.with(member -> {
            Program program = member.program(inputs[0]);
            program.run(inputs[0]);
            return new Tensor[] {Nd4jTensors.toTensor(outputLayout.toKeras(program.output()))};
        });
    }

    @Override
    public Tensor[] activations(Tensor[] inputs, List<String> layers) {
        return pool.with(member -> {
            Program program = member.program(inputs[0]);
            program.run(inputs[0]);
            Tensor[] activations = new Tensor[layers.size()];
            for (int i = 0; i < activations.length; i++) {
                String layer = layers.get(i);
                activations[i] = Nd4jTensors.toTensor(layerLayouts.getOrDefault(layer, KerasLayout.SAME).toKeras(program.activation(layer)));
            }
            return activations;
        });
    }

    @Override
    public Map<String, String> details() {
        List<String> kinds = steps.stream().map(step -> step.getClass().getSimpleName()).distinct().toList();
        return Map.of("dl4j.forwardPass", "fixed program of libnd4j ops (" + String.join(", ", kinds)
                        + "; arrays and op contexts made once per batch size)",
                "dl4j.maxConcurrentNetworks", Integer.toString(pool.maxMembers()));
    }

    /**
     * How this program's outputs and layer activations differ from DL4J's graph on a probe batch of two
     * seeded random images, or null if they agree within 1e-5 (absolute, plus 1e-5 relative). Run once,
     * at load, before any call.
     *
     * @param types the DL4J output type of every vertex, by name (the input's gives the image size)
     */
    String differenceFromGraph(Map<String, InputType> types) {
        int[] order = prototype.topologicalSortOrder();
        InputType.InputTypeConvolutional image = (InputType.InputTypeConvolutional) types.get(prototype.getVertices()[order[0]].getVertexName());
        long[] shape = {2, image.getHeight(), image.getWidth(), image.getChannels()};
        float[] values = new float[Math.toIntExact(2 * image.getHeight() * image.getWidth() * image.getChannels())];
        java.util.Random random = new java.util.Random(20261201);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        Tensor probe = Tensor.wrap(values, shape);
        List<String> layers = steps.stream().map(Step::name).toList();
        Tensor[] mine = activations(new Tensor[] {probe}, layers);
        try (INDArray input = Nd4j.create(values, shape, 'c')) {
            Map<String, INDArray> graph = prototype.feedForward(new INDArray[] {input}, false, false);
            for (int i = 0; i < layers.size(); i++) {
                Tensor expected = Nd4jTensors.toTensor(layerLayouts.getOrDefault(layers.get(i), KerasLayout.SAME).toKeras(graph.get(layers.get(i))));
                String difference = difference(layers.get(i), mine[i], expected);
                if (difference != null) {
                    return difference;
                }
            }
        } finally {
            prototype.clearLayersStates();
        }
        return null;
    }

    private static String difference(String layer, Tensor actual, Tensor expected) {
        if (!actual.shape().equals(expected.shape())) {
            return "the program's layer '" + layer + "' has shape " + actual.shape() + ", DL4J's " + expected.shape();
        }
        for (long i = 0; i < actual.size(); i++) {
            double a = actual.getAsDouble(i);
            double e = expected.getAsDouble(i);
            if (!(Math.abs(a - e) <= 1e-5 + 1e-5 * Math.abs(e))) {
                return "the program's layer '" + layer + "' differs from DL4J's at element " + i + ": " + a + " vs " + e;
            }
        }
        return null;
    }

    /** Frees what the program made, leaving the network open (its owner closes it). */
    void discard() {
        pool.clear();
        members.forEach(Member::close);
        for (Step step : steps) {
            step.close();
        }
    }

    @Override
    public void close() {
        discard();
        // Frees the parameters the Dense and Conv steps read.
        prototype.close();
    }

    /** A pool member: the programs of the batch sizes it ran last. Used by one thread at a time. */
    private final class Member {
        private final LinkedHashMap<Long, Program> programs = new LinkedHashMap<>(8, 0.75f, true);

        Program program(Tensor input) {
            long[] dims = input.shape().dims();
            Program program = programs.get(dims[0]);
            if (program == null || !program.accepts(dims)) {
                if (program != null) {
                    program.close();
                }
                program = new Program(inputName, steps, dims);
                programs.put(dims[0], program);
                if (programs.size() > PROGRAMS_PER_MEMBER) {
                    Long eldest = programs.keySet().iterator().next();
                    programs.remove(eldest).close();
                }
            }
            return program;
        }

        void close() {
            programs.values().forEach(Program::close);
            programs.clear();
        }
    }

    /** The arrays and op contexts of one batch size: made once, then run call after call. */
    private static final class Program implements AutoCloseable {
        private final long[] inputShape;
        private final INDArray input;
        private final Map<String, INDArray> activations = new LinkedHashMap<>();
        private final List<INDArray> owned = new ArrayList<>();
        private final List<Bound> ops = new ArrayList<>();
        private final INDArray output;

        Program(String inputName, List<Step> steps, long[] inputShape) {
            this.inputShape = inputShape.clone();
            this.input = own(Nd4j.createUninitialized(DataType.FLOAT, inputShape, 'c'));
            activations.put(inputName, input);
            INDArray value = input;
            try {
                for (Step step : steps) {
                    value = step.bind(value, this);
                    activations.put(step.name(), value);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            this.output = value;
        }

        boolean accepts(long[] dims) {
            return java.util.Arrays.equals(inputShape, dims);
        }

        INDArray own(INDArray array) {
            owned.add(array);
            return array;
        }

        /** Binds an op to fixed inputs and outputs; it runs on every call. */
        void op(String name, INDArray[] inputs, INDArray output, long[] integerArguments, double... floatArguments) {
            OpContext context = Nd4j.getExecutioner().buildContext();
            context.setInputArrays(inputs);
            context.setOutputArrays(output);
            if (integerArguments.length > 0) {
                context.setIArguments(integerArguments);
            }
            if (floatArguments.length > 0) {
                context.setTArguments(floatArguments);
            }
            ops.add(new Bound(DynamicCustomOp.builder(name).build(), context));
        }

        /** Applies an activation in place ("" is the identity). */
        void activation(String op, INDArray array) {
            if (!op.isEmpty()) {
                op(op, new INDArray[] {array}, array, new long[0], op.equals("relu") ? new double[] {0.0} : new double[0]);
            }
        }

        void run(Tensor tensor) {
            Nd4jTensors.copy(tensor, input);
            for (Bound bound : ops) {
                Nd4j.getExecutioner().exec(bound.op(), bound.context());
            }
        }

        INDArray output() {
            return output;
        }

        INDArray activation(String layer) {
            INDArray activation = activations.get(layer);
            if (activation == null) {
                throw new IllegalArgumentException("No layer '" + layer + "' in the program");
            }
            return activation;
        }

        @Override
        public void close() {
            for (Bound bound : ops) {
                try {
                    bound.context().close();
                } catch (Exception e) {
                    throw new IllegalStateException("Could not free an op context", e);
                }
            }
            ops.clear();
            for (INDArray array : owned) {
                if (array.closeable()) {
                    array.close();
                }
            }
            owned.clear();
        }
    }

    /** An op and its context, bound to a program's arrays. */
    private record Bound(CustomOp op, OpContext context) {
    }

    /** One layer of the program. */
    private sealed interface Step permits Conv, Pool, Flatten, Same, Dense {
        String name();

        /** Binds the layer's ops in {@code program} for input {@code x}; its activation. */
        INDArray bind(INDArray x, Program program);

        /** Frees weights the step made for itself. */
        default void close() {
        }
    }

    /** Output size of a convolution or pooling window along one axis, as DL4J and libnd4j compute it. */
    private static long outputSize(long in, int kernel, int stride, int padding, int dilation, boolean same) {
        if (same) {
            return (in + stride - 1) / stride;
        }
        long effectiveKernel = (long) dilation * (kernel - 1) + 1;
        return (in + 2L * padding - effectiveKernel) / stride + 1;
    }

    /** Conv2D: {@code conv2d} (NHWC, [kH, kW, iC, oC] weights), then the activation in place. */
    private record Conv(String name, INDArray weights, INDArray bias, int[] kernel, int[] stride, int[] padding, int[] dilation,
                        boolean same, String activation) implements Step {
        @Override
        public INDArray bind(INDArray x, Program program) {
            long height = outputSize(x.size(1), kernel[0], stride[0], padding[0], dilation[0], same);
            long width = outputSize(x.size(2), kernel[1], stride[1], padding[1], dilation[1], same);
            INDArray out = program.own(Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), height, width, weights.size(3)}, 'c'));
            program.op("conv2d", bias == null ? new INDArray[] {x, weights} : new INDArray[] {x, weights, bias}, out,
                    new long[] {kernel[0], kernel[1], stride[0], stride[1], same ? 0 : padding[0], same ? 0 : padding[1],
                            dilation[0], dilation[1], same ? 1 : 0, 1, 0});
            program.activation(activation, out);
            return out;
        }

        @Override
        public void close() {
            weights.close();
        }
    }

    /** MaxPooling2D or AveragePooling2D: {@code maxpool2d} / {@code avgpool2d} in NHWC. */
    private record Pool(String name, boolean max, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean same) implements Step {
        @Override
        public INDArray bind(INDArray x, Program program) {
            long height = outputSize(x.size(1), kernel[0], stride[0], padding[0], dilation[0], same);
            long width = outputSize(x.size(2), kernel[1], stride[1], padding[1], dilation[1], same);
            INDArray out = program.own(Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), height, width, x.size(3)}, 'c'));
            program.op(max ? "maxpool2d" : "avgpool2d", new INDArray[] {x}, out,
                    new long[] {kernel[0], kernel[1], stride[0], stride[1], same ? 0 : padding[0], same ? 0 : padding[1],
                            dilation[0], dilation[1], same ? 1 : 0, 0, 1});
            return out;
        }
    }

    /** Flatten in channels-last order: a view. */
    private record Flatten(String name) implements Step {
        @Override
        public INDArray bind(INDArray x, Program program) {
            return x.reshape('c', x.size(0), x.length() / x.size(0));
        }
    }

    /** A layer that passes its input on at inference (Dropout). */
    private record Same(String name) implements Step {
        @Override
        public INDArray bind(INDArray x, Program program) {
            return x;
        }
    }

    /**
     * Dense: {@code matmul} ({@code x · W}, W [nIn, nOut]), {@code biasadd} and the activation in place.
     * Not the fused {@code xw_plus_b}: its oneDNN implementation in libnd4j 1.0.0-M2.1 took ~1 ms per call
     * at any batch size on an AMD Zen 5 CPU (matmul + biasadd: 12 µs; see BENCHMARKS.md).
     */
    private record Dense(String name, INDArray weights, INDArray bias, String activation) implements Step {
        @Override
        public INDArray bind(INDArray x, Program program) {
            INDArray out = program.own(Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), weights.size(1)}, 'c'));
            program.op("matmul", new INDArray[] {x, weights}, out, new long[0]);
            program.op("biasadd", new INDArray[] {out, bias}, out, new long[0]);
            program.activation(activation, out);
            return out;
        }
    }
}
