// The page of `mlj serve` (GET /): lists the served models from GET /web/models and gives each a
// try-it panel. Digits and texts are prepared, run (with every layer's output) and drawn by the
// server (POST /web/models/<m>/digit|text); other models are sent TF Serving's own :predict.
// Every request reports its error in the panel. Each panel carries data-state
// (idle | busy | done | error) for people and for the browser tests.
'use strict';

const REVIEW = 'A wonderful film: the acting is superb, the story moving and the ending perfect. I loved it.';

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([key, value]) => {
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  });
  children.flat().forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
  return node;
}

/** fetch that throws an Error with the server's {"error": ...} message (or the HTTP status). */
async function request(url, options) {
  let response;
  try {
    response = await fetch(url, options);
  } catch (e) {
    throw new Error(`The server did not answer ${url}: ${e.message}`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    body = null;
  }
  if (!response.ok) {
    const message = body && body.error ? body.error : (text || response.statusText);
    throw new Error(`HTTP ${response.status}: ${message}`);
  }
  if (body === null) throw new Error(`The server answered ${url} with something that is not JSON: ${text.slice(0, 200)}`);
  return body;
}

function ms(value) {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

function specs(list) {
  return list.map((s) => `${s.name}: ${s.dtype} ${s.shape}`).join(', ');
}

function modelSection(model) {
  const section = el('section', { class: 'model', id: `model-${model.name}`, 'data-model': model.name, 'data-kind': model.kind || 'none' });
  section.append(el('h2', {}, model.name));
  if (model.unavailable) {
    section.append(el('p', { class: 'facts' }, `No version in service (${model.unavailable}).`));
  } else {
    const facts = [`version ${model.serving_version}`, `backend ${model.backend}`, model.format];
    if (model.description) facts.unshift(model.description);
    section.append(el('p', { class: 'facts' }, facts.join(' · ')));
  }
  section.append(el('table', { class: 'versions' },
    el('tr', {}, el('th', {}, 'version'), el('th', {}, 'state'), el('th', {}, 'in service'), el('th', {}, 'error')),
    model.versions.map((v) => el('tr', {}, el('td', {}, v.version), el('td', { class: `state-${v.state}` }, v.state),
      el('td', {}, v.in_service ? 'yes' : 'no'), el('td', {}, v.error || '')))));
  if (model.unavailable) return section;
  section.append(el('details', {}, el('summary', {}, `Signatures (${model.signatures.length})`),
    el('table', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'inputs'), el('th', {}, 'outputs')),
      model.signatures.map((s) => el('tr', {}, el('td', {}, s.name), el('td', {}, specs(s.inputs)), el('td', {}, specs(s.outputs)))))));
  section.append(el('details', {}, el('summary', {}, `Layers (${model.layers.length})` +
      (model.layer_outputs ? '' : ` — layer outputs not served: ${model.layer_outputs_unavailable}`)),
    el('table', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'name'), el('th', {}, 'class'), el('th', {}, 'output')),
      model.layers.map((l, i) => el('tr', {}, el('td', {}, i + 1), el('td', {}, l.name), el('td', {}, l.class), el('td', {}, `${l.dtype} ${l.shape}`))))));
  section.append(tryIt(model));
  if (model.tensorspace) section.append(view3d(model));
  return section;
}

function tryIt(model) {
  const output = el('div', { class: 'output' });
  const panel = el('div', { class: 'tryit', 'data-state': 'idle' });
  const input = model.kind === 'image' ? digitInput(model, panel, output)
    : model.kind === 'text' ? textInput(model, panel, output) : jsonInput(model, panel, output);
  panel.append(input, output);
  return el('div', {}, el('h3', {}, 'Try it'), panel);
}

/** Runs `call` (a function returning the response body) and shows its result or its error. */
async function run(panel, output, call, show) {
  panel.dataset.state = 'busy';
  output.replaceChildren(el('p', { class: 'busy' }, 'running…'));
  const start = performance.now();
  try {
    const result = await call();
    const roundTrip = performance.now() - start;
    output.replaceChildren(...show(result, roundTrip));
    panel.dataset.state = 'done';
  } catch (e) {
    output.replaceChildren(el('div', { class: 'error' }, e.message));
    panel.dataset.state = 'error';
  }
}

const VIEWS = { feature_maps: 'one tile per channel', sequence: 'one column per step, one row per feature', bars: 'one bar per value' };

