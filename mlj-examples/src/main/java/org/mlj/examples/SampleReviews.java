package org.mlj.examples;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** The sample movie reviews of {@code samples/reviews.json}: {@code [{"text": ..., "sentiment": ...}, ...]}. */
final class SampleReviews {
    private SampleReviews() {
    }

    /**
     * One review.
     *
     * @param text the raw review
     * @param sentiment the expected label, {@code negative} or {@code positive}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Review(String text, String sentiment) {
    }

    /** Reads the reviews of a JSON file. */
    static List<Review> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        return List.of(new ObjectMapper().readValue(file.toFile(), Review[].class));
    }
}
