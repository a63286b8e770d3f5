package org.mlj.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.mlj.api.DType;
import org.mlj.api.LayerInfo;
import org.mlj.api.Model;
import org.mlj.api.Signature;
import org.mlj.api.TensorSpec;

/**
 * A Spark ML {@link Transformer} that scores a DataFrame with an mlj model (a bundle, SavedModel,
 * {@code .keras} or {@code .h5}), on whichever backend is asked for, adding one column per model
 * output and, for classifiers, the predicted class and its label.
 *
 * <pre>{@code
 * Dataset<Row> scored = new MljModelTransformer()
 *         .setModelPath("models/mnist_cnn")        // local, shared file system, or shipped with --files
 *         .setInputCol("pixels")                   // array<float> of 784 values per row
 *         .setBatchSize(256)
 *         .transform(digits);                      // + predictions: array<float>, prediction: int, predictedLabel: string
 * }</pre>
 *
 * <p>Columns that can feed a model input: {@code array<float|double|int|bigint>} and ML {@code Vector}
 * (one example flattened row-major), {@code string} (tokenized with the bundle's tokenizer) and
 * {@code binary} image files (prepared as {@code ./mlj digits} does). Outputs are {@code array<float>}
 * (or {@code array<double|int|bigint>} for such outputs), flattened row-major in Keras layout.
 *
 * <p>On the executors each JVM loads the model once per (path, backend, options) and shares it among
 * its tasks ({@link ModelCache}); each partition is scored {@link #batchSize()} rows per model call,
 * with native threads bounded by {@code spark.task.cpus} ({@link ThreadBudget}). The driver loads the
 * model too (through the same cache), to derive the output schema. A row that does not fit the model
 * fails the task with a {@link RowInputException} naming column, row and expectation — or, with
 * {@code onBadRow = "null"}, gets null outputs and the message in {@link #errorCol()}.
 *
 * <p>Persistable with {@code write().save(path)} / {@link #load(String)}, also inside a saved
 * {@code Pipeline}; only the parameters are saved, never the model. Not thread-safe to configure;
 * {@code transform} may be called from several threads once configured.
 */
public class MljModelTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** {@link #onBadRow()} value: fail the task (default). */
    public static final String FAIL = "fail";
    /** {@link #onBadRow()} value: write null outputs and the error message. */
    public static final String NULL = "null";

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> backend;
    private final Param<String> signature;
    private final StringArrayParam inputCols;
    private final StringArrayParam outputCols;
    private final Param<String> predictionCol;
    private final Param<String> labelCol;
    private final IntParam batchSize;
    private final StringArrayParam layerOutputs;
    private final StringArrayParam loadOptions;
    private final Param<String> onBadRow;
    private final Param<String> errorCol;

    /** A transformer with a random uid. */
    public MljModelTransformer() {
        this(Identifiable$.MODULE$.randomUID("mljModel"));
    }

