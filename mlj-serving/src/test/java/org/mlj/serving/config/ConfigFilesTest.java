package org.mlj.serving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mlj.serving.repository.ModelConfig;
import org.mlj.serving.repository.VersionPolicy;

/** TF Serving's text-format config files: model_config_list, batching parameters, monitoring config. */
class ConfigFilesTest {
    @Test
    void modelConfigListAsTfServingDocumentsIt() {
        String text = """
                model_config_list {
                  config {
                    name: 'my_first_model'
                    base_path: '/tmp/my_first_model/'
                    model_platform: 'tensorflow'
                  }
                  config {
                    name: "my_second_model"   # a comment
                    base_path: "relative/path"
                    model_version_policy { specific { versions: 42 versions: 43 } }
                    version_labels { key: 'stable' value: 42 }
                    version_labels { key: 'canary' value: 43 }
                  },
                  config: { name: "third" base_path: "/m" model_version_policy: { latest: { num_versions: 2 } } }
                  config < name: "fourth" base_path: "/n" model_version_policy { all {} } >
                }
                """;
        List<ModelConfig> configs = ModelConfigFile.parse(text, "models.config", Path.of("/etc/mlj"));
        assertThat(configs).extracting(ModelConfig::name).containsExactly("my_first_model", "my_second_model", "third", "fourth");
        assertThat(configs.get(0).basePath()).isEqualTo(Path.of("/tmp/my_first_model"));
        assertThat(configs.get(0).policy()).isEqualTo(VersionPolicy.latest());
        assertThat(configs.get(1).basePath()).isEqualTo(Path.of("/etc/mlj/relative/path"));
        assertThat(configs.get(1).policy()).isEqualTo(new VersionPolicy.Specific(Set.of(42L, 43L)));
        assertThat(configs.get(1).labels()).isEqualTo(Map.of("stable", 42L, "canary", 43L));
        assertThat(configs.get(2).policy()).isEqualTo(new VersionPolicy.Latest(2));
        assertThat(configs.get(3).policy()).isEqualTo(new VersionPolicy.All());
    }

    @Test
    void versionPoliciesSelect() {
        var onDisk = new java.util.TreeSet<>(List.of(1L, 2L, 5L, 7L));
        assertThat(VersionPolicy.latest().select(onDisk)).containsExactly(7L);
        assertThat(new VersionPolicy.Latest(3).select(onDisk)).containsExactly(2L, 5L, 7L);
        assertThat(new VersionPolicy.All().select(onDisk)).containsExactly(1L, 2L, 5L, 7L);
        assertThat(VersionPolicy.Specific.of(List.of(2L, 3L)).select(onDisk)).containsExactly(2L);
    }

    @Test
    void errorsNameFileLineAndField() {
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a' base_path: '/a' logging_config {} } }", "m.config", null))
                .hasMessageContaining("m.config: line 1: unknown field 'logging_config' in ModelConfig");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list {\n config { name: 'a' }\n}", "m.config", null))
                .hasMessageContaining("config 'a' needs a base_path");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list {\n  config { name 'a' }\n}", "m.config", null))
                .hasMessage("m.config: line 2, column 17: expected ':' or '{' after field name 'name'");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a }", "m.config", null))
                .hasMessageContaining("line 1").hasMessageContaining("not closed");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a' base_path: '/a' } ", "m.config", null))
                .hasMessageContaining("expected '}' to close the message opened on line 1");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a' base_path: '/a' }"
                + " config { name: 'a' base_path: '/b' } }", "m.config", null)).hasMessageContaining("model 'a' is configured twice");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a' base_path: '/a' model_platform: 'onnx' } }",
                "m.config", null)).hasMessageContaining("model_platform 'onnx' is not served");
        assertThatThrownBy(() -> ModelConfigFile.parse("model_config_list { config { name: 'a' base_path: '/a' "
                + "model_version_policy { latest {} all {} } } }", "m.config", null)).hasMessageContaining("exactly one of");
    }

    @Test
    void batchingParameters() {
        BatchingParameters parameters = BatchingParameters.parse("""
                max_batch_size { value: 128 }
                batch_timeout_micros { value: 0 }
                max_enqueued_batches { value: 1000000 }
                num_batch_threads { value: 8 }
                allowed_batch_sizes: [32, 64, 128]
                pad_variable_length_inputs: true
                """, "batching.config");
        assertThat(parameters.maxBatchSize()).isEqualTo(128);
        assertThat(parameters.numBatchThreads()).isEqualTo(8);
        assertThat(parameters.maxEnqueuedBatches()).isEqualTo(1_000_000);
        assertThat(parameters.allowedBatchSizes()).containsExactly(32L, 64L, 128L);
        assertThat(parameters.padVariableLengthInputs()).isTrue();
        assertThatThrownBy(() -> BatchingParameters.parse("max_batch_size { value: 64 } allowed_batch_sizes: [32, 128]", "b"))
                .hasMessageContaining("must equal max_batch_size");
        assertThatThrownBy(() -> BatchingParameters.parse("max_batch_size: 64", "b")).hasMessageContaining("must be a message");
        assertThatThrownBy(() -> BatchingParameters.parse("max_batch_sizes { value: 64 }", "b"))
                .hasMessageContaining("unknown field 'max_batch_sizes'");
    }

    @Test
    void monitoringConfig() {
        assertThat(MonitoringConfig.parse("prometheus_config { enable: true, path: \"/monitoring/prometheus/metrics\" }", "m"))
                .isEqualTo(new MonitoringConfig(true, "/monitoring/prometheus/metrics"));
        assertThat(MonitoringConfig.parse("prometheus_config { enable: true }", "m").path()).isEqualTo(MonitoringConfig.DEFAULT_PATH);
        assertThat(MonitoringConfig.parse("", "m").prometheusEnabled()).isFalse();
        assertThatThrownBy(() -> MonitoringConfig.parse("prometheus_config { enable: yes }", "m")).hasMessageContaining("true or false");
    }
}
