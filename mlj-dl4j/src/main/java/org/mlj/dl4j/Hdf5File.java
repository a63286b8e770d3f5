package org.mlj.dl4j;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Read-only access to an HDF5 file held in memory, read in pure Java by jHDF ({@code io.jhdf:jhdf}).
 *
 * <p>No native code ever sees the bytes: a damaged file can make jHDF throw, but not crash the JVM or
 * spin inside a native library (the HDF5 C library that DL4J ships did both on damaged Keras files).
 * The signature and the superblock's end-of-file address are checked first (a file shorter than its
 * superblock says has been truncated); every failure of the reader, whatever its type, surfaces as a
 * {@link ModelLoadException} naming the object. A dataset is read only after its size has been checked
 * against the file's, so a corrupt dimension cannot make the reader allocate more than the file holds.
 * Objects are addressed by paths relative to the root ({@code model_weights/dense/...}).
 *
 * <p>Not thread-safe: use from one thread at a time. Holds only heap memory; {@link #close()} releases it.
 */
final class Hdf5File implements AutoCloseable {

    private final String description;
    private final HdfFile file;
    private final long size;

    private Hdf5File(String description, HdfFile file, long size) {
        this.description = description;
        this.file = file;
        this.size = size;
    }

    /**
     * Opens an HDF5 file held in {@code bytes} (position 0 to limit).
     *
     * @param description what the bytes are, for messages (e.g. {@code model.h5})
     * @throws ModelLoadException if the bytes are not a complete HDF5 file
     */
    static Hdf5File open(String description, ByteBuffer bytes) {
        ByteBuffer image = bytes.duplicate().position(0).order(ByteOrder.LITTLE_ENDIAN);
        checkSuperblock(description, image, image.limit());
        HdfFile file = guard(description, "", "open", () -> HdfFile.fromByteBuffer(image.duplicate()));
        Hdf5File opened = new Hdf5File(description, file, image.limit());
        opened.group("", "open");
        return opened;
    }

    /**
     * Checks the signature and the superblock's end-of-file address in the file's first bytes: a file
     * shorter than its own superblock says it is has been truncated.
     */
    private static void checkSuperblock(String description, ByteBuffer head, long size) {
        int start = -1;
        for (int offset = 0; offset < head.limit(); offset = offset == 0 ? 512 : offset * 2) {
            if (ModelFormat.hasHdf5Signature(head, offset)) {
                start = offset;
                break;
            }
        }
        if (start < 0) {
            throw new ModelLoadException(description + " is not an HDF5 file (no HDF5 signature)");
        }
        if (head.limit() < start + 16) {
            throw new ModelLoadException(description + " is truncated: " + size + " bytes end inside the HDF5 superblock");
        }
        int version = head.get(start + 8);
        int offsetSize;
        int eofPosition;
        switch (version) {
            case 0, 1 -> {
                offsetSize = head.get(start + 13);
                eofPosition = start + (version == 0 ? 24 : 28) + 2 * offsetSize;
            }
            case 2, 3 -> {
                offsetSize = head.get(start + 9);
                eofPosition = start + 12 + 2 * offsetSize;
            }
            default -> throw new ModelLoadException(description + " has an unknown HDF5 superblock version " + version + " (corrupt?)");
        }
        if (offsetSize != 4 && offsetSize != 8) {
            throw new ModelLoadException(description + " has an invalid HDF5 superblock (offset size " + offsetSize + "): corrupt");
        }
        if (eofPosition + offsetSize > head.limit()) {
            throw new ModelLoadException(description + " is truncated: " + size + " bytes end inside the HDF5 superblock");
        }
        long eof = offsetSize == 8 ? head.getLong(eofPosition) : Integer.toUnsignedLong(head.getInt(eofPosition));
        if (eof < 0) {
            throw new ModelLoadException(description + " has an invalid HDF5 superblock (end of file " + eof + "): corrupt");
        }
        if (start + eof > size) {
            throw new ModelLoadException(description + " is truncated: the HDF5 superblock says the file has "
                    + (start + eof) + " bytes, it has " + size);
        }
    }

    /** What the bytes are, for messages. */
    String description() {
        return description;
    }

    /** Whether an object (group or dataset) exists at {@code path}. */
    boolean exists(String path) {
        return node(path).isPresent();
    }

    /** Whether {@code path} is a group. */
    boolean isGroup(String path) {
        return node(path).map(Node::isGroup).orElse(false);
    }

    /** Whether {@code path} is a dataset. */
    boolean isDataset(String path) {
        return node(path).map(node -> node instanceof Dataset).orElse(false);
    }

    /** The object at {@code path}, if there is one; a path through a dataset or a broken link has none. */
    private Optional<Node> node(String path) {
        return guard(description, path, "open", () -> {
            Node node = file;
            for (String part : path.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!(node instanceof Group group)) {
                    return Optional.empty();
                }
                Node child = group.getChildren().get(part);
                if (child == null || child.isLink()) {
                    return Optional.empty();
                }
                node = child;
            }
            return Optional.of(node);
        });
    }

    private Group group(String path, String action) {
        return node(path).filter(Group.class::isInstance).map(Group.class::cast)
                .orElseThrow(() -> new ModelLoadException("Cannot " + action + " " + display(path) + " in " + description
                        + ": no such group (corrupt or not a Keras file?)"));
    }

    /** The names of the links in a group, in name order. */
    List<String> children(String groupPath) {
        Group group = group(groupPath, "list group");
        return guard(description, groupPath, "list group", () -> group.getChildren().keySet().stream().sorted().toList());
    }

    /**
     * A string attribute of an object as a list (one element for a scalar), or empty if the object has
     * no such attribute. An empty attribute of another type (h5py writes an empty {@code weight_names}
     * as a float array) reads as an empty list.
     *
     * @throws ModelLoadException if the attribute holds something other than strings
     */
    Optional<List<String>> stringAttribute(String objectPath, String name) {
        Node node = node(objectPath).orElseThrow(() -> new ModelLoadException("Cannot open " + display(objectPath) + " in "
                + description + ": no such object (corrupt or not a Keras file?)"));
        String what = display(objectPath) + "@" + name;
        return guard(description, what, "read", () -> {
            Attribute attribute = node.getAttributes().get(name);
            if (attribute == null) {
                return Optional.empty();
            }
            if (attribute.isEmpty() || attribute.getSize() == 0) {
                return Optional.of(List.of());
            }
            if (attribute.getJavaType() != String.class) {
                throw new ModelLoadException(description + ": attribute " + what + " is not a string");
            }
            if (attribute.getSize() > size) {
                throw new ModelLoadException(description + ": attribute " + what + " claims " + attribute.getSize()
                        + " strings in a file of " + size + " bytes: corrupt");
            }
            Object data = attribute.getData();
            List<String> strings = new ArrayList<>();
            collectStrings(data, strings, what);
            return Optional.of(strings);
        });
    }

    private void collectStrings(Object data, List<String> into, String what) {
        if (data instanceof String string) {
            into.add(string);
        } else if (data != null && data.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(data); i++) {
                collectStrings(Array.get(data, i), into, what);
            }
        } else {
            throw new ModelLoadException(description + ": attribute " + what + " is not a string");
        }
    }

    /**
     * Reads a floating-point dataset as a float32 array in C order, converting from the stored precision.
     *
     * @throws ModelLoadException if it is not a float dataset, is larger than the file can hold, or cannot be read
     */
    INDArray readFloats(String datasetPath) {
        Dataset dataset = node(datasetPath).filter(Dataset.class::isInstance).map(Dataset.class::cast)
                .orElseThrow(() -> new ModelLoadException("Cannot open dataset " + datasetPath + " in " + description
                        + ": no such dataset (corrupt or not a Keras file?)"));
        return guard(description, datasetPath, "read", () -> {
            if (!(dataset.getDataType() instanceof FloatingPoint type)) {
                throw new ModelLoadException(description + ": dataset " + datasetPath + " does not hold floating-point weights");
            }
            long[] shape = dataset.isScalar() ? new long[0] : dataset.getDimensionsAsLong();
            long elements = 1;
            for (long dim : shape) {
                if (dim < 0) {
                    throw new ModelLoadException(description + ": dataset " + datasetPath + " has a negative dimension "
                            + Arrays.toString(shape) + ": corrupt");
                }
                elements = saturatedProduct(elements, dim);
            }
            long bytes = saturatedProduct(elements, Math.max(1, type.getSize()));
            boolean filtered = !dataset.getFilters().isEmpty();
            if (elements > Integer.MAX_VALUE - 8 || (!filtered && bytes > size)) {
                throw new ModelLoadException(description + ": dataset " + datasetPath + " claims shape " + Arrays.toString(shape)
                        + " (" + elements + " values), more than the file's " + size + " bytes can hold: corrupt");
            }
            if (elements == 0) {
                return Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, shape, 'c');
            }
            Object flat = dataset.getDataFlat();
            float[] values;
            if (flat instanceof float[] floats) {
                values = floats;
            } else if (flat instanceof double[] doubles) {
                values = new float[doubles.length];
                for (int i = 0; i < doubles.length; i++) {
                    values[i] = (float) doubles[i];
                }
            } else {
                throw new ModelLoadException(description + ": dataset " + datasetPath + " does not hold float32 or float64 weights");
            }
            if (values.length != elements) {
                throw new ModelLoadException(description + ": dataset " + datasetPath + " holds " + values.length
                        + " values, its shape " + Arrays.toString(shape) + " says " + elements + ": corrupt");
            }
            return Nd4j.create(values, shape, 'c');
        });
    }

    /**
     * Runs a jHDF call, turning whatever a damaged file makes it throw (its own exceptions, buffer
     * under- and overflows, negative sizes, runaway recursion) into a {@link ModelLoadException}.
     */
    private static <T> T guard(String description, String path, String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelLoadException("Cannot " + action + " " + display(path) + " in " + description
                    + " (corrupt or not a Keras file?): " + e, e);
        }
    }

    private static long saturatedProduct(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String display(String path) {
        return path.isEmpty() || path.equals("/") ? "/" : path;
    }

    /** Releases the reader. Idempotent. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "Hdf5File(" + description + ")";
    }
}
