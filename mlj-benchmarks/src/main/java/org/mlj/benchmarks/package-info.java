/**
 * JMH benchmarks of mlj against raw TensorFlow Java and DL4J, the soak run, and the table that
 * {@code ./mlj bench} prints (see BENCHMARKS.md). Not API.
 */
package org.mlj.benchmarks;
