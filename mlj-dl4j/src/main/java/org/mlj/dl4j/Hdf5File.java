package org.mlj.dl4j;

import static org.bytedeco.hdf5.global.hdf5.H5Aclose;
import static org.bytedeco.hdf5.global.hdf5.H5Aexists;
import static org.bytedeco.hdf5.global.hdf5.H5Aget_space;
import static org.bytedeco.hdf5.global.hdf5.H5Aget_type;
import static org.bytedeco.hdf5.global.hdf5.H5Aopen;
import static org.bytedeco.hdf5.global.hdf5.H5Aread;
import static org.bytedeco.hdf5.global.hdf5.H5Dclose;
import static org.bytedeco.hdf5.global.hdf5.H5Dget_space;
import static org.bytedeco.hdf5.global.hdf5.H5Dget_type;
import static org.bytedeco.hdf5.global.hdf5.H5Dopen2;
import static org.bytedeco.hdf5.global.hdf5.H5Dread;
import static org.bytedeco.hdf5.global.hdf5.H5Eset_auto2;
import static org.bytedeco.hdf5.global.hdf5.H5Fclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gclose;
import static org.bytedeco.hdf5.global.hdf5.H5Gget_info;
import static org.bytedeco.hdf5.global.hdf5.H5Gopen2;
import static org.bytedeco.hdf5.global.hdf5.H5I_DATASET;
import static org.bytedeco.hdf5.global.hdf5.H5I_GROUP;
import static org.bytedeco.hdf5.global.hdf5.H5Iget_type;
import static org.bytedeco.hdf5.global.hdf5.H5LTopen_file_image;
import static org.bytedeco.hdf5.global.hdf5.H5LT_FILE_IMAGE_DONT_COPY;
import static org.bytedeco.hdf5.global.hdf5.H5LT_FILE_IMAGE_DONT_RELEASE;
import static org.bytedeco.hdf5.global.hdf5.H5Lexists;
import static org.bytedeco.hdf5.global.hdf5.H5Lget_name_by_idx;
import static org.bytedeco.hdf5.global.hdf5.H5Oclose;
import static org.bytedeco.hdf5.global.hdf5.H5Oopen;
import static org.bytedeco.hdf5.global.hdf5.H5P_DEFAULT;
import static org.bytedeco.hdf5.global.hdf5.H5S_ALL;
import static org.bytedeco.hdf5.global.hdf5.H5Sclose;
import static org.bytedeco.hdf5.global.hdf5.H5Sget_simple_extent_dims;
import static org.bytedeco.hdf5.global.hdf5.H5Sget_simple_extent_ndims;
import static org.bytedeco.hdf5.global.hdf5.H5Sget_simple_extent_npoints;
import static org.bytedeco.hdf5.global.hdf5.H5T_FLOAT;
import static org.bytedeco.hdf5.global.hdf5.H5T_STRING;
import static org.bytedeco.hdf5.global.hdf5.H5T_VARIABLE;
import static org.bytedeco.hdf5.global.hdf5.H5Tclose;
import static org.bytedeco.hdf5.global.hdf5.H5Tcopy;
import static org.bytedeco.hdf5.global.hdf5.H5Tget_class;
import static org.bytedeco.hdf5.global.hdf5.H5Tget_cset;
import static org.bytedeco.hdf5.global.hdf5.H5Tget_size;
import static org.bytedeco.hdf5.global.hdf5.H5Tis_variable_str;
import static org.bytedeco.hdf5.global.hdf5.H5Treclaim;
import static org.bytedeco.hdf5.global.hdf5.H5Tset_cset;
import static org.bytedeco.hdf5.global.hdf5.H5Tset_size;
import static org.bytedeco.hdf5.global.hdf5.H5_INDEX_NAME;
import static org.bytedeco.hdf5.global.hdf5.H5_ITER_INC;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.hdf5.H5G_info_t;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.mlj.api.ModelFormat;
import org.mlj.api.ModelLoadException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Read-only access to an HDF5 file held in native memory, through the HDF5 C library that DL4J ships.
 *
 * <p>The bytes are checked in Java first (signature, superblock, end-of-file address against the
 * byte count, which catches truncation); only then does the library see them, as an in-memory file
 * image that it neither copies nor frees. The library therefore never opens the user's file, and
 * nothing is written anywhere. Objects are addressed by absolute paths ({@code model_weights/dense/...}).
 *
 * <p>The HDF5 library is not thread-safe: every call holds {@link Hdf5Archive#LOCK_OBJECT}, the lock
 * DL4J's own reader uses. The library's automatic error printing is switched off; failures surface as
 * {@link ModelLoadException}s naming the object. Close to free the image.
 */
final class Hdf5File implements AutoCloseable {
    /** How far into the file the signature is looked for (it sits at 0, 512, 1024, ... after a user block). */
    private static final int HEAD_BYTES = 1 << 20;

    static {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            H5Eset_auto2(0, null, null);
        }
    }

    private final String description;
    private final BytePointer image;
    private final long file;
    private boolean closed;

    private Hdf5File(String description, BytePointer image, long file) {
        this.description = description;
        this.image = image;
        this.file = file;
    }

    /**
     * Opens an HDF5 image. On success the returned file owns {@code image}; on failure the caller keeps it.
     *
     * @param description what the bytes are, for messages (e.g. {@code model.h5})
     * @throws ModelLoadException if the bytes are not a complete HDF5 file
     */
    static Hdf5File open(String description, BytePointer image) {
        ByteBuffer head = new BytePointer(image).position(0).limit(Math.min(image.capacity(), HEAD_BYTES)).asByteBuffer();
        checkSuperblock(description, head.order(ByteOrder.LITTLE_ENDIAN), image.capacity());
        long file;
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            file = H5LTopen_file_image(image, image.capacity(), H5LT_FILE_IMAGE_DONT_COPY | H5LT_FILE_IMAGE_DONT_RELEASE);
        }
        if (file < 0) {
            throw new ModelLoadException(description + " is not a readable HDF5 file (the HDF5 library rejects it: corrupt?)");
        }
        return new Hdf5File(description, image, file);
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
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            StringBuilder prefix = new StringBuilder();
            for (String part : path.split("/")) {
                prefix.append(prefix.length() == 0 ? "" : "/").append(part);
                if (H5Lexists(file, prefix.toString(), H5P_DEFAULT()) <= 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Whether {@code path} is a group. */
    boolean isGroup(String path) {
        return objectType(path) == H5I_GROUP;
    }

    /** Whether {@code path} is a dataset. */
    boolean isDataset(String path) {
        return objectType(path) == H5I_DATASET;
    }

    private int objectType(String path) {
        if (!exists(path)) {
            return -1;
        }
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            long object = check(H5Oopen(file, path, H5P_DEFAULT()), path, "open");
            try {
                return H5Iget_type(object);
            } finally {
                H5Oclose(object);
            }
        }
    }

    /** The names of the links in a group, in name order. */
    List<String> children(String groupPath) {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            long group = check(H5Gopen2(file, groupPath, H5P_DEFAULT()), groupPath, "open group");
            try {
                H5G_info_t info = new H5G_info_t();
                try {
                    check(H5Gget_info(group, info), groupPath, "list group");
                    List<String> names = new ArrayList<>();
                    for (long i = 0; i < info.nlinks(); i++) {
                        long length = check(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, (BytePointer) null, 0, H5P_DEFAULT()),
                                groupPath, "list group");
                        byte[] name = new byte[Math.toIntExact(length + 1)];
                        check(H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, length + 1, H5P_DEFAULT()),
                                groupPath, "list group");
                        names.add(new String(name, 0, (int) length, StandardCharsets.UTF_8));
                    }
                    return names;
                } finally {
                    info.close();
                }
            } finally {
                H5Gclose(group);
            }
        }
    }

    /**
     * A string attribute of an object as a list (one element for a scalar), or empty if the object has
     * no such attribute. An empty attribute of another type (h5py writes an empty {@code weight_names}
     * as a float array) reads as an empty list.
     *
     * @throws ModelLoadException if the attribute holds something other than strings
     */
    Optional<List<String>> stringAttribute(String objectPath, String name) {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            long object = check(H5Oopen(file, objectPath, H5P_DEFAULT()), objectPath, "open");
            try {
                if (H5Aexists(object, name) <= 0) {
                    return Optional.empty();
                }
                long attribute = check(H5Aopen(object, name, H5P_DEFAULT()), objectPath + "@" + name, "open attribute");
                try {
                    return Optional.of(readStrings(attribute, objectPath + "@" + name));
                } finally {
                    H5Aclose(attribute);
                }
            } finally {
                H5Oclose(object);
            }
        }
    }

    private List<String> readStrings(long attribute, String what) {
        long space = check(H5Aget_space(attribute), what, "read");
        long type = check(H5Aget_type(attribute), what, "read");
        try {
            int count = Math.toIntExact(H5Sget_simple_extent_npoints(space));
            if (count == 0) {
                return List.of();
            }
            if (H5Tget_class(type) != H5T_STRING) {
                throw new ModelLoadException(description + ": attribute " + what + " is not a string");
            }
            return H5Tis_variable_str(type) > 0 ? readVariableStrings(attribute, space, H5Tget_cset(type), count, what)
                    : readFixedStrings(attribute, type, count, what);
        } finally {
            H5Tclose(type);
            H5Sclose(space);
        }
    }

    /** Variable-length strings, read with the attribute's character set (HDF5 does not convert between ASCII and UTF-8). */
    private List<String> readVariableStrings(long attribute, long space, int charset, int count, String what) {
        long memoryType = H5Tcopy(PredType.C_S1().getId());
        H5Tset_size(memoryType, H5T_VARIABLE());
        H5Tset_cset(memoryType, charset);
        try (PointerPointer<BytePointer> values = new PointerPointer<>(count)) {
            check(H5Aread(attribute, memoryType, values), what, "read");
            List<String> strings = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                BytePointer value = values.get(BytePointer.class, i);
                strings.add(value == null ? "" : value.getString(StandardCharsets.UTF_8));
            }
            H5Treclaim(memoryType, space, H5P_DEFAULT(), values);
            return strings;
        } finally {
            H5Tclose(memoryType);
        }
    }

    /** Fixed-length strings, read as stored (padding and character set kept) and cut at the first NUL. */
    private List<String> readFixedStrings(long attribute, long fileType, int count, String what) {
        long memoryType = H5Tcopy(fileType);
        long width = H5Tget_size(fileType);
        try (BytePointer buffer = new BytePointer(width * count)) {
            check(H5Aread(attribute, memoryType, buffer), what, "read");
            byte[] bytes = new byte[Math.toIntExact(width * count)];
            buffer.get(bytes);
            List<String> strings = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int from = (int) (i * width);
                int to = from;
                while (to < from + width && bytes[to] != 0) {
                    to++;
                }
                strings.add(new String(bytes, from, to - from, StandardCharsets.UTF_8));
            }
            return strings;
        } finally {
            H5Tclose(memoryType);
        }
    }

    private long[] dims(long dataset, String path) {
        long space = check(H5Dget_space(dataset), path, "read shape of");
        try {
            int rank = check(H5Sget_simple_extent_ndims(space), path, "read shape of");
            long[] dims = new long[rank];
            if (rank > 0) {
                check(H5Sget_simple_extent_dims(space, dims, null), path, "read shape of");
            }
            return dims;
        } finally {
            H5Sclose(space);
        }
    }

    /**
     * Reads a floating-point dataset as a float32 array in C order, converting from the stored
     * precision, straight into the array's native buffer.
     *
     * @throws ModelLoadException if it is not a float dataset or cannot be read
     */
    INDArray readFloats(String datasetPath) {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            long dataset = check(H5Dopen2(file, datasetPath, H5P_DEFAULT()), datasetPath, "open dataset");
            try {
                long type = check(H5Dget_type(dataset), datasetPath, "read");
                try {
                    if (H5Tget_class(type) != H5T_FLOAT) {
                        throw new ModelLoadException(description + ": dataset " + datasetPath + " does not hold floating-point weights");
                    }
                } finally {
                    H5Tclose(type);
                }
                long[] shape = dims(dataset, datasetPath);
                INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
                if (array.length() > 0) {
                    check(H5Dread(dataset, PredType.NATIVE_FLOAT().getId(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(),
                            array.data().pointer()), datasetPath, "read");
                }
                return array;
            } finally {
                H5Dclose(dataset);
            }
        }
    }

    private long check(long result, String path, String action) {
        if (result < 0) {
            throw new ModelLoadException("Cannot " + action + " " + path + " in " + description
                    + " (the HDF5 library reports an error: corrupt or not a Keras file?)");
        }
        return result;
    }

    private int check(int result, String path, String action) {
        return (int) check((long) result, path, action);
    }

    /** Closes the file and frees the image. Idempotent. */
    @Override
    public void close() {
        synchronized (Hdf5Archive.LOCK_OBJECT) {
            if (!closed) {
                closed = true;
                H5Fclose(file);
                image.deallocate();
            }
        }
    }

    @Override
    public String toString() {
        return "Hdf5File(" + description + ")";
    }
}
