/** Pieces of {@code ./mlj bench serve} that run in a JVM: the in-process yardstick of the serving benchmark. */
package org.mlj.benchmarks.serve;
