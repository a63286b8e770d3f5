package org.mlj.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the protobuf files of a model ({@code saved_model.pb}, a frozen {@code GraphDef}) from untrusted
 * bytes. The whole file is parsed from a byte array: protobuf's stream decoder fails on some corrupt
 * length prefixes with an {@link IllegalStateException} ({@code refillBuffer() called when -536870913
 * bytes were already available}, found by fuzzing), where the array decoder reports an
 * {@link InvalidProtocolBufferException}; any other runtime failure of the parser is reported as one too.
 */
final class ProtoFiles {
    private ProtoFiles() {
    }

    /**
     * Parses binary {@code file} with {@code parser}.
     *
     * @throws InvalidProtocolBufferException if the bytes are not such a message
     * @throws IOException if the file cannot be read
     */
    static <T> T readBinary(Path file, Parser<T> parser) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return parser.parseFrom(bytes);
        } catch (RuntimeException e) {
            InvalidProtocolBufferException invalid = new InvalidProtocolBufferException(e.toString());
            invalid.initCause(e);
            throw invalid;
        }
    }

    /**
     * Merges text-format {@code file} into {@code builder}.
     *
     * @throws TextFormat.ParseException if the text is not such a message
     * @throws IOException if the file cannot be read
     */
    static <B extends Message.Builder> B readText(Path file, B builder) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            TextFormat.merge(in, builder);
        } catch (RuntimeException e) {
            TextFormat.ParseException invalid = new TextFormat.ParseException("not a text-format "
                    + builder.getDescriptorForType().getName() + ": " + e);
            invalid.initCause(e);
            throw invalid;
        }
        return builder;
    }
}
