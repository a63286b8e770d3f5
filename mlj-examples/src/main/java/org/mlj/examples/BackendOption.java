package org.mlj.examples;

import org.mlj.api.LoadOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --backend NAME} and {@code --allow-ops OPS} options every command takes; without them the
 * default choice of mlj-api and the default op allowlist apply.
 */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to run with: tensorflow or dl4j. Default: the one named by "
                    + "-Dmlj.backend or $MLJ_BACKEND, else the best for the model's format.")
    String name;

    /** The tensorflow backend's opt-in for ops outside its allowlist (see the README's Security section). */
    static final String ALLOW_OPS_PROPERTY = "tensorflow.allowOps";

    @Option(names = "--allow-ops", paramLabel = "OP[,OP...]",
            description = "Let a SavedModel run these TensorFlow ops outside mlj's allowlist of side-effect-free "
                    + "ops (e.g. ReadFile), or * for any op. Only for models you trust.")
    String allowOps;

    /** Load options naming the chosen backend, if any, and the ops allowed. */
    LoadOptions.Builder loadOptions() {
        LoadOptions.Builder builder = LoadOptions.builder().backend(name);
        if (allowOps != null && !allowOps.isBlank()) {
            builder.property(ALLOW_OPS_PROPERTY, allowOps);
        }
        return builder;
    }
}
