package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.mlj.api.LoadOptions;
import org.mlj.api.ModelLoadException;
import org.mlj.api.Models;
import org.mlj.api.spi.ModelSource;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.testing.ProcessMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A load that fails after the native import frees the imported network at once (its parameter
 * buffer is closed, not left to the garbage collector), and 200 such failures leave the process's
 * RSS where it was after warm-up.
 */
class LoadFailureLeakTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoadFailureLeakTest.class);
    private static final int WARM_UP = 100;
    private static final int FAILURES = 200;
    private static final long ALLOWED_GROWTH = 10L << 20;

    @Test
    void failuresAfterImportFreeTheNetworkAndRssStaysFlat() {
        List<ComputationGraph> imported = new ArrayList<>();
        Dl4jBackend failing = new Dl4jBackend(network -> {
            imported.add(network);
            throw new IllegalStateException("injected failure after import");
        });
        ModelSource source = ModelSource.of(ModelFixtures.model("mnist_ffnn"));
        Runnable failedLoad = () -> {
            assertThatThrownBy(() -> failing.load(source, LoadOptions.defaults())).hasMessage("injected failure after import");
            ComputationGraph network = imported.remove(0);
            assertThat(network.params().wasClosed()).as("the imported network's parameters were freed").isTrue();
        };
        for (int i = 0; i < WARM_UP; i++) {
            failedLoad.run();
        }
        assumeTrue(ProcessMemory.available(), "RSS is read from /proc (Linux)");
        long before = ProcessMemory.rssBytes();
        for (int i = 0; i < FAILURES; i++) {
            failedLoad.run();
        }
        long growth = ProcessMemory.rssBytes() - before;
        LOG.info("RSS after {} failed loads: {} KB growth", FAILURES, growth / 1024);
        assertThat(growth).as("RSS growth over %d failed loads", FAILURES).isLessThan(ALLOWED_GROWTH);
    }

    @Test
    void optionsAndSignatureAreCheckedBeforeTheImport() {
        List<ComputationGraph> imported = new ArrayList<>();
        Dl4jBackend backend = new Dl4jBackend(imported::add);
        ModelSource source = ModelSource.of(ModelFixtures.model("mnist_ffnn"));
        assertThatThrownBy(() -> backend.load(source, LoadOptions.builder().signature("classify").build()))
                .isInstanceOf(ModelLoadException.class).hasMessage("Unknown signature 'classify'; the model has [serving_default]");
        assertThatThrownBy(() -> Models.load(source.path(), LoadOptions.builder().backend("dl4j").option("dl4j.poolsize", 2).build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Unknown load option 'dl4j.poolsize' for backend dl4j; its options are "
                        + "[dl4j.importTimeoutSeconds, dl4j.poolSize, dl4j.fusedLstm, dl4j.directDense, dl4j.cnnProgram, dl4j.splitRows, dl4j.weights]");
        assertThat(imported).as("no import ran").isEmpty();
    }
}
