package org.mlj.serving.proto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code tf.Example} ({@code tensorflow/core/example/example.proto}) being built: named features,
 * each a bytes, float or int64 list, serialized in protobuf wire format by {@link #serialize()}.
 * TF Serving's REST layer builds these from the JSON {@code examples} of classify and regress
 * requests; mlj does the same without protobuf-java. Not thread-safe.
 *
 * <pre>
 * Example  { Features features = 1; }
 * Features { map&lt;string, Feature&gt; feature = 1; }
 * Feature  { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
 * BytesList { repeated bytes value = 1; }  FloatList { repeated float value = 1 [packed]; }
 * Int64List { repeated int64 value = 1 [packed]; }
 * </pre>
 */
public final class TfExample {
    /** The kind of a feature's value list. */
    public enum Kind {
        /** {@code bytes_list}: strings and base64 data. */
        BYTES(1, "bytes"),
        /** {@code float_list}: JSON numbers with a fraction or exponent. */
        FLOAT(2, "float"),
        /** {@code int64_list}: JSON integers and booleans. */
        INT64(3, "int64");

        private final int field;
        private final String label;

        Kind(int field, String label) {
            this.field = field;
            this.label = label;
        }

        /** {@code bytes}, {@code float} or {@code int64}, as TF Serving names them in errors. */
        public String label() {
            return label;
        }
    }

    private static final class Feature {
        Kind kind;
        final List<Object> values = new ArrayList<>();
    }

    private final Map<String, Feature> features = new LinkedHashMap<>();

    /**
     * Starts (or replaces) a feature with no values yet; its kind is set by the first value added.
     */
    public void startFeature(String name) {
        features.put(name, new Feature());
    }

    /**
     * Adds a value to a feature started with {@link #startFeature}.
     *
     * @param value a {@code byte[]} for {@link Kind#BYTES}, a {@code Float} for {@link Kind#FLOAT},
     *              a {@code Long} for {@link Kind#INT64}
     * @throws IllegalArgumentException if the feature already holds values of another kind
     */
    public void add(String name, Kind kind, Object value) {
        Feature feature = features.get(name);
        if (feature == null) {
            throw new IllegalStateException("Feature " + name + " was not started");
        }
        if (feature.kind != null && feature.kind != kind) {
            throw new IllegalArgumentException("Unexpected element type in feature: " + name + " expecting type: "
                    + feature.kind.label());
        }
        feature.kind = kind;
        feature.values.add(value);
    }

    /** The serialized {@code tf.Example}. */
    public byte[] serialize() {
        ProtoWriter featuresMessage = new ProtoWriter();
        for (Map.Entry<String, Feature> entry : features.entrySet()) {
            ProtoWriter mapEntry = new ProtoWriter();
            mapEntry.writeString(1, entry.getKey());
            mapEntry.writeBytes(2, feature(entry.getValue()));
            featuresMessage.writeBytes(1, mapEntry.toByteArray());
        }
        ProtoWriter example = new ProtoWriter();
        example.writeBytes(1, featuresMessage.toByteArray());
        return example.toByteArray();
    }

    private static byte[] feature(Feature feature) {
        ProtoWriter featureMessage = new ProtoWriter();
        if (feature.kind == null) {
            return featureMessage.toByteArray(); // an empty list: kind not set, as TF Serving leaves it
        }
        ProtoWriter list = new ProtoWriter();
        switch (feature.kind) {
            case BYTES -> feature.values.forEach(value -> list.writeBytes(1, (byte[]) value));
            case FLOAT -> {
                ProtoWriter packed = new ProtoWriter();
                feature.values.forEach(value -> packed.writeFixed32(Float.floatToRawIntBits((Float) value)));
                list.writeBytes(1, packed.toByteArray());
            }
            case INT64 -> {
                ProtoWriter packed = new ProtoWriter();
                feature.values.forEach(value -> packed.writeVarint((Long) value));
                list.writeBytes(1, packed.toByteArray());
            }
        }
        featureMessage.writeBytes(feature.kind.field, list.toByteArray());
        return featureMessage.toByteArray();
    }
}
