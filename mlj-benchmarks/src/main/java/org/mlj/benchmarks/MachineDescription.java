package org.mlj.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * The machine a benchmark ran on, read from {@code /proc} and the running JVM: processors, CPU model,
 * memory, Java version, date and load average. Immutable.
 *
 * @param processors available processors
 * @param cpuModel the {@code model name} of {@code /proc/cpuinfo}
 * @param memory total RAM, e.g. {@code 23.5 GiB}
 * @param java the Java runtime and VM
 * @param date when this description was taken, to the minute, with zone
 * @param loadAverage the 1, 5 and 15 minute load averages of {@code /proc/loadavg}
 */
record MachineDescription(int processors, String cpuModel, String memory, String java, String date, String loadAverage) {

    /** This machine, now. */
    static MachineDescription current() throws IOException {
        return new MachineDescription(Runtime.getRuntime().availableProcessors(), readCpuModel(), readMemory(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), currentLoadAverage());
    }

    /** The 1, 5 and 15 minute load averages, e.g. {@code 0.42 0.61 0.80}. */
    static String currentLoadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return String.join(" ", fields[0], fields[1], fields[2]);
    }

    /**
     * The CPU's model name, family and model, and its widest vector instructions: the same model name
     * covers CPU generations whose kernels run at very different speeds (e.g. "AMD EPYC" on Zen 5 with
     * AVX-512), so a run says which one it had.
     */
    private static String readCpuModel() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        String name = procField(cpuinfo, "model name").orElse("unknown");
        Optional<String> family = procField(cpuinfo, "cpu family");
        Optional<String> model = procField(cpuinfo, "model\t");
        List<String> flags = List.of(procField(cpuinfo, "flags").orElse("").split("\\s+"));
        String vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : flags.contains("avx") ? "AVX" : "no AVX";
        return name + " (" + family.map(f -> "family " + f + model.map(m -> " model " + m).orElse("") + ", ").orElse("") + vectors + ")";
    }

    private static String readMemory() throws IOException {
        return procField(Path.of("/proc/meminfo"), "MemTotal")
                .map(kilobytes -> String.format("%.1f GiB", Long.parseLong(kilobytes.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                .orElse("unknown");
    }

    private static Optional<String> procField(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return lines.stream()
                .filter(line -> line.startsWith(name))
                .map(line -> line.substring(line.indexOf(':') + 1).trim())
                .findFirst();
    }
}
