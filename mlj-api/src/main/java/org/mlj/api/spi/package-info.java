/**
 * The backend SPI: what a backend jar implements and registers in
 * {@code META-INF/services/org.mlj.api.spi.Backend} ({@link org.mlj.api.spi.Backend}, its declared
 * {@link org.mlj.api.spi.BackendOption}s), what it is asked to load ({@link org.mlj.api.spi.ModelSource}),
 * and the base class that validates inputs and guards close for every backend's models
 * ({@link org.mlj.api.spi.AbstractModel}). Applications do not need this package.
 */
package org.mlj.api.spi;
