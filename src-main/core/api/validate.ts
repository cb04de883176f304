/**
 * The checks every incoming call passes before a handler runs, in this order: the channel is in the
 * contract → the sender is trusted (Electron: our window's main frame showing our own page) → the
 * arguments parse. One message format for malformed arguments, used by the backend, both hosts, the
 * preload bridge and the web client. Pure, so the refusals are unit-tested in Node.
 */
import { contract, type Channel, type ParsedArgsOf } from './contract.js';
import { failure, type Failure } from './wire.js';

/** Who sent an IPC message, as Electron's `IpcMainInvokeEvent` describes it. */
export interface SenderInfo {
  /** `event.sender.id`. */
  webContentsId: number;
  /** `event.senderFrame === event.sender.mainFrame` (iframes are never trusted). */
  isMainFrame: boolean;
  /** `event.senderFrame.url`. */
  url: string;
}

/** Which senders are ours: the webContents of our windows and the origins our renderer is served from. */
export interface TrustedSenders {
  webContentsIds: ReadonlySet<number>;
  /** e.g. `kintsugi://app`; a sender URL must be exactly this origin followed by `/`. */
  origins: readonly string[];
}

/** A call that passed every check, with its arguments parsed (defaults filled in). */
export interface ValidCall<C extends Channel = Channel> {
  ok: true;
  channel: C;
  args: ParsedArgsOf<C>;
}
/** A refused call, as the wire result to send back. */
export type Refusal = Failure;

const known = new Set<string>(Object.keys(contract));

/** Whether a string names a channel of the contract (own keys only: `__proto__`, `toString` are not). */
export function isKnownChannel(channel: unknown): channel is Channel {
  return typeof channel === 'string' && known.has(channel);
}

/** Whether a sender is the main frame of one of our windows, showing a page of one of our origins. */
export function isTrustedSender(sender: SenderInfo | null | undefined, trusted: TrustedSenders): boolean {
  if (!sender || !sender.isMainFrame) return false;
  if (!trusted.webContentsIds.has(sender.webContentsId)) return false;
  return trusted.origins.some((o) => sender.url === o || sender.url.startsWith(`${o}/`));
}

/** Parses a channel's argument with its schema; the message names the channel and each bad field. */
export function parseArgs<C extends Channel>(channel: C, args: unknown): ValidCall<C> | Refusal {
  const parsed = contract[channel].args.safeParse(args === undefined ? {} : args);
  if (parsed.success) return { ok: true, channel, args: parsed.data as ParsedArgsOf<C> };
  const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ');
  return failure(`${channel}: malformed argument (${detail})`);
}

/** The refusal of a channel name that is not in the contract. */
export function unknownChannel(channel: unknown): Refusal {
  return failure(`unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}`);
}

/**
 * Runs the checks of an incoming call in order: known channel, trusted sender (when the host has senders
 * to check), arguments.
 */
export function checkCall(channel: unknown, args: unknown, isTrustedCaller: () => boolean = () => true): ValidCall | Refusal {
  if (!isKnownChannel(channel)) return unknownChannel(channel);
  if (!isTrustedCaller()) return failure(`${channel}: refused a call from a frame that is not the app window`);
  return parseArgs(channel, args);
}

/** Runs the three checks of an Electron IPC call in order. */
export function validateIpcCall(
  channel: unknown,
  sender: SenderInfo | null | undefined,
  trusted: TrustedSenders,
  args: unknown,
): ValidCall | Refusal {
  return checkCall(channel, args, () => isTrustedSender(sender, trusted));
}
