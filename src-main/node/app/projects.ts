/**
 * The open photo and the library: opening a photo (an issued file id, an upload, or the host's Open
 * dialog) as a new project, reopening and naming projects, and the history of the open one (mask edits,
 * undo, redo, jumps). Every change goes through the context's serial queue and waits for a running job.
 */
import { basename, dirname, resolve, sep } from 'node:path';
import type { ProjectSummary, SessionView } from '../../core/api/contract.js';
import { badInput } from '../../core/errors.js';
import { sha256File } from '../batch/hash.js';
import type { Project } from '../store/projects-repo.js';
import type { AppContext, HandlersFor } from './context.js';
import { Session } from './session.js';

type ProjectChannels =
  | 'app:photo.open'
  | 'app:photo.openDialog'
  | 'app:session.current'
  | 'app:project.list'
  | 'app:project.recent'
  | 'app:project.open'
  | 'app:project.save'
  | 'app:history.list'
  | 'app:history.append'
  | 'app:history.undo'
  | 'app:history.redo'
  | 'app:history.jumpTo';

/** A project as the start screen and File ▸ Open Recent list it. */
function summary(ctx: AppContext, p: Project): ProjectSummary {
  const entries = ctx.lib.history.list(p.id);
  const open = entries.find((e) => e.kind === 'open')?.payload as { sourceName?: string; width?: number; height?: number; thumb?: string } | undefined;
  const folder = dirname(resolve(p.sourcePath));
  const data = resolve(ctx.dataDir);
  const isUpload = folder === data || folder.startsWith(data + sep);
  return {
    id: p.id,
    name: p.name,
    sourceName: open?.sourceName ?? basename(p.sourcePath),
    sourcePath: p.sourcePath,
    width: open?.width ?? 0,
    height: open?.height ?? 0,
    historyLength: entries.length,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    folder: isUpload ? null : folder,
    ...(open?.thumb ? { thumbBlobId: open.thumb } : {}),
  };
}

/** Opens a photo file as a new project and makes it the open session. */
async function openPath(ctx: AppContext, path: string, displayName?: string): Promise<SessionView> {
  ctx.requireIdle();
  const abs = resolve(path);
  const sha = await sha256File(abs).catch((e: unknown) => {
    throw badInput(abs, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read the file (${(e as Error).message})`);
  });
  const s = await Session.open(ctx.lib, abs, sha, displayName);
  ctx.session = s;
  return s.view();
}

/** The photo, project, session and history channels. */
export function projectHandlers(ctx: AppContext): HandlersFor<ProjectChannels> {
  /** A history change on the open photo, serialised and refused while a job runs; answers the new view. */
  const withSession = (fn: (s: Session) => Promise<void>) =>
    ctx.serial(async () => {
      const s = ctx.requireSession();
      ctx.requireIdle();
      await fn(s);
      return s.view();
    });
  return {
    'app:photo.open': (a) =>
      ctx.serial(async () => {
        if (a.source.kind === 'file') return openPath(ctx, ctx.grants.granted(a.source.fileId, 'photo', 'photo'));
        const up = ctx.uploads.get(a.source.uploadId);
        if (!up) throw badInput(undefined, `upload ${a.source.uploadId} not found`);
        return openPath(ctx, up.path, up.name);
      }),
    'app:photo.openDialog': async (_a, host) => {
      if (!host.openPath) throw badInput(undefined, 'the Open dialog exists only in the desktop app; drop a photo or use the file picker');
      const path = host.openPath;
      return ctx.serial(() => openPath(ctx, path));
    },
    'app:session.current': async () => ctx.session?.view() ?? null,
    'app:project.list': async () => ctx.lib.projects.list().map((p) => summary(ctx, p)),
    'app:project.recent': async (a) => ctx.lib.projects.recent(a.limit).map((p) => summary(ctx, p)),
    'app:project.open': (a) =>
      ctx.serial(async () => {
        ctx.requireIdle();
        const p = ctx.lib.projects.get(a.projectId);
        if (!p) throw badInput(undefined, `no project ${a.projectId} in the library`);
        ctx.session = await Session.reopen(ctx.lib, p);
        return ctx.session.view();
      }),
    'app:project.save': (a) =>
      ctx.serial(async () => {
        const s = ctx.requireSession();
        if (a.name) ctx.lib.projects.rename(s.project.id, a.name);
        ctx.lib.projects.touch(s.project.id);
        s.project = ctx.lib.projects.get(s.project.id)!;
        return summary(ctx, s.project);
      }),
    'app:history.list': async () => ctx.requireSession().history(),
    'app:history.append': (a) =>
      withSession(async (s) => {
        const c = a.command;
        if (c.kind === 'mask-import') await s.append(c, ctx.uploads.get(c.uploadId)?.path);
        else await s.append(c);
      }),
    'app:history.undo': () => withSession(async (s) => void (await s.undo())),
    'app:history.redo': () => withSession(async (s) => void (await s.redo())),
    'app:history.jumpTo': (a) => withSession((s) => s.jumpTo(a.index)),
  };
}
