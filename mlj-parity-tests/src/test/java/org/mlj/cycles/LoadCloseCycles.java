package org.mlj.cycles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mlj.api.LoadOptions;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Shape;
import org.mlj.api.Tensor;
import org.mlj.api.TensorSpec;
import org.mlj.api.testing.ModelFixtures;

/**
 * Child-JVM program of {@link LoadCloseCycleTest}: loads a bundle with one backend, runs one
 * prediction and closes it, {@code warmup + cycles} times, and prints the process's resident set
 * size ({@code VmRSS} of {@code /proc/self/status}) after the warm-up and every {@code every}
 * cycles as {@code rss CYCLE KB}, then {@code done}. Runs alone in its JVM so that nothing else
 * moves the figure.
 *
 * <p>Usage: {@code LoadCloseCycles BACKEND MODEL WARMUP CYCLES EVERY}
 */
public final class LoadCloseCycles {
    private LoadCloseCycles() {
    }

    public static void main(String[] args) throws IOException {
        String backend = args[0];
        Path bundle = ModelFixtures.model(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int cycles = Integer.parseInt(args[3]);
        int every = Integer.parseInt(args[4]);
        LoadOptions options = LoadOptions.builder().backend(backend).build();
        for (int i = 0; i < warmup; i++) {
            cycle(bundle, options);
        }
        boolean nmt = Boolean.getBoolean("mlj.cycles.nmt"); // diagnosis: also run with -XX:NativeMemoryTracking=summary
        if (nmt) {
            nativeMemory("baseline");
        }
        System.out.println("rss 0 " + settledRssKb());
        for (int i = 1; i <= cycles; i++) {
            cycle(bundle, options);
            if (i % every == 0 || i == cycles) {
                System.out.println("rss " + i + " " + settledRssKb());
            }
        }
        if (nmt) {
            System.out.println(nativeMemory("summary.diff"));
        }
        System.out.println("done");
        System.out.flush();
    }

    private static void cycle(Path bundle, LoadOptions options) {
        try (Model model = Models.load(bundle, options)) {
            TensorSpec input = model.signature().requiredInputs().get(0);
            long[] dims = input.shape().dims();
            dims[0] = 1;
            float[] zeros = new float[Math.toIntExact(Shape.of(dims).size())];
            model.predict(Map.of(input.name(), Tensor.ofFloats(zeros, dims)));
        }
    }

    /**
     * {@code VmRSS} after a full GC (so that native memory held by unreachable Java objects is
     * released) and, unless {@code -Dmlj.cycles.trim=false}, after glibc's {@code malloc_trim}
     * ({@code jcmd System.trim_native_heap}), which returns freed malloc memory to the system:
     * without it, RSS counts memory that is free but kept by the allocator.
     */
    private static long settledRssKb() throws IOException {
        System.gc();
        if (!"false".equals(System.getProperty("mlj.cycles.trim"))) {
            diagnosticCommand("systemTrimNativeHeap");
        }
        return rssKb();
    }

    /** {@code jcmd <pid> VM.native_memory <command>} on this JVM. */
    private static String nativeMemory(String command) {
        return diagnosticCommand("vmNativeMemory", command);
    }

    /** A {@code jcmd} command on this JVM, by its MBean operation name. */
    private static String diagnosticCommand(String operation, String... arguments) {
        try {
            return (String) java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {arguments}, new String[] {String[].class.getName()});
        } catch (javax.management.JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code VmRSS} of {@code /proc/self/status}, in kB. */
    static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("/proc/self/status has no VmRSS line");
    }
}
