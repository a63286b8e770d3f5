/**
 * The {@code dl4j} backend of mlj: Keras 3 (and Keras 1/2) models running in Deeplearning4j
 * 1.0.0-M2.1, found through {@code META-INF/services/org.mlj.api.spi.Backend}.
 *
 * <p>{@link org.mlj.dl4j.Dl4jBackend} is the entry point; it returns {@link org.mlj.dl4j.Dl4jModel}s.
 * The rest is internal: reading the file ({@code KerasFile}, {@code Hdf5File}), translating the Keras
 * config for DL4J's importer ({@code KerasConfigTranslator}), reading the weights
 * ({@code KerasWeightsReader}), importing ({@code KerasGraphImporter}) and running the network
 * ({@code ForwardPass}, {@code GraphForwardPass}, {@code ChainForwardPass} with the fused LSTM op,
 * {@code CnnProgramPass} for plain CNN chains,
 * {@code NetworkPool}, {@code OneDnnHelpers}, {@code KerasLayout}, {@code Nd4jTensors}).
 */
package org.mlj.dl4j;
