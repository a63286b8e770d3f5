package org.mlj.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.mlj.api.Outputs;
import org.mlj.api.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs on the executors: scores one partition in batches of {@code batchSize} rows per model
 * call with the JVM's {@link ModelCache cached model}, and appends the output columns to each row
 * (in order: model outputs, class, label, layer outputs, error). Rows are read lazily, one batch at
 * a time. Serializable; each task uses its own iterator.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PartitionScorer.class);
    private static final AtomicBoolean THREADS_CHECKED = new AtomicBoolean();

    private final ModelKey key;
    private final String signature;
    private final List<InputBinding> inputs;
    private final int[] inputFields;
    private final List<OutputBinding> outputs;
    private final Classifier classifier;
    private final List<OutputBinding> layers;
    private final int batchSize;
    private final boolean nullOnBadRow;

    PartitionScorer(ModelKey key, String signature, List<InputBinding> inputs, int[] inputFields, List<OutputBinding> outputs,
                    Classifier classifier, List<OutputBinding> layers, int batchSize, boolean nullOnBadRow) {
        this.key = key;
        this.signature = signature;
        this.inputs = List.copyOf(inputs);
        this.inputFields = inputFields.clone();
        this.outputs = List.copyOf(outputs);
        this.classifier = classifier;
        this.layers = List.copyOf(layers);
        this.batchSize = batchSize;
        this.nullOnBadRow = nullOnBadRow;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        CachedModel model = ModelCache.get(key);
        checkNativeThreads(model);
        TaskContext task = TaskContext.get();
        return new Scored(rows, model, task == null ? 0 : task.partitionId());
    }

    private void checkNativeThreads(CachedModel model) {
        if ("dl4j".equals(model.model().backend()) && THREADS_CHECKED.compareAndSet(false, true)) {
            String omp = System.getenv("OMP_NUM_THREADS");
            if (omp == null || !omp.trim().matches("\\d+") || Integer.parseInt(omp.trim()) > key.threads().taskCpus()) {
                LOG.warn("OMP_NUM_THREADS is {} on this executor; ND4J may use more native threads than spark.task.cpus = {}."
                        + " Set spark.executorEnv.OMP_NUM_THREADS={}", omp == null ? "unset" : omp, key.threads().taskCpus(),
                        key.threads().taskCpus());
            }
        }
    }

    /** The rows of one partition, scored a batch at a time. */
    private final class Scored implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final CachedModel model;
        private final int partition;
        private final Deque<Row> ready = new ArrayDeque<>();
        private long position;

        Scored(Iterator<Row> rows, CachedModel model, int partition) {
            this.rows = rows;
            this.model = model;
            this.partition = partition;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && rows.hasNext()) {
                scoreBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void scoreBatch() {
            List<Row> batch = new ArrayList<>(batchSize);
            List<Object[]> examples = new ArrayList<>(batchSize);
            List<String> errors = new ArrayList<>(batchSize);
            int good = 0;
            while (batch.size() < batchSize && rows.hasNext()) {
                Row row = rows.next();
                batch.add(row);
                try {
                    Object[] values = new Object[inputs.size()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = inputs.get(i).example(row, inputFields[i], model, partition, position);
                    }
                    examples.add(values);
                    errors.add(null);
                    good++;
                } catch (RowInputException e) {
                    if (!nullOnBadRow) {
                        throw e;
                    }
                    examples.add(null);
                    errors.add(e.getMessage());
                }
                position++;
            }
            Object[][] outputValues = new Object[outputs.size() + layers.size()][];
            if (good > 0) {
                Map<String, Tensor> tensors = tensors(examples, good);
                Outputs predicted = signature.isEmpty() ? model.model().predict(tensors) : model.model().predict(signature, tensors);
                for (int o = 0; o < outputs.size(); o++) {
                    outputValues[o] = outputs.get(o).split(predicted.get(outputs.get(o).name()), good);
                }
                if (!layers.isEmpty()) {
                    Outputs layerValues = model.model().layerOutputs(tensors, layers.stream().map(OutputBinding::name).toList());
                    for (int l = 0; l < layers.size(); l++) {
                        outputValues[outputs.size() + l] = layers.get(l).split(layerValues.get(layers.get(l).name()), good);
                    }
                }
            }
            int scored = 0;
            for (int r = 0; r < batch.size(); r++) {
                boolean ok = errors.get(r) == null;
                ready.add(extend(batch.get(r), outputValues, ok ? scored : -1, errors.get(r)));
                if (ok) {
                    scored++;
                }
            }
        }

        private Map<String, Tensor> tensors(List<Object[]> examples, int good) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                InputBinding input = inputs.get(i);
                int size = input.exampleSize();
                long[] shape = new long[input.exampleShape().length + 1];
                shape[0] = good;
                System.arraycopy(input.exampleShape(), 0, shape, 1, input.exampleShape().length);
                Object all = switch (input.dtype()) {
                    case FLOAT32 -> new float[good * size];
                    case FLOAT64 -> new double[good * size];
                    case INT32 -> new int[good * size];
                    default -> new long[good * size];
                };
                int at = 0;
                for (Object[] example : examples) {
                    if (example != null) {
                        System.arraycopy(example[i], 0, all, at * size, size);
                        at++;
                    }
                }
                Tensor tensor = switch (input.dtype()) {
                    case FLOAT32 -> Tensor.wrap((float[]) all, shape);
                    case FLOAT64 -> Tensor.wrap((double[]) all, shape);
                    case INT32 -> Tensor.wrap((int[]) all, shape);
                    default -> Tensor.wrap((long[]) all, shape);
                };
                tensors.put(input.input(), tensor);
            }
            return tensors;
        }

        private Row extend(Row row, Object[][] outputValues, int index, String error) {
            int extra = outputs.size() + classifierColumns() + layers.size() + (nullOnBadRow ? 1 : 0);
            Object[] values = new Object[row.length() + extra];
            for (int i = 0; i < row.length(); i++) {
                values[i] = row.get(i);
            }
            int at = row.length();
            for (int o = 0; o < outputs.size(); o++) {
                values[at++] = index < 0 ? null : outputValues[o][index];
            }
            if (classifier != null) {
                Integer predicted = index < 0 ? null : classifier.predict(outputValues[0][index]);
                if (!classifier.classColumn().isEmpty()) {
                    values[at++] = predicted;
                }
                if (!classifier.labelColumn().isEmpty()) {
                    values[at++] = predicted == null ? null : classifier.labels().get(predicted);
                }
            }
            for (int l = 0; l < layers.size(); l++) {
                values[at++] = index < 0 ? null : outputValues[outputs.size() + l][index];
            }
            if (nullOnBadRow) {
                values[at] = error;
            }
            return RowFactory.create(values);
        }

        private int classifierColumns() {
            return classifier == null ? 0
                    : (classifier.classColumn().isEmpty() ? 0 : 1) + (classifier.labelColumn().isEmpty() ? 0 : 1);
        }
    }
}
