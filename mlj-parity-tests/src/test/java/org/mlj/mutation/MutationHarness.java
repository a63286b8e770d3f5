package org.mlj.mutation;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Loads mutated model files in a child JVM ({@link MutantLoader}) with a timeout per file, so that a
 * native crash or hang is observed instead of suffered. One child serves many mutants and is replaced
 * when it crashes or hangs. Crashing and hanging mutants are copied to {@code findings/} for keeping.
 * Not thread-safe; close to end the child.
 */
final class MutationHarness implements AutoCloseable {
    /** What loading one mutant did. */
    enum Outcome { LOADED, TYPED, UNTYPED, CRASH, HANG }

    /**
     * The result of one mutant.
     *
     * @param outcome what happened
     * @param detail exception class and message, exit code, or timeout
     */
    record Result(Outcome outcome, String detail) {
    }

    private static final String END = "\u0000END";

    private final Path workDirectory;
    private final Path childLog;
    private final long timeoutMillis;
    private Process child;
    private PrintWriter toChild;
    private BlockingQueue<String> fromChild;

    MutationHarness(Path workDirectory, long timeoutMillis) {
        this.workDirectory = workDirectory;
        this.childLog = workDirectory.resolve("child-stderr.log");
        this.timeoutMillis = timeoutMillis;
    }

    /** Loads {@code path} with {@code backend} in the child JVM. */
    Result load(String backend, Path path) throws IOException, InterruptedException {
        if (child == null || !child.isAlive()) {
            start();
        }
        toChild.println(backend + "\t" + path);
        toChild.flush();
        String line = fromChild.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (line == null) {
            stop();
            return new Result(Outcome.HANG, "no answer within " + timeoutMillis + " ms");
        }
        if (line.equals(END)) {
            int exit = child.waitFor();
            child = null;
            return new Result(Outcome.CRASH, "child JVM died with exit code " + exit + " (see " + childLog + ")");
        }
        String[] parts = line.split("\t", 4);
        return new Result(Outcome.valueOf(parts[1]), parts.length > 3 ? parts[2] + ": " + parts[3] : "");
    }

    private void start() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                MutantLoader.class.getName());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        builder.redirectError(ProcessBuilder.Redirect.appendTo(childLog.toFile()));
        child = builder.start();
        toChild = new PrintWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8));
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        fromChild = queue;
        BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Thread pump = new Thread(() -> {
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("RESULT\t") || line.equals("READY")) {
                        queue.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the child is gone
            }
            queue.add(END);
        }, "mutant-loader-stdout");
        pump.setDaemon(true);
        pump.start();
        String ready = queue.poll(120, TimeUnit.SECONDS);
        if (!"READY".equals(ready)) {
            stop();
            throw new IOException("The mutant-loading JVM did not start (see " + childLog + ")");
        }
    }

    private void stop() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
            child = null;
        }
    }

    /** Copies a mutant (file or directory) to {@code findings/<name>} under the work directory. */
    Path keep(Path mutant, String name) throws IOException {
        Path target = workDirectory.resolve("findings").resolve(name);
        Files.createDirectories(target.getParent());
        if (Files.isDirectory(mutant)) {
            try (Stream<Path> paths = Files.walk(mutant)) {
                for (Path path : paths.toList()) {
                    Path copy = target.resolve(mutant.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(path, copy);
                    }
                }
            }
        } else {
            Files.copy(mutant, target);
        }
        return target;
    }

    /** Deletes a mutant. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (child != null) {
            toChild.close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
            child = null;
        }
    }

    /** Counts per format, for the report. */
    static final class Tally {
        final List<String> findings = new ArrayList<>();
        int mutants;
        int loaded;
        int typed;
        int untyped;
        int crashes;
        int hangs;

        void add(Result result, String what) {
            mutants++;
            switch (result.outcome()) {
                case LOADED -> loaded++;
                case TYPED -> typed++;
                case UNTYPED -> {
                    untyped++;
                    findings.add("untyped: " + what + " -> " + result.detail());
                }
                case CRASH -> {
                    crashes++;
                    findings.add("crash: " + what + " -> " + result.detail());
                }
                case HANG -> {
                    hangs++;
                    findings.add("hang: " + what + " -> " + result.detail());
                }
            }
        }

        @Override
        public String toString() {
            return mutants + " mutants: " + crashes + " crashes, " + hangs + " hangs, " + typed + " typed errors, "
                    + loaded + " loaded, " + untyped + " untyped errors";
        }
    }
}
