// Loads the TensorSpace export (bundle/tensorspace/, a TensorFlow.js layers-model written by
// `python -m mlj_export`) of each example bundle the way a browser page does -- tf.loadLayersModel
// through tfjs' own HTTP loader, here with a fetch that reads the files -- and checks every layer
// output against the bundle's Python reference (reference/batch_*/layers/*.npy) within 1e-5.
// Shared by tfjs-export.test.mjs (current TensorFlow.js, 4.22) and tfjs1-export.test.mjs (the 1.7.4
// that TensorSpace 0.6.1 pins); two files because two tfjs versions cannot share one process.
//
// Run: npm ci && node --test tfjs-export.test.mjs tfjs1-export.test.mjs
// (MLJ_MODELS overrides the bundle root, default ../../models)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { readNpy } from './npy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const models = resolve(process.env.MLJ_MODELS ?? join(here, '..', '..', 'models'));
const BUNDLES = ['mnist_ffnn', 'mnist_cnn', 'imdb_lstm'];
const TOLERANCE = 1e-5;

/** A fetch for tfjs' HTTP loader that serves file:// URLs from disk (and only those). */
async function fileFetch(url) {
  const href = String(url);
  if (!href.startsWith('file://')) {
    throw new Error(`the test loader reads file:// URLs only, got ${href}`);
  }
  return new Response(readFileSync(fileURLToPath(href)), { status: 200 });
}

function loadExport(tf, bundleDir) {
  const url = pathToFileURL(join(bundleDir, 'tensorspace', 'model.json')).href;
  return tf.loadLayersModel(tf.io.http(url, { fetchFunc: fileFetch }));
}

/** "layer" for a layer's first output, "layer/i" for output i > 0 (as in mlj.json). */
function outputKey([layer, , index]) {
  return index === 0 ? layer : `${layer}/${index}`;
}

function toTensor(tf, { data, shape, dtype }) {
  return tf.tensor(data, shape, dtype === 'int32' || dtype === 'int64' ? 'int32' : 'float32');
}

function maxAbsDiff(actual, expected) {
  let max = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= max)) max = diff; // NaN propagates as a failure
  }
  return max;
}

/** Defines one test per example bundle for the TensorFlow.js module `tf` (CPU backend). */
export async function defineExportTests(tf) {
  await tf.setBackend('cpu');
  for (const name of BUNDLES) {
    test(`${name}: tfjs ${tf.version.tfjs} loads the export and matches Python layer by layer`, async (t) => {
      const bundleDir = join(models, name);
      const manifest = JSON.parse(readFileSync(join(bundleDir, 'mlj.json'), 'utf8'));
      const topology = JSON.parse(readFileSync(join(bundleDir, 'tensorspace', 'model.json'), 'utf8'))
        .modelTopology.model_config.config;
      const outputNames = topology.output_layers.map(outputKey);
      const layerNames = manifest.layers.map((layer) => layer.name);
      assert.deepEqual(outputNames, layerNames, 'one output per layer, in model order, named as the layer');

      const model = await loadExport(tf, bundleDir);
      assert.equal(model.outputs.length, layerNames.length);
      assert.deepEqual(model.inputNames, manifest.inputs.map((input) => input.name));

      for (const { name: batch, size } of manifest.reference.batches) {
        const reference = join(bundleDir, 'reference', batch);
        const inputs = manifest.inputs.map((input) =>
          toTensor(tf, readNpy(join(reference, 'inputs', `${input.name}.npy`))));
        const outputs = tf.tidy(() => [model.predict(inputs.length === 1 ? inputs[0] : inputs)].flat());
        try {
          for (const [i, key] of outputNames.entries()) {
            const expected = readNpy(join(reference, 'layers', `${key}.npy`));
            assert.deepEqual(outputs[i].shape, expected.shape, `${batch} ${key}: shape`);
            assert.equal(expected.shape[0], size);
            const diff = maxAbsDiff(await outputs[i].data(), expected.data);
            t.diagnostic(`${batch} ${key} ${JSON.stringify(expected.shape)}: max abs diff ${diff.toExponential(2)}`);
            assert.ok(diff <= TOLERANCE, `${batch} ${key}: max abs diff ${diff} > ${TOLERANCE}`);
          }
        } finally {
          tf.dispose([...inputs, ...outputs]);
        }
      }
      model.dispose();
    });
  }
}
