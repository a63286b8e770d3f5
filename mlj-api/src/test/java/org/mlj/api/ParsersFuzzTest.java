package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.bundle.TextTokenizer;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.testing.FuzzFiles;
import org.mlj.api.testing.ModelFixtures;

/**
 * Coverage-guided fuzz tests (Jazzer) of the parsers in mlj-api that see untrusted bytes: format
 * detection, {@code .npy}, {@code mlj.json} and the text tokenizer. Each may only return normally or
 * throw its documented, typed exception; anything else (a runtime exception, an error, a hang) is a
 * finding.
 *
 * <p>{@code mvn verify} runs them in regression mode over the committed seeds in
 * {@code src/test/resources/org/mlj/api/ParsersFuzzTestInputs/<method>/}; {@code fuzz/run-campaign.sh}
 * fuzzes each for minutes ({@code JAZZER_FUZZ=1}).
 */
class ParsersFuzzTest {
    private static final Path WORK = FuzzFiles.workDirectory();
    private static final TextTokenizer IMDB = TextTokenizer.of(BundleManifest.read(ModelFixtures.model("imdb_lstm")));

    @FuzzTest(maxDuration = "5m")
    void detectFormat(byte[] data) throws IOException {
        Path file = Files.write(WORK.resolve("model.h5"), data);
        try {
            // Detection goes by content, not by name: a file is one of the single-file formats, and
            // the one its first bytes announce.
            ModelFormat format = ModelFormat.detect(file);
            assertThat(format).isIn(ModelFormat.HDF5, ModelFormat.KERAS, ModelFormat.KERAS_JSON, ModelFormat.GRAPH_DEF);
            switch (format) {
                case HDF5 -> assertThat(data).startsWith(0x89, 'H', 'D', 'F');
                case KERAS -> assertThat(data).startsWith('P', 'K');
                case KERAS_JSON -> assertThat(new String(data, StandardCharsets.UTF_8).strip()).startsWith("{");
                case GRAPH_DEF -> assertThat(data[0]).isEqualTo((byte) 0x0a);
                default -> throw new AssertionError(format);
            }
        } catch (ModelLoadException expected) {
            assertThat(expected).hasMessageContaining(file.toString());
        }
    }

    @FuzzTest(maxDuration = "5m")
    void npy(byte[] data) {
        try {
            Tensor tensor = NpyFile.parse(data);
            assertThat(tensor.shape().size()).isLessThanOrEqualTo(data.length * 8L + 1);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void manifest(byte[] data) throws IOException {
        Path bundle = Files.createDirectories(WORK.resolve("bundle"));
        Files.write(bundle.resolve(ModelFormat.MANIFEST_FILE), data);
        try {
            BundleManifest manifest = BundleManifest.read(bundle);
            if (manifest.preprocessing() != null && manifest.preprocessing().text() != null) {
                TextTokenizer.of(manifest).encode("a fuzzed review");
            }
        } catch (ModelLoadException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "5m")
    void tokenizer(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        int[] ids = IMDB.encode(text);
        assertThat(ids).hasSize(IMDB.maxLength());
        for (String token : IMDB.tokens(text)) {
            assertThat(token).isNotEmpty();
        }
    }
}
