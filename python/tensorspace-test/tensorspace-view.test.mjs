// The 3D view: TensorSpace 0.6.1 (with the tfjs 1.7.4 and three 0.102.1 it pins) loads each example
// bundle's TensorSpace export in headless Chromium, predicts the bundle's first reference example,
// and draws the network. Checks that the prediction equals Python's reference output within 1e-5
// and that the WebGL canvas is not blank; saves a screenshot per bundle under target/.
//
// Everything is served from this directory and node_modules by view-server.mjs on loopback (no CDN).
// Needs Debian's chromium (MLJ_CHROMIUM overrides /usr/bin/chromium); without it the test is
// skipped with a message. Run: npm ci && node --test tensorspace-view.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { readNpy } from './npy.mjs';
import { models, startServer } from './view-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const browserPath = process.env.MLJ_CHROMIUM ?? '/usr/bin/chromium';
const screenshots = join(here, 'target', 'screenshots');
const BUNDLES = ['mnist_cnn', 'mnist_ffnn', 'imdb_lstm'];
const TOLERANCE = 1e-5;
const LOAD_TIMEOUT_MS = 60_000;
// TensorSpace draws a 1D layer as a row one unit thick: the MLP (784 -> 128 -> 10) covers ~0.2 % of
// the canvas at the default camera distance, the CNN ~7 %. A blank canvas is 0.
const MIN_DRAWN = 0.001;

/** Share of a screenshot's pixels that differ from its top-left (background) pixel. */
async function drawnShare(page, png) {
  return page.evaluate(async (base64) => {
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (Math.abs(pixels[i] - pixels[0]) + Math.abs(pixels[i + 1] - pixels[1]) + Math.abs(pixels[i + 2] - pixels[2]) > 30) drawn++;
    }
    return drawn / (pixels.length / 4);
  }, png.toString('base64'));
}

const missing = existsSync(browserPath) ? null : `no Chromium at ${browserPath} (apt-get install chromium, or set MLJ_CHROMIUM)`;

test('TensorSpace 0.6.1 shows the exported models in Chromium', { skip: missing ?? false }, async (t) => {
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: browserPath,
    headless: true,
    // WebGL from SwiftShader (software), so the test needs no GPU and no GPU driver.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader'],
  });
  mkdirSync(screenshots, { recursive: true });
  try {
    for (const name of BUNDLES) {
      await t.test(name, async (st) => {
        const manifest = JSON.parse(readFileSync(join(models, name, 'mlj.json'), 'utf8'));
        const expected = readNpy(join(models, name, 'reference', 'batch_1', 'outputs', `${manifest.outputs[0].name}.npy`));
        const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
        const errors = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
        try {
          const { port } = server.address();
          await page.goto(`http://127.0.0.1:${port}/view/index.html?bundle=/models/${name}&input=/input/${name}.json`);
          await page.waitForFunction(() => window.tspStatus !== 'loading', null, { timeout: LOAD_TIMEOUT_MS });
          assert.equal(await page.evaluate(() => window.tspStatus), 'done', `page errors: ${errors.join(' | ')}`);
          assert.deepEqual(errors, []);

          const result = await page.evaluate(() => window.tspResult);
          assert.equal(result.length, expected.data.length);
          const diff = Math.max(...result.map((v, i) => Math.abs(v - expected.data[i])));
          st.diagnostic(`prediction ${JSON.stringify(result.map((v) => +v.toFixed(4)))}, max abs diff vs Python ${diff.toExponential(2)}`);
          assert.ok(diff <= TOLERANCE, `TensorSpace's prediction differs from Python by ${diff}`);

          await page.waitForTimeout(2500); // TensorSpace opens layers with a 2 s animation
          const file = join(screenshots, `tensorspace-${name}.png`);
          await page.screenshot({ path: file });
          const share = await drawnShare(page, await page.locator('#container canvas').screenshot());
          st.diagnostic(`${file}: ${(100 * share).toFixed(2)} % of the WebGL canvas drawn`);
          assert.ok(share > MIN_DRAWN, `the 3D view looks blank (${share} of the canvas drawn)`);
        } finally {
          await page.close();
        }
      });
    }
  } finally {
    await browser.close();
    server.close();
  }
});
