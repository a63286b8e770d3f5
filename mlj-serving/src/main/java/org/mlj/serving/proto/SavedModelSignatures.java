package org.mlj.serving.proto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code SignatureDef}s of a SavedModel as {@code saved_model.pb} stores them: method names,
 * graph tensor names, TensorFlow dtypes and shapes, exactly what TF Serving's metadata API returns.
 * Read with a small protobuf wire reader ({@code SavedModel.meta_graphs[].signature_def}), so the
 * server needs no TensorFlow classes. Immutable and thread-safe.
 *
 * @param signatures signature key to definition, sorted by key
 */
public record SavedModelSignatures(Map<String, Definition> signatures) {

    /** {@code tensorflow/serving/predict}. */
    public static final String PREDICT_METHOD = "tensorflow/serving/predict";
    /** {@code tensorflow/serving/classify}. */
    public static final String CLASSIFY_METHOD = "tensorflow/serving/classify";
    /** {@code tensorflow/serving/regress}. */
    public static final String REGRESS_METHOD = "tensorflow/serving/regress";

    /** TensorFlow {@code DataType} names by enum number (types.proto). */
    private static final String[] DTYPE_NAMES = {"DT_INVALID", "DT_FLOAT", "DT_DOUBLE", "DT_INT32", "DT_UINT8",
        "DT_INT16", "DT_INT8", "DT_STRING", "DT_COMPLEX64", "DT_INT64", "DT_BOOL", "DT_QINT8", "DT_QUINT8",
        "DT_QINT32", "DT_BFLOAT16", "DT_QINT16", "DT_QUINT16", "DT_UINT16", "DT_COMPLEX128", "DT_HALF",
        "DT_RESOURCE", "DT_VARIANT", "DT_UINT32", "DT_UINT64"};

    /** Copies the map. */
    public SavedModelSignatures {
        signatures = Collections.unmodifiableMap(new TreeMap<>(signatures));
    }

    /**
     * One signature.
     *
     * @param methodName e.g. {@code tensorflow/serving/predict}
     * @param inputs input key to tensor, sorted by key
     * @param outputs output key to tensor, sorted by key
     */
    public record Definition(String methodName, Map<String, TensorInfo> inputs, Map<String, TensorInfo> outputs) {
        /** Copies the maps. */
        public Definition {
            inputs = Collections.unmodifiableMap(new TreeMap<>(inputs));
            outputs = Collections.unmodifiableMap(new TreeMap<>(outputs));
        }
    }

    /**
     * One tensor of a signature.
     *
     * @param name the graph tensor name, e.g. {@code serving_default_image:0}
     * @param dtype the TensorFlow {@code DataType} number
     * @param dims the dimensions (-1 unknown), or empty with {@code unknownRank}
     * @param unknownRank whether the rank is unknown
     */
    public record TensorInfo(String name, int dtype, List<Long> dims, boolean unknownRank) {
        /** Copies the dimensions. */
        public TensorInfo {
            dims = List.copyOf(dims);
        }

        /** The TensorFlow dtype name, e.g. {@code DT_FLOAT}. */
        public String dtypeName() {
            return dtype >= 0 && dtype < DTYPE_NAMES.length ? DTYPE_NAMES[dtype]
                    : dtype > 100 && dtype - 100 < DTYPE_NAMES.length ? DTYPE_NAMES[dtype - 100] + "_REF" : "DT_" + dtype;
        }
    }

    /** The definition with this key, if any. */
    public Optional<Definition> get(String key) {
        return Optional.ofNullable(signatures.get(key));
    }

    /**
     * The signatures of the SavedModel in {@code directory} ({@code saved_model.pb}), from the meta
     * graph tagged {@code serve} (else the first), or empty when there is no {@code saved_model.pb}.
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not a SavedModel protobuf
     */
    public static Optional<SavedModelSignatures> read(Path directory) throws IOException {
        Path file = directory.resolve("saved_model.pb");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(parse(Files.readAllBytes(file)));
    }

