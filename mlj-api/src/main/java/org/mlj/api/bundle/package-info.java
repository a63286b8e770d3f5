/**
 * What an mlj bundle holds besides the model (a bundle is what {@code python -m mlj_export bundle}
 * writes): the manifest's schema ({@link org.mlj.api.bundle.BundleManifest}, for backends and tools),
 * the exporter's text tokenizer ({@link org.mlj.api.bundle.TextTokenizer}) and MNIST-style image
 * preprocessing ({@link org.mlj.api.bundle.DigitImages}) that turn raw data into model input, and the
 * Python reference batches ({@link org.mlj.api.bundle.ReferenceBatch}) with the comparison that checks
 * a backend against them ({@link org.mlj.api.bundle.TensorComparison}), and the pictures of layer outputs
 * that {@code ./mlj activations} and {@code mlj serve}'s page show ({@link org.mlj.api.bundle.ActivationImages}).
 * Applications that only predict
 * need none of it: {@link org.mlj.api.Model#bundle()} gives name, description, labels and versions.
 * Nothing here holds native memory.
 */
package org.mlj.api.bundle;
