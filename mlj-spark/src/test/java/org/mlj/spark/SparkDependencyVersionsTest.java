package org.mlj.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import org.junit.jupiter.api.Test;

/**
 * The tests of this module run mlj-api and both backends against the library versions Spark 4.2.0
 * ships (as on a cluster, where Spark's jars come first), not mlj's own pins.
 */
class SparkDependencyVersionsTest {
    @Test
    void jacksonProtobufAndSlf4jAreSparksOwn() throws Exception {
        assertThat(PackageVersion.VERSION.toString()).isEqualTo("2.21.2");
        assertThat(com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()).isEqualTo("2.21.2");
        assertThat(Class.forName("com.google.protobuf.RuntimeVersion").getField("MAJOR").get(null)).isEqualTo(4);
        assertThat(org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("org.apache.logging.slf4j");
        assertThat(scala.util.Properties.versionNumberString()).isEqualTo("2.13.18");
    }
}
