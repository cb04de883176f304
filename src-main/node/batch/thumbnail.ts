import sharp from 'sharp';

/**
 * A small upright JPEG of a photo for the batch queue view; sharp's shrink-on-load keeps it cheap even
 * for large scans. Null when the file cannot be decoded (the queue shows its state instead).
 */
export async function batchThumbnail(file: string, size = 160): Promise<Buffer | null> {
  try {
    return await sharp(file, { failOn: 'none' })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 75 })
      .toBuffer();
  } catch {
    return null;
  }
}
