/**
 * NumPy {@code .npy} files as {@link org.mlj.api.Tensor}s ({@link org.mlj.api.npy.NpyFile}): how
 * bundles store reference data and how the command line takes and writes tensors.
 */
package org.mlj.api.npy;
