package org.mlj.serving.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** TF Serving's float formatting: %g, %.9g when %g loses bits, ".0" for whole numbers, bare NaN/Infinity. */
class FloatTextTest {
    @Test
    void writesWhatTfServingWrites() {
        // Expected strings follow C printf semantics (as absl::StrCat and StrFormat("%.9g") print them).
        assertThat(FloatText.format(0.1f)).isEqualTo("0.1");
        assertThat(FloatText.format(1f)).isEqualTo("1.0");
        assertThat(FloatText.format(-2f)).isEqualTo("-2.0");
        assertThat(FloatText.format(0f)).isEqualTo("0.0");
        assertThat(FloatText.format(-0f)).isEqualTo("-0.0");
        assertThat(FloatText.format(100000f)).isEqualTo("100000.0");
        assertThat(FloatText.format(9000000f)).isEqualTo("9e+06");
        assertThat(FloatText.format(3e-5f)).isEqualTo("3e-05");
        assertThat(FloatText.format(1f / 3)).isEqualTo("0.333333343");
        assertThat(FloatText.format(123456.7f)).isEqualTo("123456.703");
        assertThat(FloatText.format(16777216f)).isEqualTo("16777216.0");
        assertThat(FloatText.format(3.4028235e38f)).isEqualTo("3.40282347e+38");
        assertThat(FloatText.format(1.4e-45f)).isEqualTo("1.4013e-45"); // %g already reads back as the same float
        assertThat(FloatText.format(0.0001f)).isEqualTo("0.0001");
        assertThat(FloatText.format(Float.NaN)).isEqualTo("NaN");
        assertThat(FloatText.format(Float.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(FloatText.format(Float.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(FloatText.format(0.1)).isEqualTo("0.1");
        assertThat(FloatText.format(1e300)).isEqualTo("1e+300");
        assertThat(FloatText.format(Math.PI)).isEqualTo("3.1415926535897931");
    }

    @Test
    void cFormatG() {
        assertThat(FloatText.formatG(2.5, 1)).isEqualTo("2"); // ties to even, as glibc
        assertThat(FloatText.formatG(123456, 6)).isEqualTo("123456");
        assertThat(FloatText.formatG(1234567, 6)).isEqualTo("1.23457e+06");
        assertThat(FloatText.formatG(0.000123456, 6)).isEqualTo("0.000123456");
        assertThat(FloatText.formatG(0.0000123456, 6)).isEqualTo("1.23456e-05");
        assertThat(FloatText.formatG(1e100, 6)).isEqualTo("1e+100");
    }

    @Test
    void everyFloatRoundTrips() throws Exception {
        SplittableRandom random = new SplittableRandom(14);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            float value = Float.intBitsToFloat(i < 10_000 ? i : random.nextInt()); // the smallest subnormals, then anything
            if (Float.isNaN(value)) {
                continue;
            }
            String text = FloatText.format(value);
            // read back as Java does, and as the server reads it: JSON number -> double -> float (rapidjson's GetFloat)
            float parsed = Float.parseFloat(text);
            float read = JsonBodies.MAPPER.readTree(text).floatValue();
            if (Float.floatToIntBits(parsed) != Float.floatToIntBits(value) || Float.floatToIntBits(read) != Float.floatToIntBits(value)
                    || text.length() > 16) {
                wrong.add(value + " -> " + text);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void doublesRoundTrip() {
        SplittableRandom random = new SplittableRandom(15);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (!Double.isNaN(value) && Double.parseDouble(FloatText.format(value)) != value) {
                wrong.add(value + " -> " + FloatText.format(value));
            }
        }
        assertThat(wrong).isEmpty();
    }
}
