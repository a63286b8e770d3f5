package org.mlj.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mlj.serving.ServeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code mlj serve}: the TensorFlow Serving-compatible model server of {@code mlj-serving}. Takes
 * {@code tensorflow_model_server}'s flags as they are ({@code --rest_api_port=8501
 * --model_name=m --model_base_path=/models/m}) and hands them to {@link ServeMain}, which refuses
 * unknown ones by name.
 */
@Command(name = "serve", usageHelpAutoWidth = true,
        header = "Serves models over HTTP: TensorFlow Serving's REST API and the Open Inference Protocol v2.",
        description = {"Takes tensorflow_model_server's flags in --flag=value form, e.g.",
                "  ./mlj serve --rest_api_port=8501 --model_name=mnist_cnn --model_base_path=/models/mnist_cnn",
                "where /models/mnist_cnn holds numbered version directories (1/, 2/, ...) with a bundle,",
                "a SavedModel or a .keras/.h5 file. Binds 127.0.0.1 unless --host is given.",
                "./mlj serve -help lists every flag.", ""})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(flags);
        if (args.isEmpty()) {
            args.add("--help");
        }
        return ServeMain.run(args.toArray(new String[0]), spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
