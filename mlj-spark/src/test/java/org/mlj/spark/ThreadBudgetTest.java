package org.mlj.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.mlj.api.LoadOptions;

class ThreadBudgetTest {
    @Test
    void localMastersGiveOneSlotPerTaskCpusThreads() {
        assertThat(ThreadBudget.of(conf("local[2]", Map.of()))).isEqualTo(new ThreadBudget(1, 2));
        assertThat(ThreadBudget.of(conf("local[4]", Map.of("spark.task.cpus", "2")))).isEqualTo(new ThreadBudget(2, 2));
        assertThat(ThreadBudget.of(conf("local", Map.of()))).isEqualTo(new ThreadBudget(1, 1));
        assertThat(ThreadBudget.of(conf("local[*]", Map.of())).slots()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void clusterMastersUseExecutorCores() {
        assertThat(ThreadBudget.of(conf("yarn", Map.of("spark.executor.cores", "8", "spark.task.cpus", "2"))))
                .isEqualTo(new ThreadBudget(2, 4));
    }

    @Test
    void tensorflowGetsIntraAndInterOpThreadsAndDl4jANetworkPerSlot() {
        ThreadBudget budget = new ThreadBudget(2, 3);
        LoadOptions tf = budget.applyTo(LoadOptions.builder().backend("tensorflow"), "tensorflow").build();
        assertThat(tf.option("tensorflow.intraOpThreads")).contains("2");
        assertThat(tf.option("tensorflow.interOpThreads")).contains("3");
        LoadOptions dl4j = budget.applyTo(LoadOptions.builder().backend("dl4j"), "dl4j").build();
        assertThat(dl4j.options()).containsOnlyKeys("dl4j.poolSize").containsEntry("dl4j.poolSize", "3");
        LoadOptions own = budget.applyTo(LoadOptions.builder().option("dl4j.poolSize", "1"), "dl4j").build();
        assertThat(own.option("dl4j.poolSize")).contains("1");
    }

    private static SparkConf conf(String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf(false).set("spark.master", master);
        settings.forEach(conf::set);
        return conf;
    }
}
