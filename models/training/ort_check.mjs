// Runs an ONNX inpainting model in onnxruntime-node (the runtime the app ships) on raw float32 inputs,
// so export.py and the tests can compare it with PyTorch: Python has no onnxruntime on our machines.
// Usage: node ort_check.mjs MODEL.onnx OUT_PREFIX NAME=FILE.f32:N,C,H,W [NAME=FILE.f32:dims ...]
// Files are little-endian float32 NCHW. Each output is written to OUT_PREFIX.<output name>.f32 and its
// dims are printed as JSON on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../../package.json'));
const ort = require('onnxruntime-node');

const [model, outPrefix, ...specs] = process.argv.slice(2);
if (!model || !outPrefix || specs.length === 0) {
  console.error('usage: node ort_check.mjs MODEL.onnx OUT_PREFIX NAME=FILE.f32:N,C,H,W ...');
  process.exit(2);
}
const feeds = {};
for (const spec of specs) {
  const m = /^([^=]+)=(.+):([\d,]+)$/.exec(spec);
  if (!m) {
    console.error(`bad input spec ${spec}: expected NAME=FILE.f32:N,C,H,W`);
    process.exit(2);
  }
  const [, name, file, dimText] = m;
  const dims = dimText.split(',').map(Number);
  const buf = readFileSync(file);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  if (data.length !== dims.reduce((a, b) => a * b, 1)) {
    console.error(`${file}: has ${data.length} floats, expected ${dims.join('x')}`);
    process.exit(2);
  }
  feeds[name] = new ort.Tensor('float32', data, dims);
}
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
const result = await session.run(feeds);
const dims = {};
for (const name of session.outputNames) {
  const out = result[name];
  writeFileSync(`${outPrefix}.${name}.f32`, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
  dims[name] = out.dims;
}
console.log(JSON.stringify({ inputs: session.inputNames, outputs: dims }));
