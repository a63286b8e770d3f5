package org.mlj.examples;

import com.google.inject.AbstractModule;
import org.mlj.api.guice.MljModule;

/**
 * Guice wiring of the command line: the {@link org.mlj.api.ModelLoader} of {@link MljModule} over
 * every backend on the classpath, and the {@link Workspace} the commands read models and samples from.
 */
public final class ExamplesModule extends AbstractModule {
    private final Workspace workspace;

    /** Wires the commands to this workspace. */
    public ExamplesModule(Workspace workspace) {
        this.workspace = workspace;
    }

    @Override
    protected void configure() {
        install(new MljModule());
        bind(Workspace.class).toInstance(workspace);
    }
}
