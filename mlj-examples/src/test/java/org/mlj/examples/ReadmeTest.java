package org.mlj.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mlj.api.testing.ModelFixtures;

/**
 * The README's "Use mlj in your project" shows the consumer project's code verbatim: the Java
 * program, and each dependency block the consumer POM marks for the README. (CI builds and runs that
 * project against the installed artifacts, so the README's code is known to compile and work.)
 */
class ReadmeTest {
    private static final Pattern README_BLOCK = Pattern.compile("<!-- BEGIN readme: (\\w+) -->\\n(.*?)\\n\\s*<!-- END readme: \\1 -->",
            Pattern.DOTALL);

    @Test
    void javaExampleIsTheConsumersProgramVerbatim() throws IOException {
        Path root = ModelFixtures.root();
        String java = Files.readString(root.resolve("samples/consumer/src/main/java/com/example/PredictDigit.java")).stripTrailing();
        assertThat(Files.readString(root.resolve("README.md"))).contains("```java\n" + java + "\n```");
    }

    @Test
    void dependencySnippetsAreTheConsumersPomVerbatim() throws IOException {
        Path root = ModelFixtures.root();
        String readme = Files.readString(root.resolve("README.md"));
        Matcher blocks = README_BLOCK.matcher(Files.readString(root.resolve("samples/consumer/pom.xml")));
        int found = 0;
        while (blocks.find()) {
            found++;
            assertThat(readme).as("README shows the POM's '%s' block", blocks.group(1)).contains(blocks.group(2).stripIndent());
        }
        assertThat(found).as("marked blocks in the consumer POM").isEqualTo(3);
    }
}
