import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { cancelled } from '../../core/errors.js';
import { escapeXml } from './labels.js';
import { compareFiles } from './compare-files.js';
import type { CompareLayout } from './layouts.js';
import { contactSheet } from './contact-sheet.js';
import { writeFileAtomic } from '../atomic-write.js';
import { isOutOfSpace, prepareOutputFolder } from '../output-folder.js';
import { WriteGuard } from '../output-guard.js';

/** The part of a ledger row a batch comparison needs. */
export interface ComparedRow {
  rel: string;
}

/** What `--compare DIR` produced. */
export interface BatchComparisonResult {
  dir: string;
  index: string;
  sheets: string[];
  files: Array<{ rel: string; comparison: string }>;
  failed: Array<{ rel: string; reason: string }>;
}

/** The per-photo forms a batch comparison can take: the labelled pictures of `kintsugi compare`, or its slider page. */
export type BatchCompareForm = CompareLayout | 'slider';

/** File name suffix per form (side by side keeps the name batches always gave it). */
const FORM_SUFFIX: Record<BatchCompareForm, string> = {
  'side-by-side': '.compare.jpg', stacked: '.stacked.jpg', split: '.split.jpg', slider: '.slider.html',
};

/** Pairs per contact sheet page; more would make a sheet too large to open comfortably. */
const PAIRS_PER_SHEET = 48;

async function mtime(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * For a finished batch: a labelled side-by-side comparison per restored photo (kept when already newer
 * than its output, so a resumed batch does not redo them), contact sheets of before/after thumbnails,
 * and an index.html linking them by relative paths (opens offline, straight from the folder).
 */
export async function writeBatchComparisons(
  rows: ComparedRow[],
  opts: { inDir: string; outDir: string; compareDir: string; signal?: AbortSignal; guard?: WriteGuard; forms?: readonly BatchCompareForm[] },
): Promise<BatchComparisonResult> {
  const dir = await prepareOutputFolder(opts.compareDir, 'compare folder');
  // Whatever the caller protects, the photos compared here are never replaced by what is written here.
  const guard = opts.guard ?? new WriteGuard();
  if (opts.guard === undefined) {
    await guard.protect(rows.flatMap((r) => [
      { path: path.join(opts.inDir, ...r.rel.split('/')), role: 'input photo' },
      { path: path.join(opts.outDir, ...r.rel.split('/')), role: 'restored photo' },
    ]));
  }
  const result: BatchComparisonResult = { dir, index: path.join(dir, 'index.html'), sheets: [], files: [], failed: [] };
  const forms = opts.forms ?? ['side-by-side'];
  const ok: Array<{ rel: string; before: string; after: string; comparisons: string[] }> = [];
  for (const row of [...rows].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    if (opts.signal?.aborted) throw cancelled('Batch comparisons');
    const before = path.join(opts.inDir, ...row.rel.split('/'));
    const after = path.join(opts.outDir, ...row.rel.split('/'));
    const p = path.posix.parse(row.rel);
    try {
      const comparisons: string[] = [];
      for (const form of forms) {
        const compRel = `${p.dir === '' ? '' : p.dir + '/'}${p.name}${p.ext.replace('.', '-')}${FORM_SUFFIX[form]}`;
        const comparison = path.join(dir, ...compRel.split('/'));
        const [tc, ta] = [await mtime(comparison), await mtime(after)];
        if (tc === null || ta === null || tc < ta) {
          await mkdir(path.dirname(comparison), { recursive: true });
          await compareFiles(before, after, comparison, { ...(form === 'slider' ? {} : { layout: form }), guard });
        }
        comparisons.push(comparison);
      }
      ok.push({ rel: row.rel, before, after, comparisons });
      for (const comparison of comparisons) result.files.push({ rel: row.rel, comparison });
    } catch (e) {
      if (isOutOfSpace(e)) throw e;
      result.failed.push({ rel: row.rel, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  for (let page = 0; page * PAIRS_PER_SHEET < ok.length; page++) {
    if (opts.signal?.aborted) throw cancelled('Batch comparisons');
    const chunk = ok.slice(page * PAIRS_PER_SHEET, (page + 1) * PAIRS_PER_SHEET);
    const sheet = path.join(dir, `contact-sheet-${String(page + 1).padStart(3, '0')}.jpg`);
    await guard.check(sheet, 'contact sheet');
    await writeFileAtomic(
      sheet,
      await contactSheet(chunk.map((c) => ({ caption: c.rel, beforePath: c.before, afterPath: c.after }))),
    );
    result.sheets.push(sheet);
  }
  const link = (file: string): string => escapeXml(path.relative(dir, file).split(path.sep).map(encodeURIComponent).join('/'));
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'">
<title>Kintsugi batch: ${ok.length} photos</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:16px;background:#fafafa;color:#222}img{max-width:100%}
li{margin:2px 0}h2{margin-top:24px}</style></head><body>
<h1>Kintsugi batch — ${ok.length} restored photo${ok.length === 1 ? '' : 's'}</h1>
<h2>Contact sheets</h2>
${result.sheets.map((s) => `<p><a href="${link(s)}"><img src="${link(s)}" alt="${escapeXml(path.basename(s))}"></a></p>`).join('\n')}
<h2>Comparisons</h2>
<ul>
${ok.map((c) => `<li><a href="${link(c.comparisons[0]!)}">${escapeXml(c.rel)}</a>${c.comparisons.slice(1).map((x, i) => ` · <a href="${link(x)}">${forms[i + 1]}</a>`).join('')} · <a href="${link(c.before)}">before</a> · <a href="${link(c.after)}">after</a></li>`).join('\n')}
</ul>
${result.failed.length > 0 ? `<h2>Not compared</h2><ul>${result.failed.map((f) => `<li>${escapeXml(f.rel)}: ${escapeXml(f.reason)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
  await guard.check(result.index, 'comparison index');
  await writeFileAtomic(result.index, Buffer.from(html));
  return result;
}
