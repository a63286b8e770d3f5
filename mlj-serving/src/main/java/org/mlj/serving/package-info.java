/**
 * {@code mlj serve}: a TensorFlow Serving-compatible model server for every model mlj loads.
 *
 * <p>One package per concern, as TF Serving keeps them apart:
 * <ul>
 *   <li>{@link org.mlj.serving.ServeMain} (entry point, flags, SIGTERM) and
 *       {@link org.mlj.serving.ModelServer} (wires the pieces);</li>
 *   <li>{@code config}: TF Serving's flags and text-format config files;</li>
 *   <li>{@code repository}: models, live versions, policies, loading and warm-up — no HTTP;</li>
 *   <li>{@code inference}: the protocol-neutral call, the {@code Predictor} seam where a batcher
 *       goes, the per-request timeout;</li>
 *   <li>{@code http}: the JDK HTTP server with a bounded worker pool, body limit, error mapping;</li>
 *   <li>{@code tfserving} and {@code oip}: the two REST protocols, each a pure decoder, an encoder
 *       and routes; {@code json}: tensors as JSON and TF Serving's float format;</li>
 *   <li>{@code proto}: protobuf wire format for SavedModel signatures and tf.Examples;</li>
 *   <li>{@code metrics}: Prometheus text metrics.</li>
 * </ul>
 * Request path: HTTP worker → decoder (bytes → tensors, against the acquired version's signature)
 * → {@code Predictor} (inference threads) → {@code Model.predict} → encoder.
 */
package org.mlj.serving;