function classified(result, roundTrip) {
  const nodes = [];
  if (result.input_values) {
    views[result.model] = Object.assign(views[result.model] || {}, { input: result.input_values });
    showIn3d(result.model);
  }
  nodes.push(el('p', { class: 'meta' }, `answered by ${result.backend} · ${result.model} version ${result.version} · ${result.format} · ` +
    `inference ${ms(result.inference_ms)} · server ${ms(result.server_ms)} (with drawing) · round trip ${ms(roundTrip)}`));
  nodes.push(el('p', {}, 'prediction: ', el('span', { class: 'predicted' }, result.predicted), ` (${result.probability.toFixed(3)})`));
  if (result.tokens !== undefined) {
    nodes.push(el('p', { class: 'meta' }, `${result.tokens} tokens, ${result.unknown_tokens} not in the vocabulary; the model reads ${result.max_length}`));
  }
  nodes.push(el('div', { class: 'bars' }, result.classes.map((c) => el('div', { class: c.label === result.predicted ? 'bar best' : 'bar' },
    el('span', { class: 'label' }, c.label),
    el('span', { class: 'track' }, el('div', { class: 'fill', style: `width:${Math.max(0, Math.min(1, c.probability)) * 100}%` })),
    el('span', { class: 'value' }, c.probability.toFixed(4))))));
  if (result.input_png) {
    nodes.push(el('figure', { class: 'input-picture' }, el('img', { src: `data:image/png;base64,${result.input_png}`, alt: 'model input' }),
      el('figcaption', {}, 'the input as the model sees it')));
  }
  if (result.layers_unavailable) {
    nodes.push(el('div', { class: 'error' }, `No layer outputs: ${result.layers_unavailable}`));
  }
  nodes.push(el('div', { class: 'layers' }, result.layers.map((layer, i) => el('figure', { 'data-layer': layer.name, 'data-view': layer.view },
    el('img', { src: `data:image/png;base64,${layer.png}`, alt: layer.name }),
    el('figcaption', {}, `${i + 1}. ${layer.name} (${layer.class}) ${layer.shape} — ${VIEWS[layer.view] || layer.view}`)))));
  return nodes;
}

function digitInput(model, panel, output) {
  const canvas = el('canvas', { class: 'draw', width: 280, height: 280, title: 'draw a digit' });
  const context = canvas.getContext('2d');
  const clear = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, canvas.width, canvas.height);
  };
  clear();
  let drawing = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    const [x, y] = point(event);
    context.strokeStyle = '#fff';
    context.lineWidth = 22;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y);
    context.stroke();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
  });
  const classify = () => run(panel, output, async () => {
    const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    return request(`/web/models/${encodeURIComponent(model.name)}/digit`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
  }, classified);
  const stop = () => {
    if (drawing) {
      drawing = false;
      classify();
    }
  };
  canvas.addEventListener('pointerup', stop);
  canvas.addEventListener('pointercancel', stop);
  const upload = el('input', { type: 'file', accept: 'image/*', class: 'upload' });
  upload.addEventListener('change', () => {
    const file = upload.files[0];
    if (!file) return;
    const picture = new Image();
    picture.onload = () => {
      clear();
      const scale = Math.min(canvas.width / picture.width, canvas.height / picture.height);
      context.imageSmoothingEnabled = true;
      context.drawImage(picture, (canvas.width - picture.width * scale) / 2, (canvas.height - picture.height * scale) / 2,
        picture.width * scale, picture.height * scale);
      URL.revokeObjectURL(picture.src);
    };
    picture.src = URL.createObjectURL(file);
    // The file itself goes to the server: the same preprocessing as ./mlj digits.
    run(panel, output, () => request(`/web/models/${encodeURIComponent(model.name)}/digit`,
      { method: 'POST', headers: { 'Content-Type': file.type || 'application/octet-stream' }, body: file }), classified);
  });
  return el('div', { class: 'input' },
    el('p', { class: 'meta' }, 'Draw a digit (white on black, like MNIST), or upload a picture.'),
    canvas,
    el('div', { class: 'buttons' },
      el('button', { class: 'classify', onclick: classify }, 'Classify'),
      el('button', { class: 'secondary clear', onclick: () => { clear(); output.replaceChildren(); panel.dataset.state = 'idle'; } }, 'Clear'),
      upload));
}

function textInput(model, panel, output) {
  const text = el('textarea', { rows: 6, class: 'text' });
  text.value = REVIEW;
  const classify = () => run(panel, output, () => request(`/web/models/${encodeURIComponent(model.name)}/text`,
    { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: text.value }) }), classified);
  return el('div', { class: 'input' },
    el('p', { class: 'meta' }, 'Write a movie review; the server tokenizes it with the bundle\'s vocabulary.'),
    text, el('div', { class: 'buttons' }, el('button', { class: 'classify', onclick: classify }, 'Classify')));
}

