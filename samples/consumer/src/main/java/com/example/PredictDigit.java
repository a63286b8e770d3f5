package com.example;

import java.nio.file.Path;
import java.util.Map;
import org.mlj.api.Model;
import org.mlj.api.Models;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.mlj.api.npy.NpyFile;

public final class PredictDigit {
    public static void main(String[] args) throws Exception {
        Path bundle = Path.of(args.length > 0 ? args[0] : "models/mnist_cnn");
        Tensor image = NpyFile.read(bundle.resolve("reference/batch_1/inputs/image.npy"));  // [1, 28, 28, 1], values in [0, 1]
        int expected = argmax(NpyFile.read(bundle.resolve("reference/batch_1/outputs/predictions.npy")).toFloatArray());

        try (Model model = Models.load(bundle)) {                  // the backend jar on the classpath loads it
            System.out.println(model.signature());
            Outputs out = model.predict(Map.of("image", image));
            float[] probabilities = out.get("predictions").toFloatArray();
            int digit = argmax(probabilities);
            String label = model.bundle().flatMap(info -> info.label(digit)).orElse(String.valueOf(digit));
            System.out.printf("%s predicts %s (p=%.4f); Python predicted %d%n", model.backend(), label, probabilities[digit], expected);
            if (digit != expected) {
                System.exit(1);
            }
        }
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
