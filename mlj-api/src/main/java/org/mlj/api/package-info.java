/**
 * The mlj API every user touches: load a model with {@link org.mlj.api.Models} (or an injected
 * {@link org.mlj.api.ModelLoader}), run it with {@link org.mlj.api.Model#predict}, and read its
 * {@link org.mlj.api.Signature}: ordered, typed {@link org.mlj.api.TensorSpec}s. Data travels as
 * heap {@link org.mlj.api.Tensor}s ({@link org.mlj.api.Shape}, {@link org.mlj.api.DType}); results
 * come back as {@link org.mlj.api.Outputs}. {@link org.mlj.api.LoadOptions} chooses the backend and
 * its options. Failures are {@link org.mlj.api.MljException}s: {@link org.mlj.api.InvalidInputException}
 * (bad input), {@link org.mlj.api.ModelLoadException} (cannot load) and
 * {@link org.mlj.api.UnsupportedModelException} (the backend cannot run what the model uses).
 *
 * <p>Only {@link org.mlj.api.Model} holds native memory; close it. Backends plug in through
 * {@link org.mlj.api.spi}; bundle files, {@code .npy} files and Guice wiring live in their own packages.
 */
package org.mlj.api;
