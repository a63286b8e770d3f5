package org.mlj.dl4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasLayer;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.config.KerasModelConfiguration;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.mlj.api.MljException;
import org.mlj.api.ModelLoadException;
import org.mlj.api.UnsupportedModelException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a DL4J {@link ComputationGraph} from a translated Keras config and the file's weights:
 * DL4J's importer reads the config (JSON path, no weights file), mlj reads the weights itself and hands
 * them to each DL4J Keras layer ({@code KerasLayer.setWeights}, which reorders LSTM gates, permutes
 * convolution kernels, ...), checks every parameter's shape against the network's, then copies them in.
 *
 * <p>The work runs on its own daemon thread and is abandoned after a timeout, so that a native hang
 * never blocks the caller for ever. Stateless and thread-safe.
 */
final class KerasGraphImporter {
    private static final Logger LOG = LoggerFactory.getLogger(KerasGraphImporter.class);

    private KerasGraphImporter() {
    }

    /**
     * A network and the DL4J type of every vertex's activations.
     *
     * @param network the initialised network holding the file's weights
     * @param activationTypes the output type of every vertex (inputs included), by vertex name
     * @param computations what mlj computes for each of {@link KerasGraph#computed()}, by layer name
     */
    record ImportedGraph(ComputationGraph network, Map<String, InputType> activationTypes,
                         Map<String, KerasComputation> computations) implements AutoCloseable {
        /** Frees the network's native memory (parameters, workspaces); for a network that will not be used. */
        @Override
        public void close() {
            network.close();
        }
    }

    /**
     * Imports a graph, waiting at most {@code timeout}. Takes ownership of {@code file}: the import
     * closes it when it ends, even after the caller stopped waiting.
     *
     * @throws ModelLoadException if the import fails or does not finish in time
     * @throws UnsupportedModelException if DL4J rejects part of the config
     */
    static ImportedGraph importGraph(KerasGraph graph, KerasFile file, Duration timeout) {
        AtomicBoolean abandoned = new AtomicBoolean();
        FutureTask<ImportedGraph> task = new FutureTask<>(() -> {
            ImportedGraph imported = build(graph, file);
            if (abandoned.get()) {
                imported.close();
            }
            return imported;
        });
        Thread worker = new Thread(task, "mlj-dl4j-import");
        worker.setDaemon(true);
        worker.start();
        try {
            return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abandoned.set(true);
            task.cancel(true);
            throw new ModelLoadException("The DL4J import of " + file.description() + " did not finish within "
                    + timeout.toSeconds() + " s and was abandoned (raise the load option "
                    + Dl4jBackend.IMPORT_TIMEOUT.key() + " if the model is just large)", e);
        } catch (InterruptedException e) {
            abandoned.set(true);
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelLoadException("Interrupted while importing " + file.description(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MljException mlj) {
                throw mlj;
            }
            if (cause instanceof UnsupportedKerasConfigurationException) {
                throw new UnsupportedModelException("DL4J cannot import " + file.description() + ": " + cause.getMessage(), cause);
            }
            throw new ModelLoadException("DL4J cannot import " + file.description() + ": " + cause, cause);
        }
    }

    private static ImportedGraph build(KerasGraph graph, KerasFile file) throws Exception {
        long started = System.nanoTime();
        Map<String, Map<String, INDArray>> weights;
        try (file) {
            weights = KerasWeightsReader.read(file, graph);
        }
        KerasModel keras = new KerasModelBuilder(new KerasModelConfiguration())
                .modelJson(graph.dl4jConfig())
                .enforceTrainingConfig(false)
                .buildModel();
        Map<String, KerasLayer> kerasLayers = keras.getLayers();
        Map<String, String> classes = new HashMap<>();
        graph.layers().forEach(layer -> classes.put(layer.name(), layer.className()));
        Map<String, KerasComputation> computations = new HashMap<>();
        for (KerasGraph.Layer layer : graph.layers()) {
            if (graph.computed().contains(layer.name())) {
                computations.put(layer.name(), KerasComputations.of(layer, weights.getOrDefault(layer.name(), Map.of()), file.description()));
            }
        }
        for (Map.Entry<String, Map<String, INDArray>> entry : weights.entrySet()) {
            if (graph.computed().contains(entry.getKey())) {
                continue;
            }
            KerasLayer layer = kerasLayers.get(entry.getKey());
            if (layer == null) {
                throw new ModelLoadException(file.description() + " has weights for layer '" + entry.getKey()
                        + "', which DL4J's import of the config does not have");
            }
            Map<String, INDArray> given = new HashMap<>(entry.getValue());
            if ("BatchNormalization".equals(classes.get(entry.getKey())) && given.containsKey("moving_mean")) {
                // center=False / scale=False: DL4J's importer wants the arrays anyway (and fails without both)
                given.putIfAbsent("beta", Nd4j.zerosLike(given.get("moving_mean")));
                given.putIfAbsent("gamma", Nd4j.onesLike(given.get("moving_mean")));
            }
            layer.setWeights(given);
            correctConv1dKernel(classes.get(entry.getKey()), entry.getValue(), layer);
        }
        ComputationGraphConfiguration configuration = keras.getComputationGraphConfiguration();
        setExactGelu(configuration, graph);
        ComputationGraph network = new ComputationGraph(configuration);
        network.init();
        ImportedGraph imported = new ImportedGraph(network, Map.of(), computations);
        try {
            checkShapes(network, kerasLayers, graph.computed(), file);
            for (Layer layer : network.getLayers()) {
                String name = layer.conf().getLayer().getLayerName();
                if (!graph.computed().contains(name)) {
                    copyWeights(kerasLayers.get(name), layer, file);
                }
            }
            InputType[] inputTypes = configuration.getNetworkInputs().stream()
                    .map(name -> keras.getOutputTypes().get(name)).toArray(InputType[]::new);
            Map<String, InputType> types = configuration.clone().getLayerActivationTypes(false, false, inputTypes);
            LOG.debug("Imported {} in {} ms: {} parameters", file.description(), (System.nanoTime() - started) / 1_000_000,
                    network.numParams());
            return new ImportedGraph(network, types, computations);
        } catch (Exception | Error e) {
            imported.close();
            throw e;
        }
    }

    /** Sets {@link KerasGelu} on the DL4J layers whose Keras activation is gelu (translated as linear). */
    private static void setExactGelu(ComputationGraphConfiguration configuration, KerasGraph graph) {
        for (KerasGraph.Layer layer : graph.layers()) {
            if (!"gelu".equals(layer.config().path("activation").asText()) || graph.computed().contains(layer.name())) {
                continue;
            }
            if (configuration.getVertices().get(layer.name()) instanceof LayerVertex vertex
                    && vertex.getLayerConf().getLayer() instanceof BaseLayer base) {
                base.setActivationFn(new KerasGelu());
            } else if (configuration.getVertices().get(layer.name()) instanceof LayerVertex vertex
                    && vertex.getLayerConf().getLayer() instanceof ActivationLayer activation) {
                activation.setActivationFn(new KerasGelu());
            } else {
                throw new UnsupportedModelException("The dl4j backend cannot set the gelu activation of layer '" + layer.name() + "'",
                        List.of(layer.name() + " (" + layer.className() + ": activation gelu)"), null);
            }
        }
    }

    /**
     * DL4J's copy, and for layers whose DL4J-Keras class reports no parameters although it set weights
     * (PReLU in M2.1, whose alpha would silently stay at its initial value), a direct copy of each.
     */
    private static void copyWeights(KerasLayer keras, Layer layer, KerasFile file) throws Exception {
        keras.copyWeightsToLayer(layer);
        Map<String, INDArray> given = keras.getWeights();
        if (keras.getNumParams() > 0 || given == null || given.isEmpty()) {
            return;
        }
        for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
            INDArray value = given.get(param.getKey());
            if (value == null || value.length() != param.getValue().length()) {
                throw new ModelLoadException(file.description() + ": layer '" + keras.getLayerName() + "' has no weight "
                        + param.getKey() + " of " + param.getValue().length() + " values");
            }
            layer.setParam(param.getKey(), value.reshape(param.getValue().shape()));
        }
    }

