// The TensorSpace exports loaded by current TensorFlow.js (see tfjs-export-check.mjs).
import * as tf from '@tensorflow/tfjs';

import { defineExportTests } from './tfjs-export-check.mjs';

await defineExportTests(tf);
