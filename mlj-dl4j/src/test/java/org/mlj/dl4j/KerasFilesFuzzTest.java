package org.mlj.dl4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mlj.api.MljException;
import org.mlj.api.ModelFormat;
import org.mlj.api.testing.FuzzFiles;

/**
 * Coverage-guided fuzz tests (Jazzer) of what the dl4j backend parses in Java before DL4J sees a
 * model: the {@code .keras} zip reader, the HDF5 reader (jHDF) with the weight reader on top, and the
 * Keras config translator. Each may only return normally or throw a typed {@link MljException};
 * anything else (a runtime exception, an error, a hang) is a finding.
 *
 * <p>{@code mvn verify} runs them in regression mode over the committed seeds in
 * {@code src/test/resources/org/mlj/dl4j/KerasFilesFuzzTestInputs/<method>/}; {@code fuzz/run-campaign.sh}
 * fuzzes each for minutes ({@code JAZZER_FUZZ=1}).
 */
class KerasFilesFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORK = FuzzFiles.workDirectory();

    @FuzzTest(maxDuration = "5m")
    void kerasZip(byte[] data) throws IOException {
        Path file = Files.write(WORK.resolve("model.keras"), data);
        try (KerasFile keras = KerasFile.read(file, ModelFormat.KERAS)) {
            KerasGraph graph = KerasConfigTranslator.translate(keras.config(), keras.kerasVersion(), keras.backend(), file.toString());
            KerasWeightsReader.read(keras, graph);
        } catch (MljException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void hdf5(byte[] data) {
        try (Hdf5File h5 = Hdf5File.open("fuzzed.h5", ByteBuffer.wrap(data))) {
            walk(h5, "", 0);
        } catch (MljException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void kerasConfig(byte[] data) {
        JsonNode config;
        try {
            config = JSON.readTree(data);
        } catch (IOException notJson) {
            return;
        }
        if (config == null || !config.isObject()) {
            return;
        }
        try {
            assertThat(KerasConfigTranslator.translate(config, "3.15.1", Optional.empty(), "fuzzed.keras").layers()).isNotNull();
            KerasConfigTranslator.translate(config, "2.15.0", Optional.of("tensorflow"), "fuzzed.h5");
        } catch (MljException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    /** Reads every group's children and attributes and every dataset, as the weight reader might. */
    private static void walk(Hdf5File h5, String path, int depth) {
        if (depth > 8) {
            return;
        }
        for (String attribute : new String[] {"model_config", "keras_version", "weight_names", "name", "backend"}) {
            h5.stringAttribute(path.isEmpty() ? "/" : path, attribute);
        }
        if (!path.isEmpty() && h5.isDataset(path)) {
            h5.readFloats(path);
            return;
        }
        if (path.isEmpty() || h5.isGroup(path)) {
            for (String child : h5.children(path)) {
                walk(h5, path.isEmpty() ? child : path + "/" + child, depth + 1);
            }
        }
    }
}
