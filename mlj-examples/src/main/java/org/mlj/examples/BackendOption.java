package org.mlj.examples;

import org.mlj.api.LoadOptions;
import picocli.CommandLine.Option;

/** The {@code --backend NAME} option every command takes; without it the default choice of mlj-api applies. */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to run with: tensorflow or dl4j. Default: the one named by "
                    + "-Dmlj.backend or $MLJ_BACKEND, else the best for the model's format.")
    String name;

    /** Load options naming the chosen backend, if any. */
    LoadOptions.Builder loadOptions() {
        return LoadOptions.builder().backend(name);
    }
}
