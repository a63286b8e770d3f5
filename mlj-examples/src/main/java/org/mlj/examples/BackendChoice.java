package org.mlj.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mlj.api.LoadOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --backend NAME} and {@code --option KEY=VALUE} options every command takes; without them
 * the default choice of mlj-api applies.
 */
final class BackendChoice {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "Backend to run with: tensorflow or dl4j. Default: the one named by "
                    + "-Dmlj.backend or $MLJ_BACKEND, else the best for the model's format.")
    String name;

    @Option(names = "--option", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A backend load option, e.g. dl4j.poolSize=4 or tensorflow.intraOpThreads=2 "
                    + "(repeatable; `mlj inspect --options` lists them).")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--allow-ops", paramLabel = "OP[,OP...]",
            description = "Let a SavedModel run these TensorFlow ops outside mlj's allowlist of side-effect-free "
                    + "ops (* for any); the same as --option tensorflow.allowOps=OPS. See the README's Security section.")
    String allowOps;

    /** Load options naming the chosen backend and the options given, if any. */
    LoadOptions.Builder loadOptions() {
        LoadOptions.Builder builder = LoadOptions.builder().backend(name).options(options);
        if (allowOps != null && !allowOps.isBlank()) {
            builder.option("tensorflow.allowOps", allowOps);
        }
        return builder;
    }
}
