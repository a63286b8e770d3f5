package org.mlj.dl4j;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Engages DL4J's oneDNN helpers ({@link MKLDNNConvHelper}, {@link MKLDNNSubsamplingHelper}) for 2D
 * convolution and pooling layers, which then run libnd4j's {@code conv2d}/{@code maxpool2d} ops
 * (oneDNN kernels in the oneDNN native build) instead of DL4J's im2col and gemm.
 *
 * <p>DL4J 1.0.0-M2.1 never engages them by itself: they are off unless the system property
 * {@code org.eclipse.deeplearning4j.helpers.disable} is {@code false}, and even then its availability
 * check looks up a class the native backend no longer has ({@code org.nd4j.nativeblas.Nd4jCpu$Environment},
 * now {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}), so it always fails. This class
 * checks availability itself (CPU backend, a native build with oneDNN, oneDNN and helpers enabled in
 * libnd4j's environment) and sets each layer's helper after the network is built. A helper that fails
 * at run time makes the layer fall back to DL4J's own implementation, so results stay correct either way.
 * Stateless and thread-safe.
 */
final class OneDnnHelpers {
    private static final Optional<String> UNAVAILABLE_REASON = unavailableReason();

    private OneDnnHelpers() {
    }

    /** Why the helpers cannot be used in this JVM, or empty if they can. */
    static Optional<String> unavailable() {
        return UNAVAILABLE_REASON;
    }

    /**
     * Attaches a helper to every plain 2D convolution and pooling layer of {@code network} (subclasses
     * such as 1D, depthwise or separable convolutions keep DL4J's path).
     *
     * @return the names of the layers that now run through a helper, in layer order; empty when the
     *         helpers are unavailable or the network has no such layer
     */
    static List<String> attach(ComputationGraph network) {
        List<String> engaged = new ArrayList<>();
        if (UNAVAILABLE_REASON.isPresent()) {
            return engaged;
        }
        DataType dataType = network.getConfiguration().getDataType();
        for (Layer layer : network.getLayers()) {
            if (layer.getClass() == ConvolutionLayer.class && dilated(layer)) {
                continue; // libnd4j M2.1's oneDNN path fails on dilated convolutions; DL4J's own path is right
            }
            if (layer.getClass() == ConvolutionLayer.class) {
                setHelper(ConvolutionLayer.class, layer, new MKLDNNConvHelper(dataType));
            } else if (layer.getClass() == SubsamplingLayer.class) {
                setHelper(SubsamplingLayer.class, layer, new MKLDNNSubsamplingHelper(dataType));
            } else {
                continue;
            }
            if (layer.getHelper() != null) {
                engaged.add(layer.conf().getLayer().getLayerName());
            }
        }
        return engaged;
    }

    private static boolean dilated(Layer layer) {
        int[] dilation = ((org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.conf().getLayer()).getDilation();
        return dilation != null && java.util.Arrays.stream(dilation).anyMatch(d -> d != 1);
    }

    private static void setHelper(Class<?> layerClass, Layer layer, Object helper) {
        try {
            Field field = layerClass.getDeclaredField("helper");
            field.setAccessible(true);
            field.set(layer, helper);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot set the oneDNN helper of DL4J layer "
                    + layer.conf().getLayer().getLayerName() + " (" + layerClass.getName() + ")", e);
        }
    }

    private static Optional<String> unavailableReason() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
        if (!"CPU".equalsIgnoreCase(backend)) {
            return Optional.of("ND4J backend is " + backend + ", not CPU");
        }
        if (!NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN")) {
            return Optional.of("the ND4J native build has no oneDNN (use the nd4j-native classifier "
                    + "linux-x86_64-onednn or linux-x86_64-onednn-avx2)");
        }
        Nd4jCpu.Environment environment = Nd4jCpu.Environment.getInstance();
        if (!environment.helpersAllowed()) {
            return Optional.of("libnd4j platform helpers are disabled");
        }
        if (!environment.isUseONEDNN()) {
            return Optional.of("oneDNN is disabled in libnd4j's environment");
        }
        return Optional.empty();
    }
}
