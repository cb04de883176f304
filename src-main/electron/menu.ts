/**
 * Native menus. Items send menu commands to the renderer, which runs them through the same API as its
 * own buttons, so there is one code path per action. Accelerators use CmdOrCtrl (⌘ on macOS).
 */
import { app, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { EVENT_CHANNEL, type AppEvent, type MenuCommand, type ProjectSummary } from '../core/api/contract.js';

function send(win: () => BrowserWindow | null, command: MenuCommand, projectId?: string): void {
  const w = win();
  if (!w || w.isDestroyed()) return;
  const e: AppEvent = { type: 'menu', command, ...(projectId ? { projectId } : {}) };
  w.webContents.send(EVENT_CHANNEL, e);
}

/** Builds and installs the application menu; call again when the recent projects change. */
export function installMenu(win: () => BrowserWindow | null, recent: ProjectSummary[]): void {
  const isMac = process.platform === 'darwin';
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => send(win, command),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        item('Open…', 'open', 'CmdOrCtrl+O'),
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((p) => ({ label: p.name, click: () => send(win, 'open-recent', p.id) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        item('Save Project', 'save-project', 'CmdOrCtrl+S'),
        item('Export…', 'export', 'CmdOrCtrl+E'),
        item('Batch…', 'batch', 'CmdOrCtrl+B'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: 'Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', isMac ? 'Shift+Cmd+Z' : 'Ctrl+Shift+Z'),
        ...(isMac ? [] : [item('Redo', 'redo', 'Ctrl+Y')].map((i) => ({ ...i, visible: false }))),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        item('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
        item('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        item('Fit', 'zoom-fit', 'CmdOrCtrl+0'),
        item('100 %', 'zoom-100', 'CmdOrCtrl+1'),
        { type: 'separator' },
        item('Compare Before/After', 'compare', 'CmdOrCtrl+K'),
        { type: 'separator' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { role: 'togglefullscreen' },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
