package org.mlj.dl4j;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.layers.feedforward.PReLU;
import org.mlj.api.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The plain DL4J forward pass: {@link ComputationGraph#output} and, for layer outputs, the graph's
 * forward pass up to the asked-for vertices, with each result converted to Keras layout.
 *
 * <p>A {@code ComputationGraph} keeps per-call state in its layers, so one instance cannot serve two
 * threads at once. This class keeps a {@link NetworkPool} of graph copies. All copies share the one
 * parameter array (inference never writes it), so a copy costs only DL4J's per-layer objects, not
 * another set of weights. Each copy also keeps its last input arrays and refills them when the next
 * batch has the same shape, saving a native allocation per call.
 *
 * <p>At inference DL4J's activation layers (Activation, ReLU, Softmax, PReLU, ...) overwrite their
 * input, so an activation that such a layer later consumes would come back modified. Layer outputs
 * are therefore gathered in forward passes that each stop before the next such layer; a model without
 * one, or a request for layers past the last one, takes a single pass.
 */
final class GraphForwardPass implements ForwardPass {
    private final ComputationGraph prototype;
    private final KerasLayout[] outputLayouts;
    private final Map<String, KerasLayout> layerLayouts;
    private final NetworkPool<GraphRunner> pool;
    private final Map<String, Integer> positions = new HashMap<>();
    private final NavigableSet<Integer> inPlacePositions = new TreeSet<>();

    /**
     * @param network an initialised network holding its weights; it becomes the pool's first member
     * @param copies makes another network sharing {@code network}'s parameters
     * @param outputLayouts the DL4J-to-Keras conversion of each network output, in output order
     * @param layerLayouts the conversion of each layer's activation, by vertex name
     * @param maxCopies the most graphs that run at once (at least 1)
     */
    GraphForwardPass(ComputationGraph network, Supplier<ComputationGraph> copies, List<KerasLayout> outputLayouts,
                     Map<String, KerasLayout> layerLayouts, int maxCopies) {
        this.prototype = network;
        this.outputLayouts = outputLayouts.toArray(KerasLayout[]::new);
        this.layerLayouts = Map.copyOf(layerLayouts);
        this.pool = new NetworkPool<>(new GraphRunner(network), () -> new GraphRunner(copies.get()), maxCopies);
        int[] order = network.topologicalSortOrder();
        for (int position = 0; position < order.length; position++) {
            GraphVertex vertex = network.getVertices()[order[position]];
            positions.put(vertex.getVertexName(), position);
            if (vertex.hasLayer() && (vertex.getLayer() instanceof ActivationLayer || vertex.getLayer() instanceof PReLU)) {
                inPlacePositions.add(position);
            }
        }
    }

    @Override
    public Tensor[] outputs(Tensor[] inputs) {
        return pool.with(runner -> {
            INDArray[] outputs = runner.graph.output(false, runner.fill(inputs));
            Tensor[] tensors = new Tensor[outputs.length];
            for (int i = 0; i < outputs.length; i++) {
                tensors[i] = Nd4jTensors.toTensor(outputLayouts[i].toKeras(outputs[i]));
            }
            return tensors;
        });
    }

    @Override
    public Tensor[] activations(Tensor[] inputs, List<String> layers) {
        List<String> pending = layers.stream().sorted(Comparator.comparingInt(positions::get)).toList();
        return pool.with(runner -> {
            INDArray[] arrays = runner.fill(inputs);
            Tensor[] activations = new Tensor[layers.size()];
            int next = 0;
            while (next < pending.size()) {
                Integer inPlace = inPlacePositions.higher(positions.get(pending.get(next)));
                int last = next;
                while (last + 1 < pending.size() && (inPlace == null || positions.get(pending.get(last + 1)) < inPlace)) {
                    last++;
                }
                Map<String, INDArray> computed = runner.graph.feedForward(arrays, positions.get(pending.get(last)), false, true);
                for (String layer : pending.subList(next, last + 1)) {
                    activations[layers.indexOf(layer)] = Nd4jTensors.toTensor(layerLayouts.get(layer).toKeras(computed.get(layer)));
                }
                next = last + 1;
            }
            return activations;
        });
    }

    @Override
    public Map<String, String> details() {
        return Map.of("dl4j.forwardPass", "ComputationGraph", "dl4j.maxConcurrentNetworks", Integer.toString(pool.maxMembers()));
    }

    @Override
    public void close() {
        pool.clear();
        // Frees the parameters the pool's copies share, and the prototype's workspaces.
        prototype.close();
    }
}
