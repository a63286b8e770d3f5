// The TensorSpace exports loaded by tfjs 1.7.4, the version TensorSpace 0.6.1 pins and bundles in
// its page (npm nests it under tensorspace/node_modules; see tfjs-export-check.mjs).
import { createRequire } from 'node:module';

import { defineExportTests } from './tfjs-export-check.mjs';

const tf = createRequire(import.meta.url)('./node_modules/tensorspace/node_modules/@tensorflow/tfjs');
await defineExportTests(tf);
