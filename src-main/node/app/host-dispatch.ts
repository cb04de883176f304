/**
 * The one dispatcher both hosts run every renderer call through (Electron main's IPC handlers and the web
 * host's /api routes). In order: the channel is in the contract → the caller is trusted (Electron's sender
 * check) → the arguments parse → the channel's host needs (core/api/host-needs.ts) are met: its native
 * dialog shown first, a typed path refused where there are dialogs, an export written where the Save
 * dialog says → the backend runs it. Electron-free (dialogs come in as functions), so it is tested in Node
 * with hostile payloads, and a host is only transport plus its dialogs.
 */
import type { ApiResult, ArgsOf, Channel, ExportResult, ParsedArgsOf, ResultOf } from '../../core/api/contract.js';
import { hostNeeds } from '../../core/api/host-needs.js';
import { checkCall } from '../../core/api/validate.js';
import { failure } from '../../core/api/wire.js';

/**
 * What the host adds to a call: paths from its own native dialogs, and whether it lets the page type
 * paths. Never built from the renderer's arguments.
 */
export interface HostContext {
  /** photo.openDialog: the file chosen in the Open dialog. */
  openPath?: string;
  /** folder.choose: the folder chosen in the folder dialog. */
  chosenPath?: string;
  /** export.save / compare.export: write here too (a Save dialog's choice). */
  savePath?: string;
  /**
   * The web host sets this: with no native dialogs, a path the person types into the page is theirs
   * (`app:path.grant`). Electron never does, so a compromised renderer cannot name a path.
   */
  acceptsTypedPaths?: boolean;
}

/** A host's native dialogs, each resolving with the chosen path or null when cancelled. */
export interface HostDialogs {
  openPhoto(): Promise<string | null>;
  chooseFolder(purpose: 'photos' | 'output' | 'masks'): Promise<string | null>;
  /** Where to save an export, suggesting its file name. */
  saveExport(fileName: string): Promise<string | null>;
}

/** How one host serves calls. */
export interface HostAdapter {
  /** Native dialogs (the desktop app); null: none, so paths typed into the page are the person's (web host). */
  dialogs: HostDialogs | null;
  /** Whether the caller may call at all (Electron: our window's main frame); checked after the channel. */
  isTrustedCaller?: () => boolean;
  /** After a call that may have changed the recent projects. */
  onProjectsChanged?: () => void;
}

/** What the dispatcher calls: the app service, in-process or behind its worker. */
export interface DispatchBackend {
  invoke<C extends Channel>(channel: C, args: ArgsOf<C>, host?: HostContext): Promise<ApiResult<ResultOf<C>>>;
  /** Copies an export to a path from the host's Save dialog (not a channel: only hosts call it). */
  saveExport(exportId: string, path: string): Promise<ApiResult<ExportResult>>;
}

/** Runs one call from the renderer; every refusal and error comes back as wire data. */
export async function dispatch(backend: DispatchBackend, channel: unknown, args: unknown, adapter: HostAdapter): Promise<ApiResult<unknown>> {
  const call = checkCall(channel, args, adapter.isTrustedCaller);
  if (!call.ok) return call;
  return run(backend, call.channel, call.args, adapter);
}

async function run<C extends Channel>(backend: DispatchBackend, channel: C, args: ParsedArgsOf<C>, adapter: HostAdapter): Promise<ApiResult<unknown>> {
  const needs = hostNeeds(channel);
  const { dialogs } = adapter;
  let host: HostContext = { acceptsTypedPaths: true };
  if (dialogs) {
    if (needs.takesTypedPath) return failure(`${channel}: the desktop app takes files and folders only from its own dialogs`);
    host = {};
    if (needs.dialog === 'open-photo') {
      const path = await dialogs.openPhoto();
      if (path === null) return { ok: true, value: null };
      host = { openPath: path };
    } else if (needs.dialog === 'choose-folder') {
      const path = await dialogs.chooseFolder((args as ParsedArgsOf<'app:folder.choose'>).purpose);
      if (path === null) return { ok: true, value: null };
      host = { chosenPath: path };
    }
  }
  const result = await backend.invoke(channel, args as ArgsOf<C>, host);
  if (!result.ok) return result;
  if (needs.changesProjects) adapter.onProjectsChanged?.();
  if (needs.savesExport && dialogs) {
    const exp = result.value as ExportResult;
    const target = await dialogs.saveExport(exp.fileName);
    if (target === null) return failure('Export cancelled', 'cancelled');
    return backend.saveExport(exp.blobId, target);
  }
  return result;
}
