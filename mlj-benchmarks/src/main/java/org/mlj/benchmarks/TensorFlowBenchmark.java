package org.mlj.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mlj.api.DType;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Signature;
import org.mlj.api.Tensor;
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
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One prediction through raw TensorFlow Java ({@code SavedModelBundle} + {@code SessionFunction.call})
 * against the same prediction through {@code mlj-tensorflow}, per model and batch size, on the
 * bundles' real reference inputs.
 *
 * <ul>
 *   <li>{@code rawPrebuilt} / {@code mljPrebuilt}: the input tensor is built once; a call runs the
 *       model and returns its output tensor (raw: the native result, closed unread; mlj: the heap
 *       {@link Outputs} that {@code predict} returns).</li>
 *   <li>{@code rawFromArrays} / {@code mljFromArrays}: what an application does per call: build the
 *       input from a {@code float[]} or {@code int[]}, run, copy the output into a {@code float[]}. Both
 *       sides wrap the array without copying it ({@code DataBuffers.of(array, true, false)},
 *       {@code Tensor.wrap(array, shape)}), so each copies it once, into native memory.</li>
 * </ul>
 * The raw session and the mlj model are separate loads of the same SavedModel in one JVM.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TensorFlowBenchmark {
    @Param({"FFNN", "CNN", "LSTM"})
    public BenchmarkModel model;

    @Param({"1", "32", "256"})
    public int batch;

    private SavedModelBundle bundle;
    private SessionFunction function;
    private Map<String, org.tensorflow.Tensor> rawInputs;
    private Model mlj;
    private Map<String, Tensor> mljInputs;
    private Shape shape;
    private long[] dims;
    private float[] floats;
    private int[] ints;
    private int outputSize;

    /** Loads the SavedModel twice (raw and through mlj), builds the inputs and checks both give the same outputs. */
    @Setup
    public void load() {
        Tensor input = model.input(batch);
        dims = input.shape().dims();
        shape = Shape.of(dims);
        if (input.dtype() == DType.INT32) {
            ints = input.toIntArray();
        } else {
            floats = input.toFloatArray();
        }
        bundle = SavedModelBundle.load(model.bundle().resolve("saved_model").toString(), SavedModelBundle.DEFAULT_TAG);
        function = bundle.function(Signature.DEFAULT_NAME);
        rawInputs = Map.of(model.inputName(), rawTensor());
        mlj = Models.load(model.bundle(), BenchmarkModel.loadOptions("tensorflow"));
        // Built once and fed on every call: a direct tensor, which mlj-tensorflow hands to TensorFlow in place.
        mljInputs = Map.of(model.inputName(), input.direct());
        outputSize = Math.toIntExact(mlj.predict(mljInputs).first().size());
        model.requireSameOutputs(rawFromArrays(), mljFromArrays());
        BenchmarkModel.warmCell(this::rawPrebuilt, this::mljPrebuilt, this::rawFromArrays, this::mljFromArrays);
    }

    /** Frees both loads and the prebuilt raw input. */
    @TearDown
    public void close() {
        rawInputs.values().forEach(org.tensorflow.Tensor::close);
        bundle.close();
        mlj.close();
    }

    /** Raw TensorFlow Java on a prebuilt native input; the native result is closed unread. */
    @Benchmark
    public long rawPrebuilt() {
        try (Result result = function.call(rawInputs)) {
            return result.get(0).numBytes();
        }
    }

    /** mlj-tensorflow on a prebuilt (direct) {@link Tensor}. */
    @Benchmark
    public Outputs mljPrebuilt() {
        return mlj.predict(mljInputs);
    }

    /** Raw TensorFlow Java from a Java array to a Java array. */
    @Benchmark
    public float[] rawFromArrays() {
        try (org.tensorflow.Tensor input = rawTensor(); Result result = function.call(Map.of(model.inputName(), input))) {
            float[] output = new float[outputSize];
            ((TFloat32) result.get(0)).copyTo(DataBuffers.of(output, false, false));
            return output;
        }
    }

    /** mlj-tensorflow from a Java array to a Java array. */
    @Benchmark
    public float[] mljFromArrays() {
        Tensor input = ints != null ? Tensor.wrap(ints, dims) : Tensor.wrap(floats, dims);
        Outputs outputs = mlj.predict(Map.of(model.inputName(), input));
        return outputs.first().toFloatArray();
    }

    private org.tensorflow.Tensor rawTensor() {
        return ints != null ? TInt32.tensorOf(shape, DataBuffers.of(ints, true, false))
                : TFloat32.tensorOf(shape, DataBuffers.of(floats, true, false));
    }
}