function placeholder(spec) {
  const dims = spec.shape.replace(/[[\]\s]/g, '').split(',').filter((d) => d !== '').map(Number).slice(1);
  const zero = spec.dtype.startsWith('FLOAT') ? 0.0 : 0;
  const fill = (rest) => (rest.length === 0 ? zero : Array.from({ length: rest[0] > 0 ? rest[0] : 1 }, () => fill(rest.slice(1))));
  return [fill(dims)];
}

function jsonInput(model, panel, output) {
  const signature = model.signatures[0];
  const template = { signature_name: signature.name, inputs: {} };
  signature.inputs.forEach((spec) => { template.inputs[spec.name] = placeholder(spec); });
  const body = el('textarea', { rows: 10, class: 'json' });
  body.value = JSON.stringify(template);
  const send = () => run(panel, output, () => {
    let parsed;
    try {
      parsed = JSON.parse(body.value);
    } catch (e) {
      throw new Error(`The request is not valid JSON: ${e.message}`);
    }
    return request(`/v1/models/${encodeURIComponent(model.name)}:predict`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(parsed) });
  }, (result, roundTrip) => [
    el('p', { class: 'meta' }, `answered by ${model.backend} · ${model.name} version ${model.serving_version} · round trip ${ms(roundTrip)}`),
    el('pre', { class: 'response' }, JSON.stringify(result, null, 1))]);
  return el('div', { class: 'input' },
    el('p', { class: 'meta' }, `A TensorFlow Serving :predict request (${model.kind_note || 'no try-it preprocessing'}).`),
    body, el('div', { class: 'buttons' }, el('button', { class: 'classify', onclick: send }, 'Send :predict')));
}

// ----------------------------------------------------------------------------- the 3D view

/** Per model: the 3D view once built, and the last input sent, so the view can show it too. */
const views = {};

function showIn3d(modelName) {
  const entry = views[modelName];
  if (!entry || !entry.ready || !entry.input) return;
  entry.view.predict(entry.input, () => { entry.box.dataset.predicted = 'true'; });
}

const VENDOR = ['tf.min.js', 'three.min.js', 'TrackballControls.js', 'Tween.js', 'tensorspace.min.js', 'tsp-model.js'];
let vendorLoaded = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = el('script', { src });
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} could not be loaded (the TensorSpace scripts are copied into the jar at build time from python/tensorspace-test/node_modules)`));
    document.head.append(script);
  });
}

function view3d(model) {
  const box = el('div', { class: 'view3d-box', 'data-state': 'idle' });
  const show = async () => {
    box.dataset.state = 'busy';
    const status = el('p', { class: 'busy' }, 'loading TensorSpace…');
    box.replaceChildren(status);
    try {
      vendorLoaded = vendorLoaded || VENDOR.reduce((chain, file) => chain.then(() => loadScript(`/web/vendor/${file}`)), Promise.resolve());
      await vendorLoaded;
      const base = `/web/models/${encodeURIComponent(model.name)}`;
      const manifest = await request(`${base}/mlj.json`);
      const container = el('div', { class: 'view3d' });
      box.append(container);
      const view = window.mljTensorSpaceModel(container, manifest, `${base}/tensorspace/model.json`, { layerInitStatus: 'close' });
      views[model.name] = Object.assign(views[model.name] || {}, { view, box, ready: false });
      view.init(() => {
        status.textContent = 'TensorSpace 0.6.1 in your browser (TensorFlow.js on the bundle\'s export; drag to turn, scroll to zoom, '
          + 'click a layer to open it). It shows the last input you tried.';
        status.className = 'meta';
        views[model.name].ready = true;
        box.dataset.state = 'done';
        showIn3d(model.name);
      });
    } catch (e) {
      box.replaceChildren(el('div', { class: 'error' }, `3D view unavailable: ${e.message}`));
      box.dataset.state = 'error';
    }
  };
  return el('details', { class: 'tensorspace' }, el('summary', {}, '3D view (TensorSpace, from the bundle\'s TensorSpace export)'),
    el('div', { class: 'buttons' }, el('button', { class: 'show3d', onclick: show }, 'Show the 3D view')), box);
}

// ----------------------------------------------------------------------------- start

(async () => {
  const main = document.getElementById('models');
  try {
    const overview = await request('/web/models');
    document.getElementById('server').textContent = `${overview.server} · ${overview.models.length} model(s)`;
    overview.models.forEach((model) => main.append(modelSection(model)));
    document.body.dataset.loaded = 'true';
  } catch (e) {
    const box = document.getElementById('page-error');
    box.textContent = `Could not load the models: ${e.message}`;
    box.hidden = false;
    document.body.dataset.loaded = 'error';
  }
})();
