package org.mlj.mutation;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Makes damaged copies of real model files, reproducibly from a seed: bit flips, truncation, a stretch
 * of bytes replaced by a longer run of zeros, a duplicated stretch, dropped or re-packed zip entries
 * with a damaged entry inside, huge or negative dimensions in a SavedModel's signatures, and damage to
 * {@code saved_model.pb}, {@code variables.index}, the checkpoint data and {@code mlj.json}.
 */
final class Mutator {
    /** The formats mutated. */
    enum Format { KERAS, HDF5, SAVED_MODEL, BUNDLE }

    private final Random random;

    Mutator(long seed) {
        this.random = new Random(seed);
    }

    /**
     * Writes one mutant of {@code original} (a file or a directory) under {@code target} and returns its path.
     *
     * @return the mutant and a short description of what was done
     */
    Mutant mutate(Format format, Path original, Path target) throws IOException {
        return switch (format) {
            case HDF5 -> {
                Path file = target.resolve("model.h5");
                String how = mutateBytes(Files.readAllBytes(original), file);
                yield new Mutant(file, how);
            }
            case KERAS -> new Mutant(target.resolve("model.keras"), mutateZip(original, target.resolve("model.keras")));
            case SAVED_MODEL -> new Mutant(target, mutateSavedModel(original, target));
            case BUNDLE -> new Mutant(target, mutateBundle(original, target));
        };
    }

    /** A mutant and what was done to it. */
    record Mutant(Path path, String description) {
    }

    private String mutateBytes(byte[] data, Path file) throws IOException {
        if (data.length == 0) {
            Files.write(file, new byte[] {(byte) random.nextInt(256)});
            return "empty file given one byte";
        }
        byte[] mutated;
        String how;
        int choice = random.nextInt(5);
        int at = random.nextInt(Math.max(1, data.length));
        switch (choice) {
            case 0 -> {
                mutated = data.clone();
                int flips = 1 + random.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int position = random.nextInt(mutated.length);
                    mutated[position] ^= (byte) (1 << random.nextInt(8));
                }
                how = flips + " bit flips";
            }
            case 1 -> {
                mutated = Arrays.copyOf(data, at);
                how = "truncated at " + at;
            }
            case 2 -> {
                int length = Math.min(1 + random.nextInt(128), data.length - at);
                int zeros = length + random.nextInt(32);
                mutated = concat(Arrays.copyOf(data, at), new byte[zeros], Arrays.copyOfRange(data, at + length, data.length));
                how = length + " bytes at " + at + " replaced by " + zeros + " zeros";
            }
            case 3 -> {
                int length = Math.min(1 + random.nextInt(256), data.length - at);
                mutated = concat(Arrays.copyOf(data, at + length), Arrays.copyOfRange(data, at, at + length),
                        Arrays.copyOfRange(data, at + length, data.length));
                how = length + " bytes at " + at + " duplicated";
            }
            default -> {
                mutated = data.clone();
                int length = Math.min(8, mutated.length - at);
                for (int i = 0; i < length; i++) {
                    mutated[at + i] = (byte) (random.nextBoolean() ? 0xff : 0x7f);
                }
                how = length + " bytes at " + at + " set to huge values";
            }
        }
        Files.write(file, mutated);
        return how;
    }

    private String mutateZip(Path original, Path file) throws IOException {
        if (random.nextInt(3) == 0) {
            return "whole zip: " + mutateBytes(Files.readAllBytes(original), file);
        }
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(original.toFile())) {
            zip.stream().forEach(entry -> names.add(entry.getName()));
        }
        String victim = names.get(random.nextInt(names.size()));
        boolean drop = random.nextInt(4) == 0;
        Path scratch = Files.createTempFile(file.getParent(), "entry", ".bin");
        String how = null;
        try (ZipFile zip = new ZipFile(original.toFile()); OutputStream out = Files.newOutputStream(file);
             ZipOutputStream zipOut = new ZipOutputStream(out)) {
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes = zip.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(victim)) {
                    if (drop) {
                        continue;
                    }
                    how = entry.getName() + ": " + mutateBytes(bytes, scratch);
                    bytes = Files.readAllBytes(scratch);
                }
                zipOut.putNextEntry(new ZipEntry(entry.getName()));
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        } finally {
            Files.deleteIfExists(scratch);
        }
        return drop ? "entry " + victim + " dropped" : how;
    }

    private String mutateSavedModel(Path original, Path target) throws IOException {
        copyTree(original, target);
        int choice = random.nextInt(10);
        if (choice < 2) {
            return "saved_model.pb: " + hugeOrNegativeDims(target.resolve("saved_model.pb"));
        }
        String file = choice < 6 ? "saved_model.pb" : choice < 9 ? "variables/variables.index" : "variables/variables.data-00000-of-00001";
        Path victim = target.resolve(file);
        return file + ": " + mutateBytes(Files.readAllBytes(victim), victim);
    }

    /** Rewrites one signature input's or output's dimension to a huge or negative size. */
    private String hugeOrNegativeDims(Path pb) throws IOException {
        SavedModel.Builder model = SavedModel.parseFrom(Files.readAllBytes(pb)).toBuilder();
        MetaGraphDef.Builder graph = model.getMetaGraphsBuilder(0);
        String key = graph.getSignatureDefMap().containsKey("serving_default") ? "serving_default"
                : graph.getSignatureDefMap().keySet().stream().sorted().toList().get(0);
        SignatureDef.Builder signature = graph.getSignatureDefMap().get(key).toBuilder();
        boolean input = signature.getOutputsCount() == 0 || (signature.getInputsCount() > 0 && random.nextBoolean());
        var tensors = input ? signature.getInputsMap() : signature.getOutputsMap();
        String name = tensors.keySet().stream().sorted().toList().get(0);
        TensorInfo.Builder info = tensors.get(name).toBuilder();
        long size = new long[] {-7, 1L << 31, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}[random.nextInt(5)];
        TensorShapeProto.Builder shape = info.getTensorShapeBuilder();
        if (shape.getDimCount() == 0) {
            shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(size));
        } else {
            shape.setDim(random.nextInt(shape.getDimCount()), TensorShapeProto.Dim.newBuilder().setSize(size));
        }
        if (input) {
            signature.putInputs(name, info.build());
        } else {
            signature.putOutputs(name, info.build());
        }
        graph.putSignatureDef(key, signature.build());
        Files.write(pb, model.build().toByteArray());
        return "signature " + key + " " + (input ? "input " : "output ") + name + " dimension set to " + size;
    }

    private String mutateBundle(Path original, Path target) throws IOException {
        Files.createDirectories(target);
        for (String name : List.of("mlj.json", "model.keras", "model.h5")) {
            Files.copy(original.resolve(name), target.resolve(name));
        }
        copyTree(original.resolve("saved_model"), target.resolve("saved_model"));
        int choice = random.nextInt(4);
        return switch (choice) {
            case 0, 1 -> "mlj.json: " + mutateBytes(Files.readAllBytes(target.resolve("mlj.json")), target.resolve("mlj.json"));
            case 2 -> "saved_model/" + mutateSavedModel(original.resolve("saved_model"), target.resolve("saved_model"));
            default -> "model.keras: " + mutateZip(original.resolve("model.keras"), target.resolve("model.keras"));
        };
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path copy = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else if (!Files.exists(copy)) {
                    Files.copy(path, copy);
                }
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, offset, part.length);
            offset += part.length;
        }
        return all;
    }
}
