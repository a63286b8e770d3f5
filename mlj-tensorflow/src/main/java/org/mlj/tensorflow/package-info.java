/**
 * The {@code tensorflow} backend of mlj: runs TensorFlow SavedModels and mlj bundles with TensorFlow
 * Java. {@link org.mlj.tensorflow.TensorFlowBackend} is the service registered for
 * {@link org.mlj.api.spi.Backend}; it returns {@link org.mlj.tensorflow.TensorFlowModel}s.
 */
package org.mlj.tensorflow;
