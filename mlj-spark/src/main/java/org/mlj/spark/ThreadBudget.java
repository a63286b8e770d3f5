package org.mlj.spark;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.mlj.api.LoadOptions;

/**
 * How many native threads a model may use in one executor, derived from Spark's own settings so
 * that mlj never oversubscribes the cores Spark hands out. An executor runs {@code slots} tasks at
 * once ({@code spark.executor.cores / spark.task.cpus}; for {@code local[N]}, {@code N / spark.task.cpus})
 * and each task may use {@code spark.task.cpus} cores.
 * <ul>
 *   <li>{@code tensorflow}: intra-op threads = {@code spark.task.cpus} (one op spreads over at most a
 *       task's cores), inter-op threads = {@code slots} (each running task has an op in flight).</li>
 *   <li>{@code dl4j}: {@code dl4j.poolSize} = {@code slots} network copies, so concurrent tasks never wait
 *       for one another. ND4J's OpenMP threads follow only the {@code OMP_NUM_THREADS} environment
 *       variable, read when the executor JVM starts: set {@code spark.executorEnv.OMP_NUM_THREADS} to
 *       {@code spark.task.cpus} (the transformer logs a warning on an executor where it is unset or larger).</li>
 * </ul>
 * Immutable, thread-safe and serializable.
 *
 * @param taskCpus {@code spark.task.cpus}
 * @param slots tasks an executor runs at once
 */
public record ThreadBudget(int taskCpus, int slots) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?]");

    /** Validates the components. */
    public ThreadBudget {
        if (taskCpus < 1 || slots < 1) {
            throw new IllegalArgumentException("taskCpus and slots must be >= 1, got " + taskCpus + " and " + slots);
        }
    }

    /**
     * The budget for an application with this configuration: {@code spark.task.cpus} (default 1) and
     * {@code spark.executor.cores}, or the thread count of a {@code local[N]} master; without either,
     * the cores of this machine.
     */
    public static ThreadBudget of(SparkConf conf) {
        int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
        int cores = executorCores(conf.get("spark.master", "local[*]").trim().toLowerCase(Locale.ROOT),
                conf.getInt("spark.executor.cores", 0));
        return new ThreadBudget(taskCpus, Math.max(1, cores / taskCpus));
    }

    private static int executorCores(String master, int executorCores) {
        Matcher local = LOCAL.matcher(master);
        if (local.matches()) {
            return "*".equals(local.group(1)) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
        }
        if ("local".equals(master)) {
            return 1;
        }
        return executorCores > 0 ? executorCores : Runtime.getRuntime().availableProcessors();
    }

    /** Applies the budget to load options for this backend (empty: the loader's choice). */
    LoadOptions.Builder applyTo(LoadOptions.Builder builder, String backend) {
        LoadOptions current = builder.build();
        if ("tensorflow".equals(backend)) {
            if (current.option("tensorflow.intraOpThreads").isEmpty()) {
                builder.option("tensorflow.intraOpThreads", taskCpus);
            }
            if (current.option("tensorflow.interOpThreads").isEmpty()) {
                builder.option("tensorflow.interOpThreads", slots);
            }
        }
        if ("dl4j".equals(backend) && current.option("dl4j.poolSize").isEmpty()) {
            builder.option("dl4j.poolSize", slots);
        }
        return builder;
    }
}
