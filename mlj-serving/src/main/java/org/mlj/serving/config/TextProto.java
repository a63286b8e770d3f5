package org.mlj.serving.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed protocol buffer text-format message (the format of TF Serving's
 * {@code --model_config_file}, {@code --batching_parameters_file} and
 * {@code --monitoring_config_file}), without a schema: fields in order, each a scalar token or a
 * nested message. Covers what those files use: {@code name: value}, {@code name { ... }} and
 * {@code name: { ... }} (also with {@code < >}), quoted strings with escapes and adjacent-string
 * concatenation, numbers, identifiers ({@code true}, enums), {@code [a, b]} lists, {@code #}
 * comments, optional {@code ,}/{@code ;} separators. Errors name the line and column.
 * Immutable once parsed; thread-safe.
 */
public final class TextProto {
    private final Map<String, List<Object>> fields = new LinkedHashMap<>();
    private final String context;
    private final int line;

    private TextProto(String context, int line) {
        this.context = context;
        this.line = line;
    }

    /**
     * Parses a text-format message.
     *
     * @param text the file's content
     * @param source names the file in errors
     * @throws IllegalArgumentException naming the line, column and what was expected
     */
    public static TextProto parse(String text, String source) {
        Parser parser = new Parser(text, source);
        TextProto message = parser.message(source, 1, null);
        return message;
    }

    /** Field names in order of first appearance. */
    public Set<String> fieldNames() {
        return fields.keySet();
    }

    /** Every value of a field (scalars as {@link String}, messages as {@link TextProto}). */
    public List<Object> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** The nested messages of a repeated message field. */
    public List<TextProto> messages(String name) {
        List<TextProto> messages = new ArrayList<>();
        for (Object value : all(name)) {
            if (!(value instanceof TextProto message)) {
                throw new IllegalArgumentException(where() + "field '" + name + "' must be a message { ... }, got " + value);
            }
            messages.add(message);
        }
        return messages;
    }

    /** The single nested message of a field, if present. */
    public java.util.Optional<TextProto> message(String name) {
        List<TextProto> messages = messages(name);
        if (messages.size() > 1) {
            throw new IllegalArgumentException(where() + "field '" + name + "' is given " + messages.size() + " times");
        }
        return messages.stream().findFirst();
    }

    /** The single scalar of a field, if present. */
    public java.util.Optional<String> scalar(String name) {
        List<Object> values = all(name);
        if (values.size() > 1) {
            throw new IllegalArgumentException(where() + "field '" + name + "' is given " + values.size() + " times");
        }
        if (values.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (!(values.get(0) instanceof String scalar)) {
            throw new IllegalArgumentException(where() + "field '" + name + "' must be a value, not a message");
        }
        return java.util.Optional.of(scalar);
    }

    /** The scalars of a repeated scalar field. */
    public List<String> scalars(String name) {
        List<String> values = new ArrayList<>();
        for (Object value : all(name)) {
            if (!(value instanceof String scalar)) {
                throw new IllegalArgumentException(where() + "field '" + name + "' must hold values, not messages");
            }
            values.add(scalar);
        }
        return values;
    }

    /** A scalar field as a long. */
    public java.util.Optional<Long> longValue(String name) {
        return scalar(name).map(value -> {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where() + "field '" + name + "' must be an integer, got " + value);
            }
        });
    }

    /** A scalar field as a boolean ({@code true}/{@code false}/{@code 1}/{@code 0}). */
    public java.util.Optional<Boolean> booleanValue(String name) {
        return scalar(name).map(value -> switch (value) {
            case "true", "True", "t", "1" -> true;
            case "false", "False", "f", "0" -> false;
            default -> throw new IllegalArgumentException(where() + "field '" + name + "' must be true or false, got " + value);
        });
    }

    /**
     * Checks that only these fields are present.
     *
     * @throws IllegalArgumentException naming the first unknown field and the known ones
     */
    public void requireOnly(String messageType, Set<String> known) {
        for (String name : fields.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(where() + "unknown field '" + name + "' in " + messageType + "; mlj serve reads "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    /** {@code source: line N: } for messages. */
    public String where() {
        return context + ": line " + line + ": ";
    }

    private void add(String name, Object value) {
        fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }

    /** Recursive-descent parser over the text. */
    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;
        private int line = 1;
        private int column = 1;
        private int depth;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        TextProto message(String context, int startLine, Character close) {
            if (++depth > 100) {
                throw error("messages nested deeper than 100 levels");
            }
            TextProto message = new TextProto(context, startLine);
            while (true) {
                skipSpace();
                if (pos >= text.length()) {
                    if (close != null) {
                        throw error("expected '" + close + "' to close the message opened on line " + startLine + ", found the end of the file");
                    }
                    depth--;
                    return message;
                }
                char c = text.charAt(pos);
                if (close != null && c == close) {
                    advance();
                    depth--;
                    return message;
                }
                String name = identifier();
                skipSpace();
                boolean colon = peek(':');
                if (colon) {
                    advance();
                    skipSpace();
                }
                if (peek('{') || peek('<')) {
                    char open = text.charAt(pos);
                    int fieldLine = line;
                    advance();
                    message.add(name, message(source, fieldLine, open == '{' ? '}' : '>'));
                } else if (!colon) {
                    throw error("expected ':' or '{' after field name '" + name + "'");
                } else if (peek('[')) {
                    advance();
                    skipSpace();
                    if (peek(']')) {
                        advance();
                    } else {
                        while (true) {
                            skipSpace();
                            if (peek('{') || peek('<')) {
                                char open = text.charAt(pos);
                                int fieldLine = line;
                                advance();
                                message.add(name, message(source, fieldLine, open == '{' ? '}' : '>'));
                            } else {
                                message.add(name, scalar(name));
                            }
                            skipSpace();
                            if (peek(',')) {
                                advance();
                            } else if (peek(']')) {
                                advance();
                                break;
                            } else {
                                throw error("expected ',' or ']' in the list of '" + name + "'");
                            }
                        }
                    }
                } else {
                    message.add(name, scalar(name));
                }
                skipSpace();
                if (peek(',') || peek(';')) {
                    advance();
                }
            }
        }

        private String identifier() {
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                    || text.charAt(pos) == '.' || (pos > start && text.charAt(pos) == '/'))) {
                advance();
            }
            if (start == pos) {
                throw error("expected a field name, found '" + text.charAt(pos) + "'");
            }
            return text.substring(start, pos);
        }

        private String scalar(String field) {
            if (pos >= text.length()) {
                throw error("expected a value for '" + field + "', found the end of the file");
            }
            char c = text.charAt(pos);
            if (c == '"' || c == '\'') {
                StringBuilder value = new StringBuilder();
                while (pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
                    value.append(quoted());
                    skipSpace();
                }
                return value.toString();
            }
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "-+._".indexOf(text.charAt(pos)) >= 0)) {
                advance();
            }
            if (start == pos) {
                throw error("expected a value for '" + field + "', found '" + c + "'");
            }
            return text.substring(start, pos);
        }

        private String quoted() {
            char quote = text.charAt(pos);
            int startLine = line;
            advance();
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= text.length() || text.charAt(pos) == '\n') {
                    throw error("string opened on line " + startLine + " is not closed");
                }
                char c = text.charAt(pos);
                advance();
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\\') {
                    if (pos >= text.length()) {
                        throw error("unfinished escape");
                    }
                    char escaped = text.charAt(pos);
                    advance();
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 't' -> value.append('\t');
                        case 'r' -> value.append('\r');
                        case '\\', '\'', '"' -> value.append(escaped);
                        default -> throw error("unsupported escape '\\" + escaped + "'");
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private void skipSpace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '#') {
                    while (pos < text.length() && text.charAt(pos) != '\n') {
                        advance();
                    }
                } else if (Character.isWhitespace(c)) {
                    advance();
                } else {
                    return;
                }
            }
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void advance() {
            if (text.charAt(pos) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            pos++;
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException(source + ": line " + line + ", column " + column + ": " + message);
        }
    }
}
