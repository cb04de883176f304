/**
 * In-memory raster shared by every layer. Pixels are interleaved (HWC), 8- or 16-bit, 1–4 channels, so
 * grayscale stays grayscale and alpha survives a restore. Pure data: no sharp, no Node types.
 */
export interface Raster {
  width: number;
  height: number;
  /** 1 = gray, 2 = gray+alpha, 3 = RGB, 4 = RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Bits per sample; 16-bit TIFF/PNG stay 16-bit end to end. */
  depth: 8 | 16;
  data: Uint8Array | Uint16Array;
}

/**
 * A binary hole mask at image resolution: 1 byte per pixel, 0 = keep, 255 (any non-zero) = hole.
 */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Which execution provider onnxruntime should use; `auto` tries the accelerated ones first. */
export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type Device = (typeof DEVICES)[number];

/** Progress of a long job, throttled by the producer to ~10 Hz. */
export interface Progress {
  jobId?: string;
  stage: string;
  done: number;
  total: number;
}

/** Rec. 601 luma weights of R, G and B. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Luma (Rec. 601 weights) of the pixel at offset `o` of interleaved samples with `channels` per pixel, in the
 * samples' own units; with fewer than three channels, the first channel.
 */
export function lumaAt(data: ArrayLike<number>, o: number, channels: number): number {
  return channels >= 3 ? LUMA[0] * data[o]! + LUMA[1] * data[o + 1]! + LUMA[2] * data[o + 2]! : data[o]!;
}

/** Luma (Rec. 601 weights) of every pixel in [0, top]; a one- or two-channel raster's first channel. */
export function lumaPlane(image: Raster, top = 1): Float32Array {
  const { width, height, channels, depth, data } = image;
  const n = width * height;
  const out = new Float32Array(n);
  const scale = top / (depth === 16 ? 65535 : 255);
  for (let i = 0; i < n; i++) out[i] = lumaAt(data, i * channels, channels) * scale;
  return out;
}
