package org.mlj.serving.proto;

import java.nio.charset.StandardCharsets;

/**
 * Reads protocol buffer wire format (varints, length-delimited fields) from a byte array, without
 * generated classes: enough to read the {@code SignatureDef}s of a {@code saved_model.pb}. Not
 * thread-safe; one reader per message.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] data;
    private int position;
    private final int limit;

    ProtoReader(byte[] data) {
        this(data, 0, data.length);
    }

    private ProtoReader(byte[] data, int offset, int limit) {
        this.data = data;
        this.position = offset;
        this.limit = limit;
    }

    boolean hasMore() {
        return position < limit;
    }

    /** The next tag (field number << 3 | wire type). */
    int readTag() {
        long tag = readVarint();
        if (tag <= 0 || tag > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Invalid protobuf tag " + tag + " at byte " + position);
        }
        return (int) tag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new IllegalArgumentException("Truncated protobuf varint at byte " + position);
            }
            byte b = data[position++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("Malformed protobuf varint at byte " + position);
    }

    /** A reader over the next length-delimited field. */
    ProtoReader readMessage() {
        int length = readLength();
        ProtoReader nested = new ProtoReader(data, position, position + length);
        position += length;
        return nested;
    }

    String readString() {
        int length = readLength();
        String value = new String(data, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw new IllegalArgumentException("Unsupported protobuf wire type " + (tag & 7) + " at byte " + position);
        }
    }

    private int readLength() {
        long length = readVarint();
        if (length < 0 || length > limit - position) {
            throw new IllegalArgumentException("Protobuf length " + length + " at byte " + position + " runs past the message end");
        }
        return (int) length;
    }

    private void advance(int bytes) {
        if (bytes > limit - position) {
            throw new IllegalArgumentException("Truncated protobuf field at byte " + position);
        }
        position += bytes;
    }
}
