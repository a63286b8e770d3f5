package org.mlj.api.guice;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import java.util.Set;
import org.mlj.api.spi.Backend;
import org.mlj.api.ModelLoader;

/**
 * Guice wiring for applications: binds every {@link Backend} found with {@link java.util.ServiceLoader}
 * into a {@code Set<Backend>} multibinding and provides a singleton {@link ModelLoader} over it.
 *
 * <pre>{@code
 * Injector injector = Guice.createInjector(new MljModule());
 * ModelLoader loader = injector.getInstance(ModelLoader.class);
 * }</pre>
 *
 * <p>An application can add its own backend with {@code Multibinder.newSetBinder(binder(), Backend.class)}.
 * Guice is an optional dependency of mlj-api: only this class needs it.
 */
public final class MljModule extends AbstractModule {
    private final ClassLoader classLoader;

    /** Binds the backends visible to mlj-api's class loader. */
    public MljModule() {
        this(MljModule.class.getClassLoader());
    }

    /** Binds the backends visible to {@code classLoader}. */
    public MljModule(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    protected void configure() {
        Multibinder<Backend> backends = Multibinder.newSetBinder(binder(), Backend.class);
        for (Backend backend : ModelLoader.discover(classLoader)) {
            backends.addBinding().toInstance(backend);
        }
    }

    @Provides
    @Singleton
    ModelLoader modelLoader(Set<Backend> backends) {
        return new ModelLoader(backends);
    }
}
