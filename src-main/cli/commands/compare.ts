import { Option, type Command } from 'commander';
import { badInput } from '../../core/errors.js';
import { COMPARE_LAYOUTS, compareFiles, parseLabels, type CompareLayout } from '../../node/compare/index.js';
import { reportFailure } from '../report.js';

interface CompareFlags {
  out: string;
  layout: CompareLayout;
  labels?: string;
  position?: string;
  json?: boolean;
}

/** `kintsugi compare BEFORE AFTER --out FILE`: one labelled comparison picture or a slider page. */
export function register(program: Command): void {
  program
    .command('compare')
    .description('make a before/after comparison: a labelled picture, or a self-contained slider page when FILE ends in .html')
    .argument('<before>', 'the original photo')
    .argument('<after>', 'the restored photo')
    .requiredOption('-o, --out <file>', 'comparison to write (.jpg, .png, .webp, .tif, .avif or .html)')
    .addOption(new Option('--layout <layout>', 'how to arrange the pair').choices(COMPARE_LAYOUTS).default('side-by-side'))
    .option('--labels <before,after>', 'captions drawn on each half', 'Before,After')
    .option('--position <0..1>', 'where the split wipe sits (split layout and slider start)')
    .option('--json', 'print the result as JSON')
    .action(async (before: string, after: string, flags: CompareFlags) => {
      try {
        let position: number | undefined;
        if (flags.position !== undefined) {
          position = Number(flags.position);
          if (!Number.isFinite(position) || position < 0 || position > 1) {
            throw badInput(undefined, `--position must be a number from 0 to 1, got "${flags.position}"`);
          }
        }
        const result = await compareFiles(before, after, flags.out, {
          layout: flags.layout,
          labels: parseLabels(flags.labels),
          ...(position !== undefined ? { position } : {}),
        });
        if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
        else {
          const what = result.kind === 'html' ? 'slider page' : `${result.layout} picture ${result.width}×${result.height}`;
          process.stdout.write(`wrote ${what}: ${result.outPath}\n`);
        }
      } catch (e) {
        reportFailure(e, flags.json);
      }
    });
}
