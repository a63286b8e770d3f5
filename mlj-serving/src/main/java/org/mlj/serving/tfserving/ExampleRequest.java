package org.mlj.serving.tfserving;

import java.util.List;

/**
 * A decoded TF Serving {@code :classify} or {@code :regress} body: the signature name ("" for the
 * default) and the serialized {@code tf.Example}s, each already merged with the {@code context}
 * when one was given. Immutable (the byte arrays are not copied).
 *
 * @param signatureName the requested signature, or ""
 * @param examples serialized tf.Example protos, one per JSON example
 */
public record ExampleRequest(String signatureName, List<byte[]> examples) {
    /** Copies the list. */
    public ExampleRequest {
        examples = List.copyOf(examples);
    }
}
