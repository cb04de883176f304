// Runs the tone-restoration ONNX graph in onnxruntime-node (the runtime the app ships) on one raw float32 input,
// so export_tone.py can compare every output with PyTorch; Python has no onnxruntime on our machines.
// Usage: node ort_check_tone.mjs MODEL.onnx INPUT.f32 N C H W
// Input: little-endian float32 NCHW. Prints {name: {dims, data}} for every output as JSON on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../../package.json'));
const ort = require('onnxruntime-node');

const [model, inFile, n, c, h, w] = process.argv.slice(2);
if (!w) {
  console.error('usage: node ort_check_tone.mjs MODEL.onnx INPUT.f32 N C H W');
  process.exit(2);
}
const dims = [n, c, h, w].map(Number);
const buf = readFileSync(inFile);
const data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
if (data.length !== dims.reduce((a, b) => a * b, 1)) {
  console.error(`${inFile}: has ${data.length} floats, expected ${dims.join('x')}`);
  process.exit(2);
}
const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
const out = {};
for (const name of session.outputNames) out[name] = { dims: result[name].dims, data: Array.from(result[name].data) };
console.log(JSON.stringify(out));
