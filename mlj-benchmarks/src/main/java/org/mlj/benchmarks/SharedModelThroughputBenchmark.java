package org.mlj.benchmarks;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Predictions per second through one mlj model shared by one and by two threads, per backend, model
 * and batch size. Both threads call {@code predict} on the same loaded model with the same
 * prebuilt input, as a service's request threads would. Splitting a lone large call over the cores
 * ({@code <backend>.splitRows}) is off here, so that one thread means one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SharedModelThroughputBenchmark {
    @Param({"tensorflow", "dl4j"})
    public String backend;

    @Param({"FFNN", "CNN", "LSTM"})
    public BenchmarkModel model;

    @Param({"1", "256"})
    public int batch;

    private Model mlj;
    private Map<String, Tensor> inputs;

    /** Loads the model once for all threads. */
    @Setup
    public void load() {
        // Concurrent callers are what is measured, so a lone call is not split over the cores (splitRows 0)
        // unless mlj.bench.options says otherwise.
        LoadOptions options = BenchmarkModel.loadOptions(backend);
        String split = backend + ".splitRows";
        mlj = Models.load(model.bundle(), options.option(split).isPresent() ? options : options.toBuilder().option(split, 0).build());
        inputs = Map.of(model.inputName(), model.input(batch));
    }

    /** Closes the model. */
    @TearDown
    public void close() {
        mlj.close();
    }

    /** One thread calling the shared model. */
    @Benchmark
    @Threads(1)
    public Outputs oneThread() {
        return mlj.predict(inputs);
    }

    /** Two threads calling the shared model at once. */
    @Benchmark
    @Threads(2)
    public Outputs twoThreads() {
        return mlj.predict(inputs);
    }
}
