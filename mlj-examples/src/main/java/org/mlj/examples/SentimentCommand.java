package org.mlj.examples;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mlj.api.bundle.BundleManifest;
import org.mlj.api.Model;
import org.mlj.api.ModelLoader;
import org.mlj.api.Tensor;
import org.mlj.api.bundle.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlj sentiment}: says whether a movie review is positive, with the bundled IMDB LSTM. */
@Command(name = "sentiment", usageHelpAutoWidth = true,
        header = "Says whether a movie review is positive (IMDB LSTM).",
        description = {"Classifies a movie review as positive or negative with models/imdb_lstm.",
                "The text is tokenized as in training (preprocessing.text of the bundle):",
                "ASCII lower case, HTML tags removed, words looked up in vocabulary.txt,",
                "the last 200 ids kept and padded in front.",
                ""})
final class SentimentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendChoice backend;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The review; several words are joined with spaces.")
    List<String> words = List.of();

    @Option(names = "--file", paramLabel = "FILE", description = "Read the review from a UTF-8 text file instead.")
    Path file;

    private final ModelLoader loader;
    private final Workspace workspace;

    @Inject
    SentimentCommand(ModelLoader loader, Workspace workspace) {
        this.loader = loader;
        this.workspace = workspace;
    }

    @Override
    public Integer call() throws IOException {
        if (words.isEmpty() == (file == null)) {
            throw new ParameterException(spec.commandLine(), "Give the review either as TEXT or with --file FILE");
        }
        String review = file == null ? String.join(" ", words) : read(file);
        if (review.isBlank()) {
            throw new ParameterException(spec.commandLine(), "The review is empty");
        }
        Path bundle = workspace.model("imdb_lstm");
        BundleManifest manifest = BundleManifest.read(bundle);
        TextTokenizer tokenizer = TextTokenizer.of(manifest);
        List<String> tokens = tokenizer.tokens(review);
        if (tokens.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "The review has no words (letters or digits) to classify");
        }
        try (Model model = loader.load(bundle, backend.loadOptions().build())) {
            Tensor probability = model.predict(tokenizer.encode(List.of(review)));
            ClassScores.Score verdict = ClassScores.of(probability, 0, manifest.labels()).best();
            long unknown = tokens.stream().filter(t -> !tokenizer.knows(t)).count();
            spec.commandLine().getOut().printf(Locale.ROOT, "%s (probability %.3f; %d words, %d outside the vocabulary%s)%n",
                    verdict.label(), verdict.probability(), tokens.size(), unknown,
                    tokens.size() > tokenizer.maxLength() ? ", only the last " + tokenizer.maxLength() + " read" : "");
        }
        return 0;
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text", e);
        }
    }
}
