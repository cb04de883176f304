/**
 * What every part of the app backend shares: the library, the open photo's session, the engine (made on
 * first use, from the same options batches use), the event hub, the serial queue that keeps state changes
 * from interleaving, and the stores of ids the backend handed out (paths, uploads, exports). The per-domain
 * modules (projects, jobs, batches, exports, models) take this one object instead of reaching into a class.
 */
import type { Channel, JobKind, ParsedArgsOf, ResultOf } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import type { Engine, EngineOptions } from '../engine.js';
import type { Library } from '../store/library.js';
import { EventHub } from './events.js';
import type { HostContext } from './host-dispatch.js';
import type { PathGrants } from './grants.js';
import type { Session } from './session.js';
import type { UploadStore } from './uploads.js';
import type { ExportStore } from './exports.js';

/** One channel's handler: the parsed arguments and what the host added. */
export type ChannelHandler<C extends Channel> = (args: ParsedArgsOf<C>, host: HostContext) => Promise<ResultOf<C>>;
/** Handlers for a set of channels; the router takes one for every channel of the contract. */
export type HandlersFor<C extends Channel> = { [K in C]: ChannelHandler<K> };

/** The backend's shared state. */
export class AppContext {
  readonly events = new EventHub();
  /** The one open photo, if any. */
  session: Session | null = null;
  /** The detect / restore / tone job running now, if any (one at a time). */
  activeJob: { kind: JobKind } | null = null;
  private engine: Promise<Engine> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly lib: Library,
    /** Folder of the library database, blobs, uploads and exports. */
    readonly dataDir: string,
    /** Where models come from: the editor's engine and every batch engine use exactly these. */
    readonly engineOptions: EngineOptions,
    readonly grants: PathGrants,
    readonly uploads: UploadStore,
    readonly exports: ExportStore,
  ) {}

  /** Runs state changes (history edits, job commits, opening) one after another, never interleaved. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The engine, made on first use (a failed start is retried by the next call). */
  getEngine(): Promise<Engine> {
    if (!this.engine) {
      this.engine = import('../engine.js').then(({ Engine }) => Engine.create(this.engineOptions));
      this.engine.catch(() => (this.engine = null));
    }
    return this.engine;
  }

  /** Closes the engine if one was made. */
  async closeEngine(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    if (engine) await (await engine.catch(() => null))?.close();
  }

  requireSession(): Session {
    if (!this.session) throw badInput(undefined, 'no photo is open');
    return this.session;
  }

  requireIdle(): void {
    if (this.activeJob) throw badInput(undefined, `wait for the running ${this.activeJob.kind} to finish, or cancel it`);
  }
}
