package org.mlj.cycles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mlj.api.testing.ModelFixtures;

/**
 * Loading, using and closing a bundle over and over does not grow the process: on both backends,
 * after a warm-up, {@code mlj.cycles.count} load/predict/close cycles of {@code models/mnist_cnn}
 * (default 100 in {@code mvn verify}; {@code concurrency-campaign.sh} runs 1,000) leave the resident
 * set size within {@code min(50 MB, 50 MB x cycles / 1000 + 20 MB)} of where it was after the
 * warm-up: the bound of 50 MB per 1,000 cycles, plus 20 MB in short runs for the noise of
 * the readings (dl4j's move by up to ~20 MB between readings while the JIT compiles). A model left
 * open on tensorflow grows RSS by ~150 MB per 100 cycles, far above the quick run's 25 MB; on dl4j an
 * unclosed model is freed by the garbage collector and does not grow it.
 *
 * <p>The cycles run in a child JVM ({@link LoadCloseCycles}) so that no other test moves the
 * figure, with a fixed, pre-touched Java heap so that what moves is native memory (TensorFlow,
 * ND4J, JIT code, metaspace), and each reading is taken after a full GC and glibc's
 * {@code malloc_trim}. Growth is measured from the lowest of the first three readings to the lowest
 * of the last three, so one reading caught while the allocator holds a transient peak does not
 * decide.
 */
class LoadCloseCycleTest {
    private static final int CYCLES = Integer.getInteger("mlj.cycles.count", 100);
    private static final int WARMUP = Integer.getInteger("mlj.cycles.warmup", 20);
    private static final String MODEL = System.getProperty("mlj.cycles.model", "mnist_cnn");
    private static final long BOUND_KB_PER_1000 = 50 * 1024;
    private static final long NOISE_KB = 20 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tensorflow", "dl4j"})
    void loadCloseCyclesLeaveRssWithinBound(String backend) throws Exception {
        int every = Math.max(1, CYCLES / 10);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.logFile=System.err", "-Dmlj.root=" + ModelFixtures.root(),
                "-cp", System.getProperty("java.class.path"), LoadCloseCycles.class.getName(),
                backend, MODEL, String.valueOf(WARMUP), String.valueOf(CYCLES), String.valueOf(every));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        Path log = dir.resolve("child-stderr.log");
        builder.redirectError(log.toFile());
        long start = System.nanoTime();
        Process child = builder.start();
        List<long[]> readings = new ArrayList<>(); // {cycle, kB}
        boolean done = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) { // bounded by the child's output
                if (line.startsWith("rss ")) {
                    String[] parts = line.split(" ");
                    readings.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                } else if (line.equals("done")) {
                    done = true;
                }
            }
        } finally {
            if (!child.waitFor(30 + CYCLES * 2L, TimeUnit.SECONDS)) { // bounded: 2 s per cycle at most
                child.destroyForcibly();
            }
        }
        assertThat(done).as("child finished (exit %s); its stderr:%n%s", child.isAlive() ? "none" : child.exitValue(),
                tail(log)).isTrue();
        assertThat(child.exitValue()).isZero();
        assertThat(readings).hasSizeGreaterThanOrEqualTo(4);
        long first = Math.min(readings.get(0)[1], Math.min(readings.get(1)[1], readings.get(2)[1]));
        int n = readings.size();
        long last = Math.min(readings.get(n - 1)[1], Math.min(readings.get(n - 2)[1], readings.get(n - 3)[1]));
        long growthKb = last - first;
        long boundKb = Math.min(BOUND_KB_PER_1000, BOUND_KB_PER_1000 * CYCLES / 1000 + NOISE_KB);
        long max = readings.stream().mapToLong(r -> r[1]).max().orElseThrow();
        report(String.format("%s %s: %d cycles after %d warm-up, RSS %.1f -> %.1f MB (growth %+.1f MB, bound %.1f MB; highest reading %.1f MB)"
                        + ", wall %.0f s; readings (cycle:MB) %s", backend, MODEL, CYCLES, WARMUP, first / 1024.0, last / 1024.0,
                growthKb / 1024.0, boundKb / 1024.0, max / 1024.0, (System.nanoTime() - start) / 1e9, readings(readings)));
        assertThat(growthKb).as("RSS growth in kB over %d load/close cycles", CYCLES).isLessThanOrEqualTo(boundKb);
    }

    private static String readings(List<long[]> readings) {
        StringBuilder text = new StringBuilder();
        for (long[] reading : readings) {
            text.append(text.length() == 0 ? "" : " ").append(reading[0]).append(':').append(Math.round(reading[1] / 1024.0));
        }
        return text.toString();
    }

    private static String tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "";
        }
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 4000));
    }

    private static void report(String line) throws IOException {
        System.err.println("cycles: " + line);
        String file = System.getProperty("mlj.cycles.report");
        if (file != null) {
            Path path = Path.of(file);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