    /**
     * DL4J M2.1's Convolution1D layer declares its kernel parameter as {@code [out, in, kernel, 1]} but
     * its forward pass reshapes (does not permute) that buffer to the {@code [kernel, in, out]} that
     * libnd4j's {@code conv1d} op takes: the parameter must hold the Keras kernel's values in their Keras
     * order under DL4J's shape. {@code KerasConvolution1D.setWeights} gives the shape
     * {@code [kernel, in, out, 1]} instead, which the network refuses.
     */
    private static void correctConv1dKernel(String kerasClass, Map<String, INDArray> given, KerasLayer layer) {
        if (!"Conv1D".equals(kerasClass) && !"Convolution1D".equals(kerasClass)) {
            return;
        }
        INDArray kernel = given.get("kernel");
        if (kernel == null || kernel.rank() != 3) {
            return;
        }
        layer.getWeights().put("W", kernel.dup('c').reshape('c', kernel.size(2), kernel.size(1), kernel.size(0), 1));
    }

    /**
     * Checks each parameter the file provides against the network's: same shape, ignoring leading
     * dimensions of size 1 (Keras biases are [n], DL4J's [1, n]). A mere element-count match, which
     * DL4J would silently reshape, is an error.
     */
    private static void checkShapes(ComputationGraph network, Map<String, KerasLayer> kerasLayers, Set<String> computed,
                                    KerasFile file) {
        List<String> problems = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            KerasLayer keras = kerasLayers.get(name);
            if (keras == null || keras.getNumParams() == 0 || computed.contains(name)) {
                continue;
            }
            Map<String, INDArray> given = keras.getWeights();
            if (given == null) {
                throw new ModelLoadException(file.description() + " has no weights for layer '" + name + "'");
            }
            for (Map.Entry<String, INDArray> param : layer.paramTable().entrySet()) {
                INDArray value = given.get(param.getKey());
                if (value != null && !Arrays.equals(squeeze(value.shape()), squeeze(param.getValue().shape()))) {
                    problems.add(name + "/" + param.getKey() + " has shape " + Arrays.toString(value.shape())
                            + ", the network expects " + Arrays.toString(param.getValue().shape()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ModelLoadException(file.description() + ": weight shapes do not match the model config: "
                    + String.join("; ", problems));
        }
    }

    private static long[] squeeze(long[] shape) {
        int first = 0;
        while (first < shape.length - 1 && shape[first] == 1) {
            first++;
        }
        return Arrays.copyOfRange(shape, first, shape.length);
    }
}
