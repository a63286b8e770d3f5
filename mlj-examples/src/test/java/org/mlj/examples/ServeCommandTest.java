package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code mlj serve} hands TF Serving's flags to mlj-serving and refuses what it does not support. */
class ServeCommandTest {
    @Test
    void refusesUnknownAndUnsupportedFlagsByName() {
        Cli.Result unknown = Cli.run("serve", "--model_base_path=/tmp/x", "--rest_api_prot=8501");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown flag --rest_api_prot").contains("--rest_api_port");
        Cli.Result grpc = Cli.run("serve", "--port=8500", "--model_base_path=/tmp/x");
        assertThat(grpc.exitCode()).isEqualTo(2);
        assertThat(grpc.err()).contains("Flag --port is not supported").contains("gRPC");
    }

    @Test
    void listsFlagsWithoutArguments() {
        Cli.Result usage = Cli.run("serve");
        assertThat(usage.exitCode()).isZero();
        assertThat(usage.out()).contains("--rest_api_port").contains("--model_config_file").contains("--host");
    }
}
