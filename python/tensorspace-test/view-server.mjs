// A loopback HTTP server for the TensorSpace view (view/index.html) of the bundles under models/:
//   /view/...                 view/ (index.html, tsp-model.js)
//   /view/vendor/<script>     TensorSpace 0.6.1 and the tfjs / three / tween.js it pins, from node_modules
//   /models/<bundle>/...      the bundles (mlj.json, tensorspace/model.json + shards)
//   /input/<bundle>.json      the bundle's reference/batch_1 input as a JSON array
// Used by tensorspace-view.test.mjs; `node view-server.mjs [port]` serves it for a person to open
// http://127.0.0.1:<port>/view/index.html?bundle=/models/mnist_cnn&input=/input/mnist_cnn.json

import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readNpy } from './npy.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const models = resolve(process.env.MLJ_MODELS ?? join(here, '..', '..', 'models'));

// The page's scripts, from the npm packages TensorSpace 0.6.1 depends on (see view/index.html).
const tsp = join(here, 'node_modules', 'tensorspace');
const VENDOR = {
  'tf.min.js': join(tsp, 'node_modules', '@tensorflow', 'tfjs', 'dist', 'tf.min.js'),
  'three.min.js': join(tsp, 'node_modules', 'three', 'build', 'three.min.js'),
  'TrackballControls.js': join(tsp, 'node_modules', 'three', 'examples', 'js', 'controls', 'TrackballControls.js'),
  'Tween.js': join(here, 'node_modules', '@tweenjs', 'tween.js', 'src', 'Tween.js'),
  'tensorspace.min.js': join(tsp, 'dist', 'tensorspace.min.js'),
};
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };

/** The file under `root` that `relative` names, or null when it would leave `root`. */
function inside(root, relative) {
  const file = normalize(join(root, relative));
  return file.startsWith(root + sep) ? file : null;
}

/** GET /view/... (/view/vendor/<script> from node_modules), /models/<bundle>/...,
 * /input/<bundle>.json (the bundle's batch_1 input as a JSON array). */
function route(path) {
  const [, top, ...rest] = path.split('/');
  const relative = rest.join('/');
  if (top === 'view' && rest[0] === 'vendor') return { file: VENDOR[rest.slice(1).join('/')] ?? null };
  if (top === 'view') return { file: inside(join(here, 'view'), relative) };
  if (top === 'favicon.ico') return { body: '', type: 'image/x-icon' };
  if (top === 'models') return { file: inside(models, relative) };
  if (top === 'input' && relative.endsWith('.json')) {
    const bundle = inside(models, relative.slice(0, -'.json'.length));
    if (!bundle || !existsSync(join(bundle, 'mlj.json'))) return { file: null };
    const input = JSON.parse(readFileSync(join(bundle, 'mlj.json'), 'utf8')).inputs[0].name;
    const { data } = readNpy(join(bundle, 'reference', 'batch_1', 'inputs', `${input}.npy`));
    return { body: JSON.stringify(Array.from(data)), type: TYPES['.json'] };
  }
  return { file: null };
}

/** Starts the server on 127.0.0.1 (port 0: a free one); resolves to the http.Server. */
export function startServer(port = 0) {
  const server = createServer((request, response) => {
    const { file, body, type } = route(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    if (body !== undefined) {
      response.writeHead(200, { 'content-type': type });
      response.end(body);
    } else if (file && existsSync(file)) {
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startServer(Number(process.argv[2] ?? 0));
  const { port } = server.address();
  console.log(`http://127.0.0.1:${port}/view/index.html?bundle=/models/mnist_cnn&input=/input/mnist_cnn.json`);
}
