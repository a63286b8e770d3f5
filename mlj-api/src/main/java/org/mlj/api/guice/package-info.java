/**
 * Guice wiring for applications that use it: install {@link org.mlj.api.guice.MljModule} and inject
 * {@link org.mlj.api.ModelLoader}. Guice is an optional dependency of mlj-api; plain applications use
 * {@link org.mlj.api.Models} and never load this package.
 */
package org.mlj.api.guice;