    /** A transformer with this uid (used when loading a saved one). */
    public MljModelTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "model directory or file: local, on a shared file system, or the name of a "
                + "file or directory shipped with SparkContext.addFile / spark-submit --files");
        backend = new Param<>(this, "backend", "mlj backend (tensorflow, dl4j); empty lets mlj choose");
        signature = new Param<>(this, "signature", "signature to run; empty for the model's default");
        inputCols = new StringArrayParam(this, "inputCols", "'input=column' per model input; a lone 'column' feeds a "
                + "model's only input; empty feeds each input from the column of the same name");
        outputCols = new StringArrayParam(this, "outputCols", "'output=column' to rename output columns; by default each "
                + "output is written to a column named like it");
        predictionCol = new Param<>(this, "predictionCol", "column for a classifier's predicted class index; empty for none");
        labelCol = new Param<>(this, "labelCol", "column for a classifier's predicted label from the bundle; empty for none");
        batchSize = new IntParam(this, "batchSize", "rows per model call", ParamValidators.gtEq(1));
        layerOutputs = new StringArrayParam(this, "layerOutputs", "layers whose outputs to add, each as column 'layer_<name>'");
        loadOptions = new StringArrayParam(this, "loadOptions", "backend-specific load options, 'key=value'");
        onBadRow = new Param<>(this, "onBadRow", "what a row that does not fit the model does: 'fail' the task, or write "
                + "'null' outputs and the error in errorCol", ParamValidators.inArray(new String[] {FAIL, NULL}));
        errorCol = new Param<>(this, "errorCol", "column for the error of a bad row when onBadRow is 'null'");
        setDefault(backend, "");
        setDefault(signature, "");
        setDefault(inputCols, new String[0]);
        setDefault(outputCols, new String[0]);
        setDefault(predictionCol, "prediction");
        setDefault(labelCol, "predictedLabel");
        setDefault(batchSize, 64);
        setDefault(layerOutputs, new String[0]);
        setDefault(loadOptions, new String[0]);
        setDefault(onBadRow, FAIL);
        setDefault(errorCol, "mlj_error");
    }

    /** Reads a transformer saved with {@code write().save(path)}. */
    public static MLReader<MljModelTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a transformer saved with {@code write().save(path)}. */
    public static MljModelTransformer load(String path) {
        return read().load(path);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- parameters ----

    /** Model path param. */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** Backend param. */
    public Param<String> backend() {
        return backend;
    }

    /** Signature param. */
    public Param<String> signature() {
        return signature;
    }

    /** Input column mapping param. */
    public StringArrayParam inputCols() {
        return inputCols;
    }

    /** Output column mapping param. */
    public StringArrayParam outputCols() {
        return outputCols;
    }

    /** Predicted class column param. */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /** Predicted label column param. */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** Batch size param. */
    public IntParam batchSize() {
        return batchSize;
    }

    /** Layer outputs param. */
    public StringArrayParam layerOutputs() {
        return layerOutputs;
    }

    /** Load options param. */
    public StringArrayParam loadOptions() {
        return loadOptions;
    }

    /** Bad row behaviour param. */
    public Param<String> onBadRow() {
        return onBadRow;
    }

    /** Error column param. */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** Sets the model path. */
    public MljModelTransformer setModelPath(String value) {
        set(modelPath, value);
        return this;
    }

    /** Sets the backend ({@code tensorflow}, {@code dl4j}). */
    public MljModelTransformer setBackend(String value) {
        set(backend, value);
        return this;
    }

    /** Sets the signature to run. */
    public MljModelTransformer setSignature(String value) {
        set(signature, value);
        return this;
    }

    /** Feeds the model's only input from this column. */
    public MljModelTransformer setInputCol(String column) {
        set(inputCols, new String[] {column});
        return this;
    }

    /** Feeds each model input (key) from a column (value). */
    public MljModelTransformer setInputCols(Map<String, String> inputToColumn) {
        set(inputCols, pairs(inputToColumn));
        return this;
    }

    /** Writes model outputs (keys) to these columns (values). */
    public MljModelTransformer setOutputCols(Map<String, String> outputToColumn) {
        set(outputCols, pairs(outputToColumn));
        return this;
    }

    /** Sets the predicted class column (empty: none). */
    public MljModelTransformer setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Sets the predicted label column (empty: none). */
    public MljModelTransformer setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    /** Sets the rows per model call. */
    public MljModelTransformer setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /** Adds these layers' outputs as columns {@code layer_<name>}. */
    public MljModelTransformer setLayerOutputs(String... layers) {
        set(layerOutputs, layers);
        return this;
    }

    /** Sets backend-specific load options. */
    public MljModelTransformer setLoadOptions(Map<String, String> options) {
        set(loadOptions, pairs(options));
        return this;
    }

    /** Sets what a bad row does: {@link #FAIL} or {@link #NULL}. */
    public MljModelTransformer setOnBadRow(String value) {
        set(onBadRow, value);
        return this;
    }

    /** Sets the error column used with {@link #NULL}. */
    public MljModelTransformer setErrorCol(String value) {
        set(errorCol, value);
        return this;
    }

    // ---- Transformer ----

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Plan plan = plan(dataset.schema());
        return dataset.toDF().mapPartitions(plan.scorer(), Encoders.row(plan.schema()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return plan(schema).schema();
    }

    @Override
    public MljModelTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The model key the executors use, from the active session's configuration. */
    public ModelKey modelKey() {
        SparkSession spark = SparkSession.active();
        return new ModelKey(isDefined(modelPath) ? $(modelPath) : null, $(backend), keyValues("loadOptions", $(loadOptions)),
                ThreadBudget.of(spark.sparkContext().getConf()));
    }

    private record Plan(PartitionScorer scorer, StructType schema) {
    }

    private Plan plan(StructType schema) {
        ModelKey key = modelKey();
        CachedModel cached = ModelCache.get(key);
        Model model = cached.model();
        Signature sig = $(signature).isEmpty() ? model.signature() : model.signature($(signature));
        Set<String> taken = new HashSet<>(Arrays.asList(schema.fieldNames()));
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));

        List<InputBinding> inputs = new ArrayList<>();
        Map<String, String> columns = inputColumns(sig);
        int[] inputFields = new int[columns.size()];
        for (Map.Entry<String, String> entry : columns.entrySet()) {
            inputFields[inputs.size()] = field(schema, entry.getValue());
            inputs.add(bind(cached, sig, entry.getKey(), schema.apply(entry.getValue())));
        }

        Map<String, String> renamed = keyValues("outputCols", $(outputCols));
        for (String output : renamed.keySet()) {
            if (!sig.outputNames().contains(output)) {
                throw new IllegalArgumentException("outputCols names output '" + output + "', but signature '" + sig.name()
                        + "' has outputs " + sig.outputNames());
            }
        }
        List<OutputBinding> outputs = new ArrayList<>();
        for (TensorSpec spec : sig.outputs()) {
            OutputBinding output = new OutputBinding(spec.name(), renamed.getOrDefault(spec.name(), spec.name()), spec.dtype());
            outputs.add(output);
            fields.add(add(taken, output.column(), output.sparkType(), true));
        }

        Classifier classifier = null;
        TensorSpec first = sig.outputs().get(0);
        long width = first.shape().isUnknownRank() ? -1 : first.shape().withFirstDim(1).size();
        if (Classifier.fits(cached.labels(), width) && !($(predictionCol).isEmpty() && $(labelCol).isEmpty())) {
            classifier = new Classifier($(predictionCol), $(labelCol), cached.labels());
            if (!$(predictionCol).isEmpty()) {
                fields.add(add(taken, $(predictionCol), DataTypes.IntegerType, true));
            }
            if (!$(labelCol).isEmpty()) {
                fields.add(add(taken, $(labelCol), DataTypes.StringType, true));
            }
        }

        List<OutputBinding> layers = new ArrayList<>();
        for (String layer : $(layerOutputs)) {
            layers.add(layer(model, layer));
            fields.add(add(taken, layers.get(layers.size() - 1).column(), layers.get(layers.size() - 1).sparkType(), true));
        }
        boolean nullOnBadRow = NULL.equals($(onBadRow));
        if (nullOnBadRow) {
            fields.add(add(taken, $(errorCol), DataTypes.StringType, true));
        }
        PartitionScorer scorer = new PartitionScorer(key, $(signature), inputs, inputFields, outputs, classifier, layers,
                (Integer) getOrDefault(batchSize), nullOnBadRow);
        return new Plan(scorer, new StructType(fields.toArray(new StructField[0])));
    }

    private Map<String, String> inputColumns(Signature sig) {
        String[] entries = $(inputCols);
        List<TensorSpec> required = sig.requiredInputs();
        Map<String, String> columns = new LinkedHashMap<>();
        if (entries.length == 1 && !entries[0].contains("=")) {
            if (required.size() != 1) {
                throw new IllegalArgumentException("inputCols is the lone column '" + entries[0] + "', but signature '"
                        + sig.name() + "' has inputs " + sig.inputNames() + ": map each as 'input=column'");
            }
            columns.put(required.get(0).name(), entries[0]);
            return columns;
        }
        Map<String, String> given = keyValues("inputCols", entries);
        for (String input : given.keySet()) {
            if (sig.input(input).isEmpty()) {
                throw new IllegalArgumentException("inputCols names input '" + input + "', but signature '" + sig.name()
                        + "' has inputs " + sig.inputNames());
            }
        }
        for (TensorSpec spec : required) {
            columns.put(spec.name(), given.getOrDefault(spec.name(), spec.name()));
        }
        given.forEach(columns::putIfAbsent);
        return columns;
    }

    private static int field(StructType schema, String column) {
        try {
            return schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("No column '" + column + "' to feed the model; the DataFrame has "
                    + Arrays.toString(schema.fieldNames()) + " (set inputCols as 'input=column')", e);
        }
    }

    private static InputBinding bind(CachedModel cached, Signature sig, String input, StructField column) {
        TensorSpec spec = sig.input(input).orElseThrow();
        ColumnKind kind = ColumnKind.of(column.dataType());
        if (kind == null) {
            throw new IllegalArgumentException("Column '" + column.name() + "' is " + column.dataType().simpleString()
                    + "; a model input takes " + ColumnKind.accepted());
        }
        if (!List.of(DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64).contains(spec.dtype())) {
            throw new IllegalArgumentException("Model input '" + input + "' is " + spec.dtype()
                    + "; mlj-spark feeds float32, float64, int32 and int64 inputs");
        }
        if (spec.shape().isUnknownRank() || spec.shape().rank() < 1 || !spec.shape().withFirstDim(1).isFullyKnown()) {
            throw new IllegalArgumentException("Model input '" + input + "' has shape " + spec.shape()
                    + "; mlj-spark needs a batch dimension and a fixed shape per example");
        }
        if (kind == ColumnKind.TEXT && !cached.tokenizesText()) {
            throw new IllegalArgumentException("Column '" + column.name() + "' is string, but the model has no text "
                    + "preprocessing (an mlj bundle with preprocessing.text) to tokenize it for input '" + input + "'");
        }
        if (kind == ColumnKind.IMAGE && !cached.takesImages()) {
            throw new IllegalArgumentException("Column '" + column.name() + "' is binary, but the model has no image "
                    + "preprocessing (an mlj bundle with preprocessing.image) to prepare it for input '" + input + "'");
        }
        long[] dims = spec.shape().dims();
        return new InputBinding(column.name(), input, kind, spec.dtype(), Arrays.copyOfRange(dims, 1, dims.length));
    }

    private static OutputBinding layer(Model model, String name) {
        if (!model.supportsLayerOutputs()) {
            throw new IllegalArgumentException("layerOutputs asked for, but " + model.layerOutputsUnsupportedReason().orElse(""));
        }
        for (LayerInfo info : model.layers()) {
            if (info.name().equals(name)) {
                return new OutputBinding(name, "layer_" + name, info.dtype());
            }
        }
        throw new IllegalArgumentException("No layer '" + name + "'; the model has "
                + model.layers().stream().map(LayerInfo::name).toList());
    }

    private static StructField add(Set<String> taken, String column, org.apache.spark.sql.types.DataType type, boolean nullable) {
        if (!taken.add(column)) {
            throw new IllegalArgumentException("Output column '" + column + "' already exists; choose another name");
        }
        return DataTypes.createStructField(column, type, nullable);
    }

    private static String[] pairs(Map<String, String> map) {
        return map.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    private static Map<String, String> keyValues(String param, String[] entries) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException(param + " entry '" + entry + "' is not 'key=value'");
            }
            map.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return map;
    }
}
