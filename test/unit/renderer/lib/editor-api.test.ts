import { describe, expect, it } from 'vitest';
import { errorMessage, isCancelled } from '../../../../src-renderer/lib/editor-api.js';

describe('editor error messages', () => {
  it('names the person’s file, not where the host stored the upload', () => {
    const e = { code: 'bad-input', message: '/tmp/kintsugi-data/uploads/u0a1b2c3/holiday.jpg: not an image file' };
    expect(errorMessage(e)).toBe('holiday.jpg: not an image file');
    const win = { message: 'C:\\Users\\me\\AppData\\kintsugi\\uploads\\u99\\scan 1.tif: truncated file' };
    expect(errorMessage(win)).toBe('scan 1.tif: truncated file');
  });

  it('leaves other paths and plain values alone', () => {
    expect(errorMessage(new Error('/home/me/photos/a.png: permission denied'))).toBe('/home/me/photos/a.png: permission denied');
    expect(errorMessage('offline')).toBe('offline');
  });

  it('recognises a cancel', () => {
    expect(isCancelled({ code: 'cancelled', message: 'Job cancelled' })).toBe(true);
    expect(isCancelled(new Error('x'))).toBe(false);
  });
});
