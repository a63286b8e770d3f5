// Builds the TensorSpace 0.6.1 view of an mlj bundle that carries the TensorSpace export
// (<bundle>/tensorspace/model.json): one TensorSpace layer per output of the export -- that is,
// per entry of mlj.json's "layers", in order -- after an input layer made from mlj.json's input.
// Shapes need not be given: TensorSpace reads them from the loaded model.
//
// Needs the globals TSP (tensorspace.min.js), THREE, THREE.TrackballControls, TWEEN and tf
// (tfjs 1.x): see index.html for the scripts and their npm sources.

/* exported mljTensorSpaceModel */
function mljTensorSpaceModel(container, manifest, modelJsonUrl, options) {
  const TSP = window.TSP;
  const input = manifest.inputs[0];
  if (manifest.inputs.length !== 1) {
    throw new Error(`TensorSpace shows one-input models; ${manifest.name} has ${manifest.inputs.length} inputs`);
  }
  const model = new TSP.models.Sequential(container, options || {});
  const inputShape = input.shape.slice(1);
  if (inputShape.length === 3 && inputShape[2] === 1) {
    model.add(new TSP.layers.GreyscaleInput({ shape: inputShape }));
  } else if (inputShape.length === 3 && inputShape[2] === 3) {
    model.add(new TSP.layers.RGBInput({ shape: inputShape }));
  } else if (inputShape.length === 1) {
    model.add(new TSP.layers.Input1d({ shape: inputShape }));
  } else {
    throw new Error(`no TensorSpace input layer for input '${input.name}' of shape ${JSON.stringify(input.shape)}`);
  }
  const last = manifest.layers.length - 1;
  manifest.layers.forEach((layer, i) => {
    const units = layer.output_shape.slice(1);
    const labels = manifest.labels;
    if (i === last && units.length === 1 && labels && labels.length === units[0]) {
      model.add(new TSP.layers.Output1d({ name: layer.name, outputs: labels }));
    } else {
      model.add(tensorSpaceLayer(TSP, layer.class, units.length, layer.name));
    }
  });
  model.load({ type: 'tfjs', url: modelJsonUrl });
  return model;
}

function tensorSpaceLayer(TSP, kerasClass, rank, name) {
  const byClass = { Conv2D: 'Conv2d', MaxPooling2D: 'Pooling2d', AveragePooling2D: 'Pooling2d',
    Flatten: 'Flatten', Dense: 'Dense', Conv1D: 'Conv1d', MaxPooling1D: 'Pooling1d',
    AveragePooling1D: 'Pooling1d', UpSampling2D: 'UpSampling2d', ZeroPadding2D: 'Padding2d' };
  const byRank = { 1: 'Layer1d', 2: 'Layer2d', 3: 'Layer3d' };
  const type = byClass[kerasClass] || byRank[rank];
  if (!type) {
    throw new Error(`no TensorSpace layer for layer '${name}' (${kerasClass}, rank ${rank})`);
  }
  return new TSP.layers[type]({ name });
}
