package org.mlj.api.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlj.api.testing.ModelFixtures;
import org.mlj.api.Tensor;
import org.mlj.api.ModelLoadException;

class TextTokenizerBundleTest {
    private static final List<String> VOCABULARY = List.of("<pad>", "<oov>", "the", "movie", "was", "great", "isn't",
            "bad", "it's", "10", "a");

    @TempDir
    Path dir;

    private TextTokenizer tokenizer(int maxLength) throws IOException {
        return tokenizer(maxLength, "pre", VOCABULARY.size());
    }

    private TextTokenizer tokenizer(int maxLength, String padding, int vocabularySize) throws IOException {
        Files.write(dir.resolve("vocabulary.txt"), VOCABULARY);
        Files.writeString(dir.resolve("mlj.json"), """
                {"format": "mlj-bundle", "format_version": 1, "name": "tiny_text",
                 "inputs": [{"name": "tokens", "dtype": "int32", "shape": [null, %d], "layout": "NT"}],
                 "outputs": [{"name": "sentiment", "dtype": "float32", "shape": [null, 1], "layout": "NC"}],
                 "labels": ["negative", "positive"],
                 "preprocessing": {"text": {"vocabulary": "vocabulary.txt", "lowercase": "ascii", "strip": "<[^>]*>",
                   "token_pattern": "[a-z0-9]+(?:'[a-z0-9]+)*", "max_length": %d, "padding": "%s",
                   "truncating": "pre", "pad_id": 0, "oov_id": 1, "vocabulary_size": %d}}}
                """.formatted(maxLength, maxLength, padding, vocabularySize));
        return TextTokenizer.of(BundleManifest.read(dir));
    }

    @Test
    void lowercasesAsciiOnlyAndSplitsOnPunctuation() throws IOException {
        TextTokenizer tokenizer = tokenizer(8);
        assertThat(tokenizer.tokens("The MOVIE, was... GREAT!!! (10/10)")).containsExactly("the", "movie", "was", "great", "10", "10");
        assertThat(tokenizer.tokens("ÉTÉ Straße Ünïcode")).containsExactly("t", "stra", "e", "n", "code");
    }

    @Test
    void keepsInnerApostrophesOnly() throws IOException {
        TextTokenizer tokenizer = tokenizer(8);
        assertThat(tokenizer.tokens("It's 'quoted' isn't rock'n'roll don''t")).containsExactly(
                "it's", "quoted", "isn't", "rock'n'roll", "don", "t");
    }

    @Test
    void replacesHtmlTagsWithOneSpace() throws IOException {
        TextTokenizer tokenizer = tokenizer(8);
        assertThat(tokenizer.tokens("great<br />movie<br/><br/>bad<i>ly</i>")).containsExactly("great", "movie", "bad", "ly");
        assertThat(tokenizer.tokens("a < b and c > d")).containsExactly("a", "d");
    }

    @Test
    void mapsUnknownWordsToOovAndPadsInFront() throws IOException {
        assertThat(tokenizer(8).encode("The movie was AWFUL, isn't it?")).containsExactly(0, 0, 2, 3, 4, 1, 6, 1);
    }

    @Test
    void keepsTheLastIdsOfLongTexts() throws IOException {
        TextTokenizer tokenizer = tokenizer(200);
        String text = "bad ".repeat(150) + "great ".repeat(100);
        int[] expected = IntStream.range(0, 200).map(i -> i < 100 ? 7 : 5).toArray();
        assertThat(tokenizer.tokens(text)).hasSize(250);
        assertThat(tokenizer.encode(text)).containsExactly(expected);
    }

    @Test
    void encodesEmptyAndWordlessTextAsPadding() throws IOException {
        TextTokenizer tokenizer = tokenizer(4);
        assertThat(tokenizer.tokens("")).isEmpty();
        assertThat(tokenizer.encode("")).containsExactly(0, 0, 0, 0);
        assertThat(tokenizer.encode("?! <br /> ...")).containsExactly(0, 0, 0, 0);
    }

    @Test
    void honoursPostPadding() throws IOException {
        assertThat(tokenizer(4, "post", VOCABULARY.size()).encode("great movie")).containsExactly(5, 3, 0, 0);
    }

    @Test
    void encodesBatchesAsInt32() throws IOException {
        Tensor batch = tokenizer(3).encode(List.of("great", "the bad movie was"));
        assertThat(batch.shape().dims()).containsExactly(2, 3);
        assertThat(batch.toIntArray()).containsExactly(0, 0, 5, 7, 3, 4);
    }

    @Test
    void rejectsVocabularyOfTheWrongSize() {
        assertThatThrownBy(() -> tokenizer(4, "pre", 99)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has 11 lines, the manifest says 99");
    }

    @Test
    void rejectsUnknownPadding() {
        assertThatThrownBy(() -> tokenizer(4, "middle", VOCABULARY.size())).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("padding 'middle'");
    }

    @Test
    void reproducesPythonOnTheReferenceTexts() throws IOException {
        Path bundle = ModelFixtures.model("imdb_lstm");
        BundleManifest manifest = BundleManifest.read(bundle);
        JsonNode texts = new ObjectMapper().readTree(bundle.resolve("reference").resolve("texts.json").toFile());
        List<String> reviews = new ArrayList<>();
        texts.forEach(entry -> reviews.add(entry.get("text").asText()));
        Tensor expected = ModelFixtures.npy(bundle.resolve("reference/batch_32/inputs/tokens.npy"));
        Tensor actual = TextTokenizer.of(manifest).encode(reviews);
        assertThat(reviews).hasSize(32);
        assertThat(actual.shape()).isEqualTo(expected.shape());
        for (int row = 0; row < reviews.size(); row++) {
            int width = (int) expected.shape().dim(1);
            assertThat(Arrays.copyOfRange(actual.toIntArray(), row * width, (row + 1) * width))
                    .as("ids of reference text %d", row)
                    .containsExactly(Arrays.copyOfRange(expected.toIntArray(), row * width, (row + 1) * width));
        }
    }
}
