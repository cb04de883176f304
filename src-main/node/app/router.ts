/**
 * The backend's side of the contract: one handler per channel, gathered from the per-domain modules, and
 * the one way a call runs — known channel, arguments parsed with the contract's schema, handler, every
 * error returned as wire data. The compiler checks that every channel of the contract has its handler.
 */
import type { ApiResult, Channel, ResultOf } from '../../core/api/contract.js';
import { isKnownChannel, parseArgs, unknownChannel } from '../../core/api/validate.js';
import { settle } from '../../core/api/wire.js';
import { batchHandlers, type BatchRunner } from './batches.js';
import type { AppContext, ChannelHandler, HandlersFor } from './context.js';
import { exportHandlers } from './exports.js';
import { grantHandlers } from './grants.js';
import type { HostContext } from './host-dispatch.js';
import { jobHandlers, type JobRunner } from './jobs.js';
import { modelHandlers } from './models.js';
import { projectHandlers } from './projects.js';

/** A handler for every channel of the contract. */
export type AppHandlers = HandlersFor<Channel>;

/** Gathers the per-domain handlers; a channel without one is a compile error. */
export function appHandlers(ctx: AppContext, jobs: JobRunner, batches: BatchRunner): AppHandlers {
  return {
    ...projectHandlers(ctx),
    ...grantHandlers(ctx.grants),
    ...jobHandlers(ctx, jobs),
    ...modelHandlers(ctx),
    ...exportHandlers(ctx),
    ...batchHandlers(ctx, batches),
  };
}

/** Runs one call: unknown channel and malformed arguments are refused; errors come back as data. */
export async function route<C extends Channel>(handlers: AppHandlers, channel: C, args: unknown, host: HostContext): Promise<ApiResult<ResultOf<C>>> {
  if (!isKnownChannel(channel)) return unknownChannel(channel);
  const parsed = parseArgs(channel, args);
  if (!parsed.ok) return parsed;
  const handler: ChannelHandler<C> = handlers[channel];
  return settle(() => handler(parsed.args, host));
}
