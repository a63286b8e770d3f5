package org.mlj.serving.proto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protocol buffer wire format into a growing byte array: varints, fixed32 floats and
 * length-delimited fields. Enough to build serialized {@code tf.Example}s. Not thread-safe.
 */
final class ProtoWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    void writeTag(int field, int wireType) {
        writeVarint((long) field << 3 | wireType);
    }

    void writeVarint(long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    void writeFixed32(int value) {
        for (int i = 0; i < 4; i++) {
            out.write((value >>> (8 * i)) & 0xff);
        }
    }

    void writeBytes(int field, byte[] value) {
        writeTag(field, ProtoReader.LENGTH_DELIMITED);
        writeVarint(value.length);
        out.write(value, 0, value.length);
    }

    void writeString(int field, String value) {
        writeBytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
