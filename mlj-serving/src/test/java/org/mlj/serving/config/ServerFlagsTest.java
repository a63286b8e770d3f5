package org.mlj.serving.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** tensorflow_model_server's flags in --flag=value form, mlj's own, and refusals by name. */
class ServerFlagsTest {
    @Test
    void tfServingFlags() {
        ServerFlags flags = ServerFlags.parse("--rest_api_port=8501", "--model_name=mnist", "--model_base_path=/models/mnist",
                "--rest_api_timeout_in_ms=5000", "--file_system_poll_wait_seconds=3", "--enable_batching",
                "--rest_api_enable_cors_support=true", "--enable_model_warmup=false");
        assertThat(flags.restApiPort()).isEqualTo(8501);
        assertThat(flags.modelName()).isEqualTo("mnist");
        assertThat(flags.modelBasePath()).contains(Path.of("/models/mnist"));
        assertThat(flags.restApiTimeoutMs()).isEqualTo(5000);
        assertThat(flags.fileSystemPollWaitSeconds()).isEqualTo(3);
        assertThat(flags.enableBatching()).isTrue();
        assertThat(flags.cors()).isTrue();
        assertThat(flags.warmupIterations()).isZero();
        assertThat(flags.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void loadOptionsAndAllowOps() {
        ServerFlags flags = ServerFlags.parse("--model_base_path=/m", "--option=dl4j.poolSize=4", "--allow_ops=ReadFile,WriteFile");
        assertThat(flags.loadOptions()).containsExactly(java.util.Map.entry("dl4j.poolSize", "4"),
                java.util.Map.entry("tensorflow.allowOps", "ReadFile,WriteFile"));
        assertThat(ServerFlags.parse("--model_base_path=/m", "--option=tensorflow.allowOps=*").loadOptions())
                .containsEntry("tensorflow.allowOps", "*");
        assertThat(ServerFlags.parse("--model_base_path=/m").loadOptions()).isEmpty();
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path=/m", "--option=poolSize")).hasMessageContaining("must be KEY=VALUE");
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path=/m", "--allow_ops=")).hasMessageContaining("--allow_ops needs a value");
    }

    @Test
    void refusals() {
        assertThatThrownBy(() -> ServerFlags.parse("--port=8500", "--model_base_path=/m")).hasMessageStartingWith("Flag --port is not supported");
        assertThatThrownBy(() -> ServerFlags.parse("--tensorflow_intra_op_parallelism=2", "--model_base_path=/m"))
                .hasMessageContaining("--tensorflow_intra_op_parallelism is not supported");
        assertThatThrownBy(() -> ServerFlags.parse("--modle_name=x", "--model_base_path=/m")).hasMessageStartingWith("Unknown flag --modle_name");
        assertThatThrownBy(() -> ServerFlags.parse("--rest_api_port=http", "--model_base_path=/m")).hasMessage("--rest_api_port=http is not an integer");
        assertThatThrownBy(() -> ServerFlags.parse("--rest_api_port=70000", "--model_base_path=/m")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> ServerFlags.parse("--model_name=x")).hasMessageStartingWith("Nothing to serve");
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path=/m", "--model_config_file=/c")).hasMessageContaining("not both");
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path=/m", "--batching_parameters_file=/b"))
                .hasMessageContaining("needs --enable_batching");
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path=/m", "--backend=onnx")).hasMessageContaining("tensorflow or dl4j");
        assertThatThrownBy(() -> ServerFlags.parse("--model_base_path")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ServerFlags.parse("serve")).hasMessageContaining("takes flags only");
    }

    @Test
    void helpListsEveryFlag() {
        assertThat(ServerFlags.parse("--help").help()).isTrue();
        assertThat(ServerFlags.usage()).contains("--rest_api_port").contains("--monitoring_config_file").contains("--host")
                .contains("Refused tensorflow_model_server flags: ").contains("port");
    }
}
