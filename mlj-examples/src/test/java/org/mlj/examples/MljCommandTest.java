package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MljCommandTest {
    @Test
    void listsTheCommandsWithoutArguments() {
        Cli.Result result = Cli.run();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.out()).contains("Usage: mlj", "demo", "inspect", "run", "digits", "sentiment", "activations");
    }

    @Test
    void printsHelpOfACommand() {
        Cli.Result result = Cli.run("digits", "--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Usage: mlj digits", "--backend=NAME", "--model=ffnn|cnn", "--verbose",
                "luminance 0.299 R + 0.587 G + 0.114 B");
    }

    @Test
    void reportsAnUnknownCommandOnOneLine() {
        Cli.Result result = Cli.run("predict");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("Error: Unmatched argument at index 0: 'predict' (see 'mlj --help')" + System.lineSeparator());
    }

    @Test
    void reportsAMissingOptionOnOneLine() {
        Cli.Result result = Cli.run("run", "--model", "models/mnist_cnn");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Error: Missing required options: '--inputs=NAME=FILE[;NAME=FILE...]', "
                + "'--outdir=DIR'").endsWith("(see 'mlj run --help')" + System.lineSeparator()).hasLineCount(1);
    }
}
