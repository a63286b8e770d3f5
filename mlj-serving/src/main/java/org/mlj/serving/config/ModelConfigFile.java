package org.mlj.serving.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mlj.serving.repository.ModelConfig;
import org.mlj.serving.repository.VersionPolicy;

/**
 * Reads TF Serving's {@code --model_config_file}: a text-format {@code ModelServerConfig} with
 * {@code model_config_list { config { name, base_path, model_platform, model_version_policy
 * {latest {num_versions} | all {} | specific {versions}}, version_labels {key, value} } ... }}.
 * Relative base paths are resolved against the file's directory. Fields mlj does not serve are
 * refused by name. Stateless; thread-safe.
 */
public final class ModelConfigFile {
    private static final Set<String> CONFIG_FIELDS = Set.of("name", "base_path", "model_platform", "model_version_policy", "version_labels");

    private ModelConfigFile() {
    }

    /**
     * Reads and checks a config file.
     *
     * @throws IllegalArgumentException naming the file, line and field that is wrong
     * @throws IOException if it cannot be read
     */
    public static List<ModelConfig> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses config text; relative base paths resolve against {@code baseDirectory}. */
    public static List<ModelConfig> parse(String text, String source, Path baseDirectory) {
        TextProto root = TextProto.parse(text, source);
        root.requireOnly("ModelServerConfig", Set.of("model_config_list"));
        TextProto list = root.message("model_config_list").orElseThrow(() -> new IllegalArgumentException(source
                + ": expected model_config_list { config { name: ... base_path: ... } } (custom_model_config is not supported)"));
        list.requireOnly("ModelConfigList", Set.of("config"));
        List<ModelConfig> configs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TextProto config : list.messages("config")) {
            config.requireOnly("ModelConfig", CONFIG_FIELDS);
            String name = config.scalar("name").orElseThrow(() -> new IllegalArgumentException(config.where() + "config needs a name"));
            if (!names.add(name)) {
                throw new IllegalArgumentException(config.where() + "model '" + name + "' is configured twice");
            }
            String basePath = config.scalar("base_path").orElseThrow(() -> new IllegalArgumentException(config.where()
                    + "config '" + name + "' needs a base_path"));
            config.scalar("model_platform").ifPresent(platform -> {
                if (!platform.equals("tensorflow") && !platform.equals("mlj")) {
                    throw new IllegalArgumentException(config.where() + "model_platform '" + platform
                            + "' is not served; use tensorflow (or leave it out): mlj loads SavedModels, bundles and Keras files");
                }
            });
            Path base = Path.of(basePath);
            if (!base.isAbsolute() && baseDirectory != null) {
                base = baseDirectory.resolve(base);
            }
            configs.add(new ModelConfig(name, base.normalize(), policy(config), labels(config)));
        }
        return configs;
    }

    private static VersionPolicy policy(TextProto config) {
        var policy = config.message("model_version_policy");
        if (policy.isEmpty()) {
            return VersionPolicy.latest();
        }
        TextProto choice = policy.get();
        choice.requireOnly("ServableVersionPolicy", Set.of("latest", "all", "specific"));
        if (choice.fieldNames().size() != 1) {
            throw new IllegalArgumentException(choice.where() + "model_version_policy needs exactly one of latest, all, specific");
        }
        if (choice.message("latest").isPresent()) {
            TextProto latest = choice.message("latest").get();
            latest.requireOnly("Latest", Set.of("num_versions"));
            long count = latest.longValue("num_versions").orElse(1L);
            return new VersionPolicy.Latest((int) Math.max(1, Math.min(count, Integer.MAX_VALUE)));
        }
        if (choice.message("all").isPresent()) {
            choice.message("all").get().requireOnly("All", Set.of());
            return new VersionPolicy.All();
        }
        TextProto specific = choice.message("specific").get();
        specific.requireOnly("Specific", Set.of("versions"));
        List<Long> versions = new ArrayList<>();
        for (String version : specific.scalars("versions")) {
            try {
                versions.add(Long.parseLong(version));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(specific.where() + "versions must be integers, got " + version);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalArgumentException(specific.where() + "specific { versions: N } needs at least one version");
        }
        return VersionPolicy.Specific.of(versions);
    }

    private static Map<String, Long> labels(TextProto config) {
        Map<String, Long> labels = new LinkedHashMap<>();
        for (TextProto entry : config.messages("version_labels")) {
            entry.requireOnly("version_labels entry", Set.of("key", "value"));
            String key = entry.scalar("key").orElseThrow(() -> new IllegalArgumentException(entry.where() + "version_labels needs a key"));
            long value = entry.longValue("value").orElseThrow(() -> new IllegalArgumentException(entry.where()
                    + "version_labels '" + key + "' needs a value (a version number)"));
            labels.put(key, value);
        }
        return labels;
    }
}
