package org.mlj.api.bundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.mlj.api.Tensor;
import org.mlj.api.ModelLoadException;

/**
 * Turns raw text into the token ids a text bundle's model takes, with exactly the rules the Python
 * exporter used ({@code preprocessing.text} of the manifest, see {@code docs/bundle-format.md}):
 * ASCII upper case to lower case; every match of {@code strip} replaced by a space; the matches of
 * {@code token_pattern} are the tokens; a token's id is its line in the vocabulary file, or
 * {@code oov_id}; the ids are cut to {@code max_length} (keeping the last ones for
 * {@code truncating: pre}) and padded with {@code pad_id} (in front for {@code padding: pre}).
 *
 * <p>Immutable and thread-safe.
 */
public final class TextTokenizer {
    private final BundleManifest.TextPreprocessing rules;
    private final Pattern strip;
    private final Pattern token;
    private final Map<String, Integer> ids;

    /**
     * A tokenizer from rules and a vocabulary (line {@code i} is id {@code i}).
     *
     * @throws IllegalArgumentException if the rules are incomplete or use an unknown option
     */
    public TextTokenizer(BundleManifest.TextPreprocessing rules, List<String> vocabulary) {
        this.rules = Objects.requireNonNull(rules, "rules");
        if (rules.maxLength() <= 0) {
            throw new IllegalArgumentException("Text preprocessing needs max_length > 0, got " + rules.maxLength());
        }
        requireOneOf("padding", rules.padding(), "pre", "post");
        requireOneOf("truncating", rules.truncating(), "pre", "post");
        if (rules.lowercase() != null && !rules.lowercase().equals("ascii") && !rules.lowercase().equals("none")) {
            throw new IllegalArgumentException("Unknown lowercase rule '" + rules.lowercase() + "', expected ascii or none");
        }
        this.strip = rules.strip() == null || rules.strip().isEmpty() ? null : compile("strip", rules.strip());
        this.token = compile("token_pattern", Objects.requireNonNull(rules.tokenPattern(), "token_pattern"));
        this.ids = new HashMap<>(vocabulary.size() * 2);
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.putIfAbsent(vocabulary.get(i), i);
        }
    }

    /**
     * The tokenizer of a text bundle: its rules and its vocabulary file.
     *
     * @throws IllegalArgumentException if the bundle has no text preprocessing
     * @throws ModelLoadException if the vocabulary cannot be read or does not fit the rules
     */
    public static TextTokenizer of(BundleManifest manifest) {
        BundleManifest.TextPreprocessing text = manifest.preprocessing() == null ? null : manifest.preprocessing().text();
        if (text == null) {
            throw new IllegalArgumentException("Bundle '" + manifest.name() + "' has no text preprocessing: it does not take text");
        }
        Path vocabulary = manifest.directory().resolve(text.vocabulary());
        List<String> lines;
        try {
            lines = Files.readAllLines(vocabulary, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read vocabulary " + vocabulary + ": " + e.getMessage(), e);
        }
        if (text.vocabularySize() > 0 && lines.size() != text.vocabularySize()) {
            throw new ModelLoadException("Vocabulary " + vocabulary + " has " + lines.size() + " lines, the manifest says "
                    + text.vocabularySize());
        }
        try {
            return new TextTokenizer(text, lines);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ModelLoadException("Bundle '" + manifest.name() + "' has invalid text preprocessing: " + e.getMessage(), e);
        }
    }

    /** The sequence length every encoded text has. */
    public int maxLength() {
        return rules.maxLength();
    }

    /** The tokens of {@code text}, before vocabulary lookup, padding and truncation. */
    public List<String> tokens(String text) {
        String normalized = "ascii".equals(rules.lowercase()) || rules.lowercase() == null ? asciiLowerCase(text) : text;
        if (strip != null) {
            normalized = strip.matcher(normalized).replaceAll(" ");
        }
        List<String> tokens = new ArrayList<>();
        Matcher matcher = token.matcher(normalized);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }

    /** Whether {@code token} is in the vocabulary (else it maps to {@code oov_id}). */
    public boolean knows(String token) {
        return ids.containsKey(token);
    }

    /** The ids of {@code text}, cut and padded to {@link #maxLength()}. */
    public int[] encode(String text) {
        List<String> tokens = tokens(text);
        int count = Math.min(tokens.size(), rules.maxLength());
        int skip = "pre".equals(rules.truncating()) ? tokens.size() - count : 0;
        int[] out = new int[rules.maxLength()];
        java.util.Arrays.fill(out, rules.padId());
        int offset = "pre".equals(rules.padding()) ? rules.maxLength() - count : 0;
        for (int i = 0; i < count; i++) {
            out[offset + i] = ids.getOrDefault(tokens.get(skip + i), rules.oovId());
        }
        return out;
    }

    /** An int32 tensor [texts, maxLength] of the encoded texts, ready for the model's token input. */
    public Tensor encode(List<String> texts) {
        int length = rules.maxLength();
        int[] all = new int[texts.size() * length];
        for (int i = 0; i < texts.size(); i++) {
            System.arraycopy(encode(texts.get(i)), 0, all, i * length, length);
        }
        return Tensor.wrap(all, texts.size(), length);
    }

    private static String asciiLowerCase(String text) {
        char[] chars = text.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static Pattern compile(String what, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid " + what + " regex '" + regex + "': " + e.getDescription(), e);
        }
    }

    private static void requireOneOf(String what, String value, String... allowed) {
        if (!List.of(allowed).contains(value)) {
            throw new IllegalArgumentException("Unknown " + what + " '" + value + "', expected one of " + List.of(allowed));
        }
    }
}
