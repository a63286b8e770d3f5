/**
 * Dynamic batching with TensorFlow Serving's semantics ({@code --enable_batching}): concurrent calls
 * for the same model version, signature, requested layers and per-example input shapes are merged
 * along dimension 0, run once, padded to an allowed batch size when asked, and split back.
 * {@link org.mlj.serving.batching.BatchingPredictor} is the entry point; it slots in behind
 * {@link org.mlj.serving.inference.Predictor} in place of the unbatched
 * {@link org.mlj.serving.inference.DirectPredictor}.
 */
package org.mlj.serving.batching;
