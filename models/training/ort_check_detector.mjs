// Runs an ONNX detector in onnxruntime-node (the runtime the app ships) on raw float32 input, so the
// Python export can compare it with PyTorch; Python has no onnxruntime on our machines.
// Usage: node ort_check_detector.mjs MODEL.onnx INPUT.f32 N C H W OUTPUT.f32
// Input/output files are little-endian float32, NCHW. Prints the output dims as JSON on stdout.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '../../package.json'));
const ort = require('onnxruntime-node');

const [model, inFile, n, c, h, w, outFile] = process.argv.slice(2);
if (!outFile) {
  console.error('usage: node ort_check_detector.mjs MODEL.onnx INPUT.f32 N C H W OUTPUT.f32');
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
const inputName = session.inputNames[0];
const outputName = session.outputNames[0];
const result = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
const out = result[outputName];
writeFileSync(outFile, Buffer.from(out.data.buffer, out.data.byteOffset, out.data.byteLength));
console.log(JSON.stringify({ input: inputName, output: outputName, dims: out.dims }));