    /** Parses a serialized {@code SavedModel}. */
    public static SavedModelSignatures parse(byte[] savedModel) {
        ProtoReader reader = new ProtoReader(savedModel);
        Map<String, Definition> first = null;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            if (tag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) { // SavedModel.meta_graphs
                List<String> tags = new ArrayList<>();
                Map<String, Definition> definitions = metaGraph(reader.readMessage(), tags);
                if (tags.contains("serve")) {
                    return new SavedModelSignatures(definitions);
                }
                if (first == null) {
                    first = definitions;
                }
            } else {
                reader.skip(tag);
            }
        }
        return new SavedModelSignatures(first == null ? Map.of() : first);
    }

    private static Map<String, Definition> metaGraph(ProtoReader reader, List<String> tags) {
        Map<String, Definition> definitions = new TreeMap<>();
        while (reader.hasMore()) {
            int tag = reader.readTag();
            if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) { // MetaGraphDef.meta_info_def
                ProtoReader info = reader.readMessage();
                while (info.hasMore()) {
                    int infoTag = info.readTag();
                    if (infoTag == (4 << 3 | ProtoReader.LENGTH_DELIMITED)) { // MetaInfoDef.tags
                        tags.add(info.readString());
                    } else {
                        info.skip(infoTag);
                    }
                }
            } else if (tag == (5 << 3 | ProtoReader.LENGTH_DELIMITED)) { // MetaGraphDef.signature_def map entry
                ProtoReader entry = reader.readMessage();
                String key = "";
                Definition definition = new Definition("", Map.of(), Map.of());
                while (entry.hasMore()) {
                    int entryTag = entry.readTag();
                    if (entryTag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                        key = entry.readString();
                    } else if (entryTag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                        definition = signatureDef(entry.readMessage());
                    } else {
                        entry.skip(entryTag);
                    }
                }
                definitions.put(key, definition);
            } else {
                reader.skip(tag);
            }
        }
        return definitions;
    }

    private static Definition signatureDef(ProtoReader reader) {
        Map<String, TensorInfo> inputs = new TreeMap<>();
        Map<String, TensorInfo> outputs = new TreeMap<>();
        String method = "";
        while (reader.hasMore()) {
            int tag = reader.readTag();
            int field = tag >>> 3;
            if ((field == 1 || field == 2) && (tag & 7) == ProtoReader.LENGTH_DELIMITED) {
                ProtoReader entry = reader.readMessage();
                String key = "";
                TensorInfo info = new TensorInfo("", 0, List.of(), true);
                while (entry.hasMore()) {
                    int entryTag = entry.readTag();
                    if (entryTag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                        key = entry.readString();
                    } else if (entryTag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                        info = tensorInfo(entry.readMessage());
                    } else {
                        entry.skip(entryTag);
                    }
                }
                (field == 1 ? inputs : outputs).put(key, info);
            } else if (tag == (3 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                method = reader.readString();
            } else {
                reader.skip(tag);
            }
        }
        return new Definition(method, inputs, outputs);
    }

    private static TensorInfo tensorInfo(ProtoReader reader) {
        String name = "";
        int dtype = 0;
        List<Long> dims = new ArrayList<>();
        boolean unknownRank = false;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            if (tag == (1 << 3 | ProtoReader.LENGTH_DELIMITED)) {
                name = reader.readString();
            } else if (tag == (2 << 3 | ProtoReader.VARINT)) {
                dtype = (int) reader.readVarint();
            } else if (tag == (3 << 3 | ProtoReader.LENGTH_DELIMITED)) { // TensorShapeProto
                ProtoReader shape = reader.readMessage();
                while (shape.hasMore()) {
                    int shapeTag = shape.readTag();
                    if (shapeTag == (2 << 3 | ProtoReader.LENGTH_DELIMITED)) { // dim
                        ProtoReader dim = shape.readMessage();
                        long size = 0;
                        while (dim.hasMore()) {
                            int dimTag = dim.readTag();
                            if (dimTag == (1 << 3 | ProtoReader.VARINT)) {
                                size = dim.readVarint();
                            } else {
                                dim.skip(dimTag);
                            }
                        }
                        dims.add(size);
                    } else if (shapeTag == (3 << 3 | ProtoReader.VARINT)) {
                        unknownRank = shape.readVarint() != 0;
                    } else {
                        shape.skip(shapeTag);
                    }
                }
            } else {
                reader.skip(tag);
            }
        }
        return new TensorInfo(name, dtype, dims, unknownRank);
    }
}
