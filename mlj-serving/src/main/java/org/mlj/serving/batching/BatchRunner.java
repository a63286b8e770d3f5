package org.mlj.serving.batching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mlj.api.Model;
import org.mlj.api.Tensor;
import org.mlj.serving.inference.InferenceCall;
import org.mlj.serving.inference.InferenceResult;

/**
 * Runs calls that share a {@link BatchKey} as one model call: concatenates each input along
 * dimension 0, pads with copies of the first example up to {@code paddedRows} (TF Serving's
 * {@code allowed_batch_sizes} padding), runs the signature (and the layer outputs when asked), and
 * slices every output back into one result per call, dropping the padding. Stateless and thread-safe.
 */
final class BatchRunner {

    /** An output that is not batched along dimension 0, so it cannot be split back per call. */
    static final class UnsplittableOutputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnsplittableOutputException(String message) {
            super(message);
        }
    }

    /**
     * Runs the calls as one batch.
     *
     * @param calls calls sharing one key, each with {@code rows[i]} examples
     * @param rows each call's batch size
     * @param paddedRows the batch size to run (≥ the sum of {@code rows})
     * @return one result per call, in order
     * @throws UnsplittableOutputException when an output's dimension 0 is not the batch size
     */
    List<InferenceResult> run(List<InferenceCall> calls, long[] rows, long paddedRows) {
        InferenceCall first = calls.get(0);
        Model model = first.version().model();
        Map<String, Tensor> inputs;
        if (calls.size() == 1 && rows[0] == paddedRows) {
            inputs = first.inputs();
        } else {
            inputs = new LinkedHashMap<>();
            for (String name : first.inputs().keySet()) {
                List<Tensor> parts = new ArrayList<>(calls.size());
                for (InferenceCall call : calls) {
                    parts.add(call.inputs().get(name));
                }
                inputs.put(name, concat(parts, paddedRows));
            }
        }
        Map<String, Tensor> outputs = model.predict(first.signatureName(), inputs).asMap();
        Map<String, Tensor> layers = first.layers().isEmpty() ? Map.of() : model.layerOutputs(inputs, first.layers()).asMap();
        if (calls.size() == 1 && rows[0] == paddedRows) {
            return List.of(new InferenceResult(new LinkedHashMap<>(outputs), new LinkedHashMap<>(layers)));
        }
        List<Map<String, Tensor>> splitOutputs = split(outputs, rows, paddedRows, "output");
        List<Map<String, Tensor>> splitLayers = split(layers, rows, paddedRows, "layer");
        List<InferenceResult> results = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            results.add(new InferenceResult(splitOutputs.get(i), splitLayers.get(i)));
        }
        return results;
    }

    /** The parts concatenated along dimension 0, then padded with copies of the first example to {@code paddedRows}. */
    static Tensor concat(List<Tensor> parts, long paddedRows) {
        long total = 0;
        for (Tensor part : parts) {
            total += part.shape().dim(0);
        }
        List<Tensor> padded = new ArrayList<>(parts);
        if (total < paddedRows) {
            Tensor firstExample = parts.get(0).sliceView(0, 1);
            for (long p = total; p < paddedRows; p++) {
                padded.add(firstExample);
            }
        }
        return Tensor.concat(padded);
    }

    private static List<Map<String, Tensor>> split(Map<String, Tensor> tensors, long[] rows, long paddedRows, String what) {
        List<Map<String, Tensor>> perCall = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            perCall.add(new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Tensor tensor = entry.getValue();
            if (tensor.shape().rank() == 0 || tensor.shape().dim(0) != paddedRows) {
                throw new UnsplittableOutputException("The " + what + " '" + entry.getKey() + "' has shape " + tensor.shape()
                        + ", not a first dimension equal to the batch size " + paddedRows + ", so a batch cannot be split back");
            }
            long offset = 0;
            for (int i = 0; i < rows.length; i++) {
                perCall.get(i).put(entry.getKey(), tensor.slice(offset, offset + rows[i]));
                offset += rows[i];
            }
        }
        return perCall;
    }
}
