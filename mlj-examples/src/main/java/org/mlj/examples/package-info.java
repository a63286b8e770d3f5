/**
 * The {@code ./mlj} command line (picocli commands wired with Guice): demo, inspect, run, digits,
 * sentiment and activations. An application of mlj-api, not a library: nothing here is API.
 */
package org.mlj.examples;
