package org.mlj.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mlj.api.DType;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.dl4j.Dl4jModel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One prediction through raw DL4J ({@code ComputationGraph.output} on the network that mlj-dl4j
 * imports from the bundle's Keras file, {@link Dl4jModel#network()}) against the same prediction
 * through {@code mlj-dl4j}, per model and batch size, on the bundles' real reference inputs. The
 * variants are those of {@link TensorFlowBenchmark}; DL4J reads token ids as floats, so the raw LSTM
 * input is float32 and the raw from-arrays variant converts the {@code int[]} itself. Both paths run
 * the same network; they never run at once (one benchmark thread).
 *
 * <p>ND4J's thread count follows {@code OMP_NUM_THREADS}, which bench.sh sets.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class Dl4jBenchmark {
    @Param({"FFNN", "CNN", "LSTM"})
    public BenchmarkModel model;

    @Param({"1", "32", "256"})
    public int batch;

    private Model mlj;
    private ComputationGraph network;
    private INDArray rawInput;
    private Map<String, Tensor> mljInputs;
    private long[] dims;
    private float[] floats;
    private int[] ints;

    /** Loads the model through mlj, takes its network, builds the inputs and checks both give the same outputs. */
    @Setup
    public void load() {
        Tensor input = model.input(batch);
        dims = input.shape().dims();
        if (input.dtype() == DType.INT32) {
            ints = input.toIntArray();
        } else {
            floats = input.toFloatArray();
        }
        mlj = Models.load(model.bundle(), BenchmarkModel.loadOptions("dl4j"));
        network = ((Dl4jModel) mlj).network();
        rawInput = rawArray();
        mljInputs = Map.of(model.inputName(), input);
        model.requireSameOutputs(rawFromArrays(), mljFromArrays());
        BenchmarkModel.warmCell(this::rawPrebuilt, this::mljPrebuilt, this::rawFromArrays, this::mljFromArrays);
    }

    /** Closes the model, which frees the network. */
    @TearDown
    public void close() {
        rawInput.close();
        mlj.close();
    }

    /** Raw DL4J on a prebuilt input array. */
    @Benchmark
    public INDArray rawPrebuilt() {
        return network.output(false, rawInput)[0];
    }

    /** mlj-dl4j on a prebuilt {@link Tensor}. */
    @Benchmark
    public Outputs mljPrebuilt() {
        return mlj.predict(mljInputs);
    }

    /** Raw DL4J from a Java array to a Java array. */
    @Benchmark
    public float[] rawFromArrays() {
        try (INDArray input = rawArray()) {
            return network.output(false, input)[0].ravel().toFloatVector();
        }
    }

    /** mlj-dl4j from a Java array to a Java array. */
    @Benchmark
    public float[] mljFromArrays() {
        Tensor input = ints != null ? Tensor.wrap(ints, dims) : Tensor.wrap(floats, dims);
        Outputs outputs = mlj.predict(Map.of(model.inputName(), input));
        return outputs.first().toFloatArray();
    }

    private INDArray rawArray() {
        float[] values = floats;
        if (ints != null) {
            values = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                values[i] = ints[i];
            }
        }
        return Nd4j.create(values, dims, 'c');
    }
}
