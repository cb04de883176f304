/**
 * The one runtime global core code uses beyond ES2023: a job's cancellation signal, which Node and every
 * browser provide. Declared here (only `aborted` is read) so core type-checks with neither Node's nor the
 * DOM's types (./tsconfig.json); in main's and the renderer's programs it merges with their AbortSignal.
 */
interface AbortSignal {
  readonly aborted: boolean;
}
