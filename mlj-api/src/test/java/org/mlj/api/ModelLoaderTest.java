package org.mlj.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.bundle.BundleManifestTest;
import org.mlj.api.guice.MljModule;
import org.mlj.api.spi.Backend;
import org.mlj.api.testbackend.DoublingBackend;
import org.mlj.api.testbackend.EchoBackend;

class ModelLoaderTest {
    @TempDir
    Path dir;
    private Path savedModel;
    private Path h5;
    private Path bundle;

    @BeforeEach
    void writeModels() throws IOException {
        savedModel = Files.createDirectories(dir.resolve("sm"));
        Files.write(savedModel.resolve("saved_model.pb"), new byte[] {1});
        h5 = dir.resolve("model.h5");
        Files.write(h5, new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("mlj.json"), BundleManifestTest.MINIMAL_MANIFEST);
        System.clearProperty(ModelLoader.BACKEND_PROPERTY);
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(ModelLoader.BACKEND_PROPERTY);
    }

    @Test
    void discoversBackendsWithServiceLoader() {
        assertThat(Models.backends()).extracting(Backend::name).containsExactly("doubling", "echo");
        assertThat(ModelLoader.fromClasspath().backend("echo")).get().isInstanceOf(EchoBackend.class);
    }

    @Test
    void choosesByFormat() {
        try (Model model = Models.load(savedModel)) {
            assertThat(model.backend()).isEqualTo("doubling");
            assertThat(model.format()).isEqualTo(ModelFormat.SAVED_MODEL);
        }
        try (Model model = Models.load(h5)) {
            assertThat(model.backend()).isEqualTo("echo");
            assertThat(model.format()).isEqualTo(ModelFormat.HDF5);
        }
    }

    @Test
    void bundleGoesToTheHighestPriorityUnlessANameIsGiven() {
        try (Model model = Models.load(bundle)) {
            assertThat(model.backend()).as("priority 10 beats 5").isEqualTo("doubling");
            assertThat(model.bundle()).get().extracting(BundleInfo::name).isEqualTo("tiny");
        }
        try (Model model = Models.load(bundle, LoadOptions.builder().backend("echo").build())) {
            assertThat(model.backend()).isEqualTo("echo");
        }
    }

    @Test
    void systemPropertyNamesTheDefaultBackend() {
        System.setProperty(ModelLoader.BACKEND_PROPERTY, "echo");
        try (Model model = Models.load(bundle)) {
            assertThat(model.backend()).isEqualTo("echo");
        }
        try (Model model = Models.load(bundle, LoadOptions.builder().backend("doubling").build())) {
            assertThat(model.backend()).as("the option wins over the property").isEqualTo("doubling");
        }
    }

    @Test
    void noBackendListsFormatBackendsAndArtifact() {
        ModelLoader empty = new ModelLoader(List.of());
        assertThatThrownBy(() -> empty.load(h5))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("No mlj backend can load " + h5 + " (detected format: Keras HDF5 file (.h5)). "
                        + "Backends on the classpath: none. Add org.mlj:mlj-dl4j to the classpath");
        ModelLoader onlyDoubling = new ModelLoader(List.of(new DoublingBackend()));
        assertThatThrownBy(() -> onlyDoubling.load(h5))
                .hasMessage("No mlj backend can load " + h5 + " (detected format: Keras HDF5 file (.h5)). "
                        + "Backends on the classpath: [doubling (loads mlj bundle directory (mlj.json), "
                        + "TensorFlow SavedModel directory (saved_model.pb))]. Add org.mlj:mlj-dl4j to the classpath");
    }

    @Test
    void namedBackendThatIsAbsentNamesItsArtifact() {
        ModelLoader onlyEcho = new ModelLoader(List.of(new EchoBackend()));
        assertThatThrownBy(() -> onlyEcho.load(h5, LoadOptions.builder().backend("tensorflow").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessage("Backend 'tensorflow' is not on the classpath; present: [echo (loads mlj bundle directory (mlj.json), "
                        + "Keras 3 .keras file (zip), Keras HDF5 file (.h5))]. Add org.mlj:mlj-tensorflow to load with it");
    }

    @Test
    void namedBackendThatCannotLoadTheFormatSaysWhatItLoads() {
        assertThatThrownBy(() -> Models.load(savedModel, LoadOptions.builder().backend("echo").build()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("Backend 'echo' cannot load " + savedModel + " (TensorFlow SavedModel directory (saved_model.pb)); "
                        + "it loads mlj bundle directory (mlj.json), Keras 3 .keras file (zip), Keras HDF5 file (.h5)")
                .hasMessageEndingWith("Backends for this format: org.mlj:mlj-tensorflow");
    }

    @Test
    void misspelledOptionKeyFailsListingTheBackendsKeys() {
        LoadOptions typo = LoadOptions.builder().backend("doubling").option("doubling.thread", 2).build();
        assertThatThrownBy(() -> Models.load(savedModel, typo)).isInstanceOf(ModelLoadException.class)
                .hasMessage("Unknown load option 'doubling.thread' for backend doubling; its options are [doubling.threads, doubling.fast]");
        LoadOptions otherBackend = LoadOptions.builder().option("dl4j.poolSize", 2).build();
        assertThatThrownBy(() -> Models.load(h5, otherBackend)).isInstanceOf(ModelLoadException.class)
                .hasMessage("Unknown load option 'dl4j.poolSize' for backend echo; it takes no options");
    }

    @Test
    void illTypedOptionValueFailsNamingTheType() {
        assertThatThrownBy(() -> Models.load(savedModel, LoadOptions.builder().option("doubling.threads", "two").build()))
                .isInstanceOf(ModelLoadException.class).hasMessage("Load option doubling.threads must be an integer >= 0, got 'two'");
        assertThatThrownBy(() -> Models.load(savedModel, LoadOptions.builder().option("doubling.fast", "yes").build()))
                .isInstanceOf(ModelLoadException.class).hasMessage("Load option doubling.fast must be a boolean (true or false), got 'yes'");
        try (Model model = Models.load(savedModel, LoadOptions.builder().option("doubling.threads", 3).option("doubling.fast", "FALSE").build())) {
            assertThat(model.backend()).isEqualTo("doubling");
        }
    }

    @Test
    void duplicateBackendNamesAreRejected() {
        assertThatThrownBy(() -> new ModelLoader(List.of(new EchoBackend(), new EchoBackend())))
                .hasMessageStartingWith("Two backends are named 'echo'");
    }

    @Test
    void guiceModuleInjectsALoaderOverTheDiscoveredBackends() {
        ModelLoader loader = Guice.createInjector(new MljModule()).getInstance(ModelLoader.class);
        assertThat(loader.backends()).extracting(Backend::name).containsExactly("doubling", "echo");
        try (Model model = loader.load(savedModel)) {
            assertThat(model.backend()).isEqualTo("doubling");
        }
    }
}
