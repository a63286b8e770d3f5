package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.util.Modules;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlj.api.ModelLoader;

class DemoCommandTest {
    @Test
    void runsEveryModelWithEveryBackendAndAgreesWithPython() {
        Cli.Result result = Cli.run("demo");

        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).containsSubsequence(
                "mnist_ffnn: ", "input", "expected", "dl4j", "tensorflow", "digits/0_2.png", "0", "vs Python", "batch_32", "agree", "agree",
                "mnist_cnn: ", "digits/9_5.png", "9", "agree", "agree",
                "imdb_lstm: ", "negative", "positive", "agree", "agree")
                .doesNotContain("DIFFER", "failed");
    }

    @Test
    void runsOnlyTheBackendAskedFor() {
        Cli.Result result = Cli.run("demo", "--backend", "tensorflow");
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).contains("tensorflow").doesNotContain("dl4j");
    }

    @Test
    void saysWhichArtifactToAddWithoutBackends() {
        Cli.Result result = Cli.run(Guice.createInjector(Modules.override(new ExamplesModule(Cli.workspace()))
                .with(binder -> binder.bind(ModelLoader.class).toInstance(new ModelLoader(List.of())))), "demo");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("Error: no mlj backend on the classpath; add org.mlj:mlj-tensorflow (SavedModels "
                + "and bundles) or org.mlj:mlj-dl4j (.keras, .h5 and bundles) to run the demo" + System.lineSeparator());
    }

    @Test
    void reportsAnUnknownBackend() {
        Cli.Result result = Cli.run("demo", "--backend", "onnx");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("Error: Backend 'onnx' is not on the classpath").hasLineCount(1);
    }
}
