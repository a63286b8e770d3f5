// Reads the bundle's .npy files: version 1.0 headers, little-endian, C order (docs/bundle-format.md).

import { readFileSync } from 'node:fs';

const TYPES = {
  '<f4': ['float32', Float32Array],
  '<i4': ['int32', Int32Array],
  '<i8': ['int64', BigInt64Array],
};
const MAGIC = '\x93NUMPY';

/** {data, shape, dtype} of the .npy file at `path`; int64 data comes back as an Int32Array. */
export function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 0, 6) !== MAGIC || bytes[6] !== 1) {
    throw new Error(`${path}: not a version 1.x .npy file`);
  }
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.toString('latin1', 10, 10 + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!(descr in TYPES) || fortran !== 'False' || shapeText === undefined) {
    throw new Error(`${path}: expected a C-order ${Object.keys(TYPES)} array, header ${header.trim()}`);
  }
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const [dtype, ArrayType] = TYPES[descr];
  const start = 10 + headerLength;
  const count = shape.reduce((a, b) => a * b, 1);
  const copy = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + count * ArrayType.BYTES_PER_ELEMENT);
  let data = new ArrayType(copy);
  if (dtype === 'int64') data = Int32Array.from(data, Number);
  return { data, shape, dtype };
}
