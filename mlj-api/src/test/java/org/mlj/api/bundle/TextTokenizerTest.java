package org.mlj.api.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mlj.api.Tensor;
import org.mlj.api.Shape;
import org.mlj.api.DType;

class TextTokenizerTest {
    private static final BundleManifest.TextPreprocessing RULES = new BundleManifest.TextPreprocessing("vocabulary.txt",
            "ascii", "<[^>]*>", "[a-z0-9]+(?:'[a-z0-9]+)*", 6, "pre", "pre", 0, 1, 8);
    private static final List<String> VOCABULARY = List.of("<pad>", "<oov>", "the", "movie", "was", "great", "don't", "10");

    private final TextTokenizer tokenizer = new TextTokenizer(RULES, VOCABULARY);

    @Test
    void lowercasesStripsTagsAndSplitsOnThePattern() {
        assertThat(tokenizer.tokens("The MOVIE<br />was great!!! Don't-miss it, 10/10"))
                .containsExactly("the", "movie", "was", "great", "don't", "miss", "it", "10", "10");
    }

    @Test
    void lowercasesOnlyAscii() {
        assertThat(tokenizer.tokens("ÉTÉ Été straße")).as("non-ASCII letters separate tokens and keep their case")
                .containsExactly("t", "t", "stra", "e");
    }

    @Test
    void apostrophesInsideWordsOnly() {
        assertThat(tokenizer.tokens("'quoted' rock'n'roll it''s")).containsExactly("quoted", "rock'n'roll", "it", "s");
    }

    @Test
    void unknownWordsMapToOovAndShortTextsArePaddedInFront() {
        assertThat(tokenizer.encode("the movie was awful")).containsExactly(0, 0, 2, 3, 4, 1);
    }

    @Test
    void longTextsKeepTheirLastTokens() {
        assertThat(tokenizer.encode("x x x x the movie was great don't 10")).containsExactly(2, 3, 4, 5, 6, 7);
    }

    @Test
    void emptyTextIsAllPadding() {
        assertThat(tokenizer.encode("  <br/> !!! ")).containsExactly(0, 0, 0, 0, 0, 0);
    }

    @Test
    void postPaddingAndTruncationAreHonoured() {
        TextTokenizer post = new TextTokenizer(new BundleManifest.TextPreprocessing("v", "ascii", null,
                "[a-z]+", 3, "post", "post", 0, 1, 8), VOCABULARY);
        assertThat(post.encode("the movie was great")).containsExactly(2, 3, 4);
        assertThat(post.encode("great")).containsExactly(5, 0, 0);
    }

    @Test
    void batchesAreInt32Tensors() {
        Tensor batch = tokenizer.encode(List.of("great", "the movie"));
        assertThat(batch.dtype()).isEqualTo(DType.INT32);
        assertThat(batch.shape()).isEqualTo(Shape.of(2, 6));
        assertThat(batch.toIntArray()).containsExactly(0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 2, 3);
    }

    @Test
    void rejectsUnknownRules() {
        assertThatThrownBy(() -> new TextTokenizer(new BundleManifest.TextPreprocessing("v", "ascii", null, "[a-z]+", 3,
                "middle", "pre", 0, 1, 8), VOCABULARY)).hasMessage("Unknown padding 'middle', expected one of [pre, post]");
        assertThatThrownBy(() -> new TextTokenizer(new BundleManifest.TextPreprocessing("v", "ascii", null, "[a-z", 3,
                "pre", "pre", 0, 1, 8), VOCABULARY)).hasMessageStartingWith("Invalid token_pattern regex '[a-z'");
    }
}
