package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.npy.NpyFile;
import org.mlj.api.Tensor;
import org.mlj.api.testing.ModelFixtures;

/** {@code mlj inspect} and {@code mlj run} refuse SavedModels that touch the file system unless --allow-ops names the ops. */
class SavedModelSafetyCliTest {
    private static final Path UNSAFE = ModelFixtures.root().resolve("mlj-tensorflow/src/test/resources/unsafe_saved_models");
    /** Where the write_file model writes (see make_unsafe_models.py). */
    private static final Path WRITE_PROBE = Path.of("/tmp/mlj-savedmodel-write-probe.txt");

    @TempDir
    Path dir;

    @BeforeEach
    @AfterEach
    void removeProbe() throws IOException {
        Files.deleteIfExists(WRITE_PROBE);
    }

    @Test
    void inspectRefusesAModelThatReadsFiles() {
        Cli.Result result = Cli.run("inspect", UNSAFE.resolve("read_file").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("is refused", "ReadFile", "tensorflow.allowOps=ReadFile").hasLineCount(1);
    }

    @Test
    void runRefusesAModelThatWritesFilesAndWritesNothing() throws IOException {
        Cli.Result result = Cli.run("run", "--model", UNSAFE.resolve("write_file").toString(), "--inputs", "x=" + input(),
                "--outdir", dir.resolve("out").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("WriteFile");
        assertThat(WRITE_PROBE).doesNotExist();
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void runRefusesAModelThatListsADirectory() throws IOException {
        Cli.Result result = Cli.run("run", "--model", UNSAFE.resolve("list_files").toString(), "--inputs", "x=" + input(),
                "--outdir", dir.resolve("out").toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("MatchingFiles");
    }

    @Test
    void allowOpsLetsATrustedModelRun() throws IOException {
        Path out = dir.resolve("out");
        Cli.Result result = Cli.run("run", "--allow-ops", "ReadFile", "--model", UNSAFE.resolve("read_file").toString(),
                "--inputs", "x=" + input(), "--outdir", out.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(NpyFile.read(out.resolve("y.npy")).toFloatArray()).containsExactly(2, 4);
        assertThat(NpyFile.read(out.resolve("content.npy")).toStringArray()[0]).isEqualTo(Files.readString(Path.of("/etc/hostname")));
    }

    private Path input() throws IOException {
        Path file = dir.resolve("x.npy");
        NpyFile.write(file, Tensor.ofFloats(new float[] {1, 2}, 2));
        return file;
    }
}
