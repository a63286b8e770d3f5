package org.mlj.serving.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Floating-point numbers as TF Serving writes them into JSON ({@code json_tensor.cc},
 * {@code WriteDecimal}): C's {@code %g} with 6 significant digits when that reads back as the same
 * value, else {@code %.9g} for float32 ({@code %.17g} for float64); {@code .0} appended to whole
 * numbers not in exponent form; {@code NaN}, {@code Infinity}, {@code -Infinity} written bare.
 * So every float32 round-trips exactly and a TF Serving client sees the very same digits.
 * Stateless and thread-safe.
 */
public final class FloatText {
    private FloatText() {
    }

    /** A float32 value as TF Serving writes it. */
    public static String format(float value) {
        if (!Float.isFinite(value)) {
            return nonFinite(value);
        }
        String text = formatG(value, 6);
        if (Float.parseFloat(text) != value) {
            text = formatG(value, 9);
        }
        return withFraction(text);
    }

    /** A float64 value as TF Serving writes it. */
    public static String format(double value) {
        if (!Double.isFinite(value)) {
            return nonFinite(value);
        }
        String text = formatG(value, 6);
        if (Double.parseDouble(text) != value) {
            text = formatG(value, 17);
        }
        return withFraction(text);
    }

    private static String nonFinite(double value) {
        return Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
    }

    private static String withFraction(String text) {
        return text.indexOf('.') < 0 && text.indexOf('e') < 0 && !text.contains("Inf") && !text.equals("NaN") ? text + ".0" : text;
    }

    /** C's {@code printf("%.<precision>g", value)} for a finite value (round half to even on the exact binary value). */
    static String formatG(double value, int precision) {
        if (value == 0) {
            return (Double.doubleToRawLongBits(value) < 0) ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            String digits = rounded.unscaledValue().abs().toString().replaceFirst("0+$", "");
            StringBuilder text = new StringBuilder();
            if (rounded.signum() < 0) {
                text.append('-');
            }
            text.append(digits.charAt(0));
            if (digits.length() > 1) {
                text.append('.').append(digits, 1, digits.length());
            }
            text.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            if (magnitude < 10) {
                text.append('0');
            }
            return text.append(magnitude).toString();
        }
        String plain = rounded.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = plain.replaceFirst("0+$", "");
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }
}
