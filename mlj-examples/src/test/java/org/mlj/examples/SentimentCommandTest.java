package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentimentCommandTest {
    @TempDir
    Path dir;

    @Test
    void recognisesAPositiveAndANegativeReview() {
        Cli.Result positive = Cli.run("sentiment", "A wonderful, moving film. The acting is superb and the story "
                + "beautiful; one of the best movies I have seen in years. Highly recommended!");
        assertThat(positive.exitCode()).as(positive.err()).isZero();
        assertThat(positive.out()).startsWith("positive (probability 0.");

        Cli.Result negative = Cli.run("sentiment", "--backend", "dl4j", "Terrible. A boring, stupid mess with awful "
                + "acting and no plot at all. The worst film I have ever seen, a complete waste of time.");
        assertThat(negative.exitCode()).as(negative.err()).isZero();
        assertThat(negative.out()).startsWith("negative (probability 0.").contains("words", "outside the vocabulary");
    }

    @Test
    void joinsUnquotedWords() {
        Cli.Result result = Cli.run("sentiment", "Loved", "it,", "a", "brilliant", "and", "funny", "film");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("positive").contains("7 words");
    }

    @Test
    void readsTheReviewFromAFile() throws IOException {
        Path review = Files.writeString(dir.resolve("review.txt"), "Great movie.<br /><br />Loved every minute of it, "
                + "brilliant and funny.\n");
        Cli.Result result = Cli.run("sentiment", "--file", review.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).startsWith("positive");
    }

    @Test
    void reportsAnEmptyReview() {
        Cli.Result result = Cli.run("sentiment", "  ");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).isEqualTo("Error: The review is empty (see 'mlj sentiment --help')" + System.lineSeparator());
    }

    @Test
    void reportsAReviewWithoutWords() {
        Cli.Result result = Cli.run("sentiment", "?! <br /> ...");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("Error: The review has no words").hasLineCount(1);
    }

    @Test
    void needsExactlyOneReview() {
        assertThat(Cli.run("sentiment").err()).startsWith("Error: Give the review either as TEXT or with --file FILE");
        Cli.Result both = Cli.run("sentiment", "--file", "x.txt", "good");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("Error: Give the review either as TEXT or with --file FILE");
    }

    @Test
    void reportsAMissingFile() {
        Cli.Result result = Cli.run("sentiment", "--file", dir.resolve("missing.txt").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("Error: No such file: " + dir.resolve("missing.txt") + System.lineSeparator());
    }
}
