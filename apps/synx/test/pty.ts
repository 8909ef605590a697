// The built CLI in a pseudo-terminal (node-pty), for what only happens when a person is there:
// prompts, hidden input, keys. Every process started here is killed when its test ends, and
// after a hard deadline in any case.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { spawn, type IPty } from 'node-pty';
import { afterEach } from 'vitest';
import { BIN, isolatedEnv } from './helpers.js';

/** Keys {@link PtyRun.key} can press. */
export const KEYS = {
  enter: '\r',
  down: '\x1b[B',
  up: '\x1b[A',
  right: '\x1b[C',
  left: '\x1b[D',
  'ctrl-c': '\x03',
  'ctrl-d': '\x04',
  space: ' ',
  tab: '\t',
  backspace: '\x7f',
  escape: '\x1b',
} as const;
export type KeyName = keyof typeof KEYS;

/** Options of {@link spawnPty}. */
export interface PtyOptions {
  /** The whole environment of the process. Default: {@link isolatedEnv} of `home`. */
  readonly env?: Record<string, string>;
  /** HOME for the default environment (a fresh temporary directory when not given). */
  readonly home?: string;
  /** Default `home`. */
  readonly cwd?: string;
  /** Default 120 × 40. */
  readonly cols?: number;
  readonly rows?: number;
  /** Node options before the bin. */
  readonly nodeArgs?: readonly string[];
  /** The process is killed after this long whatever happens. Default 90 s. */
  readonly deadlineMs?: number;
}

/** How a process in a pty ended. */
export interface PtyExit {
  readonly code: number;
  /** The signal that ended it, if one did. */
  readonly signal: number | undefined;
  /** Everything it printed, without ANSI escapes. */
  readonly output: string;
}

/** A running CLI in a pseudo-terminal. */
export interface PtyRun {
  readonly pid: number;
  /** Everything printed so far, with ANSI escapes removed (a transcript, not a screen model). */
  readonly screen: string;
  /** Everything printed so far, as sent. */
  readonly raw: string;
  /**
   * Waits until the screen text after the previous match (or from the start with
   * `{ fromStart: true }`) contains `match`, and resolves with the matched text. Rejects on
   * timeout (default 20 s) or when the process exits first, with the last 2,000 characters of
   * the screen in the message.
   */
  waitFor(
    match: string | RegExp,
    options?: { timeoutMs?: number; fromStart?: boolean },
  ): Promise<string>;
  /** Types text (no Enter). */
  write(text: string): void;
  /** Presses a key `times` times. */
  key(name: KeyName, times?: number): void;
  /** Waits for the process to end (default 30 s, then it is killed and this rejects). */
  exit(options?: { timeoutMs?: number }): Promise<PtyExit>;
  kill(signal?: string): void;
}

const live = new Set<IPty>();

/** Kills every process started by {@link spawnPty} that is still running. */
export function killAllPtys(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

afterEach(killAllPtys);

const TAIL = 2_000;
const tail = (s: string): string => (s.length > TAIL ? `…${s.slice(-TAIL)}` : s);
const clean = (s: string): string => stripVTControlCharacters(s).replace(/\r\n?/g, '\n');

/** Starts the built CLI (`bin/run.js`) in a pseudo-terminal. */
export function spawnPty(args: readonly string[], options: PtyOptions = {}): PtyRun {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'synx-pty-home-'));
  const env = options.env ?? { ...isolatedEnv(home), TERM: 'xterm-256color' };
  const p = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    name: 'xterm-256color',
    cols: options.cols ?? 120,
    rows: options.rows ?? 40,
    cwd: options.cwd ?? home,
    env,
  });
  live.add(p);
  let raw = '';
  let cursor = 0;
  let ended: { code: number; signal: number | undefined } | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const l of [...listeners]) {
      l();
    }
  };
  p.onData((d) => {
    raw += d;
    notify();
  });
  const exited = new Promise<{ code: number; signal: number | undefined }>((resolve) => {
    p.onExit(({ exitCode, signal }) => {
      live.delete(p);
      // Output can arrive just after the exit event: give it a moment.
      setTimeout(() => {
        ended = {
          code: exitCode,
          signal: signal === 0 || signal === undefined ? undefined : signal,
        };
        resolve(ended);
        notify();
      }, 50);
    });
  });
  const deadline = setTimeout(() => {
    try {
      p.kill('SIGKILL');
    } catch {
      // already gone
    }
  }, options.deadlineMs ?? 90_000);
  deadline.unref();
  void exited.then(() => {
    clearTimeout(deadline);
  });

  const run: PtyRun = {
    pid: p.pid,
    get screen() {
      return clean(raw);
    },
    get raw() {
      return raw;
    },
    waitFor(match, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 20_000;
      const what = typeof match === 'string' ? JSON.stringify(match) : String(match);
      return new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const screen = clean(raw);
          const from = opts.fromStart === true ? 0 : cursor;
          const rest = screen.slice(from);
          let found: { index: number; text: string } | undefined;
          if (typeof match === 'string') {
            const i = rest.indexOf(match);
            found = i < 0 ? undefined : { index: i, text: match };
          } else {
            const m = new RegExp(match.source, match.flags.replace('g', '')).exec(rest);
            found = m === null ? undefined : { index: m.index, text: m[0] };
          }
          if (found !== undefined) {
            done();
            cursor = from + found.index + found.text.length;
            resolve(found.text);
          } else if (ended !== undefined) {
            done();
            reject(
              new Error(
                `the process exited (code ${String(ended.code)}) before ${what} appeared; screen:\n${tail(screen)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${what} did not appear within ${String(timeoutMs)} ms; screen:\n${tail(clean(raw))}`,
            ),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    write(text) {
      p.write(text);
    },
    key(name, times = 1) {
      for (let i = 0; i < times; i++) {
        p.write(KEYS[name]);
      }
    },
    async exit(opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 30_000;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          try {
            p.kill('SIGKILL');
          } catch {
            // already gone
          }
          reject(
            new Error(
              `the process did not exit within ${String(timeoutMs)} ms (killed); screen:\n${tail(clean(raw))}`,
            ),
          );
        }, timeoutMs);
      });
      try {
        const e = await Promise.race([exited, timeout]);
        return { ...e, output: clean(raw) };
      } finally {
        clearTimeout(timer);
      }
    },
    kill(signal = 'SIGTERM') {
      p.kill(signal);
    },
  };
  return run;
}

/** Waits for a prompt, then answers it with keys, a short pause before each (as a person types). */
export async function answer(t: PtyRun, prompt: string | RegExp, ...keys: string[]): Promise<void> {
  await t.waitFor(prompt);
  for (const k of keys) {
    await new Promise((r) => setTimeout(r, 60));
    t.write(k);
  }
}
