import cliProgress from 'cli-progress';
import type { ExportProgress } from '@synx/export';
import type { DownloadEvent, DownloadProgress } from '@synx/media-downloader';
import { bytes, duration, n } from './render.js';

/** `tty`: a live status line; `lines`: a plain line now and then (CI, logs); `quiet`: nothing. */
export type ProgressMode = 'tty' | 'lines' | 'quiet';

export interface ProgressOptions {
  /** Where the status goes: stderr (stdout carries the report and `--json`). */
  readonly stream: NodeJS.WriteStream;
  readonly mode: ProgressMode;
  /** Items to export, when known before the export says (e.g. from a plan). */
  readonly total?: number | undefined;
  /** The clock (ms); tests pass a fake one. */
  readonly now?: () => number;
}

/** What the export command wires into `runExport`. */
export interface ExportProgressView {
  /** `ExportRequest.onProgress`. */
  onProgress(p: ExportProgress): void;
  /** `MediaRequest.onEvent`: only `progress` events are used. */
  onMedia(e: DownloadEvent): void;
  /** Clears the live line (tty) and stops the timer; call before printing the report. */
  stop(): void;
}

/** `lines` mode: a line at least every this many items… */
export const LINE_EVERY_ITEMS = 500;
/** …or after this long without one, whichever comes first. */
export const LINE_EVERY_MS = 10_000;
/** The item rate is measured over this window, so the ETA follows the current pace. */
const RATE_WINDOW_MS = 10_000;

const PHASES: Readonly<Record<ExportProgress['phase'], string>> = {
  open: 'opening',
  split: 'splitting',
  read: 'reading',
  write: 'export',
  finish: 'export done',
};

/** A short ETA: `11s`, `3m 05s`, `2h 10m`. */
export function eta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) {
    return `${s}s`;
  }
  if (s < 3600) {
    return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  }
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The state the status is drawn from: counters only, one small sample list for the rate. */
class ProgressState {
  phase: ExportProgress['phase'] = 'open';
  items = 0;
  total: number | undefined;
  annotations = 0;
  media: DownloadProgress | undefined;
  readonly started: number;
  /** (time, items) of the write phase, the last {@link RATE_WINDOW_MS} of them. */
  readonly #samples: [number, number][] = [];
  readonly #given: number | undefined;

  constructor(started: number, total: number | undefined) {
    this.started = started;
    this.#given = total;
    this.total = total;
  }

  update(p: ExportProgress, now: number): void {
    this.phase = p.phase;
    this.items = p.items;
    this.total = p.total ?? this.#given;
    this.annotations = p.annotations;
    if (p.phase === 'write') {
      this.#samples.push([now, p.items]);
      while (this.#samples.length > 2 && now - (this.#samples[0]?.[0] ?? now) > RATE_WINDOW_MS) {
        this.#samples.shift();
      }
    }
  }

  /** Items per second over the recent window; undefined before two samples. */
  rate(): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (first === undefined || last === undefined || last[0] <= first[0]) {
      return undefined;
    }
    return ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
  }

  /** Seconds left: the items still to export (of the total) at the current rate. */
  etaS(): number | undefined {
    const rate = this.rate();
    if (this.phase !== 'write' || this.total === undefined || rate === undefined || rate <= 0) {
      return undefined;
    }
    return Math.max(0, this.total - this.items) / rate;
  }

  /** `export 1,500/5,000 items · 6,210 annotations · 412 files 18.2 MB · 310 items/s · ETA 11s`. */
  text(now: number): string {
    const parts = [
      `${PHASES[this.phase]} ${n(this.items)}${this.total === undefined ? '' : `/${n(this.total)}`} items`,
    ];
    if (this.phase === 'write' || this.phase === 'finish') {
      parts.push(`${n(this.annotations)} annotations`);
    }
    const m = this.media;
    if (m !== undefined) {
      parts.push(
        `${n(m.filesDone)}${m.filesTotal > m.filesDone ? `/${n(m.filesTotal)}` : ''} files ${bytes(m.bytesDone)}`,
      );
    }
    if (this.phase === 'finish') {
      parts.push(`in ${duration(now - this.started)}`);
      return parts.join(' · ');
    }
    const rate = this.rate();
    if (rate !== undefined) {
      parts.push(`${n(Math.round(rate))} items/s`);
    }
    const left = this.etaS();
    if (left !== undefined) {
      parts.push(`ETA ${eta(left)}`);
    }
    return parts.join(' · ');
  }
}

/** A single bar whose redraw timer does not keep the process alive (a stalled plugin is still detected). */
class StatusBar extends cliProgress.SingleBar {
  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout | null }).timer?.unref();
  }
}

const BAR_WIDTH = 20;

function bar(done: number, total: number): string {
  const full = total <= 0 ? BAR_WIDTH : Math.round((Math.min(done, total) / total) * BAR_WIDTH);
  return `${'█'.repeat(full)}${'░'.repeat(BAR_WIDTH - full)}`;
}

/**
 * The export's progress on stderr: a live status line on a terminal (redrawn at most 10× a
 * second, cleared on `stop()` so the report prints cleanly), a plain line at least every
 * {@link LINE_EVERY_ITEMS} items or {@link LINE_EVERY_MS} ms elsewhere, or nothing.
 */
export function createProgress(options: ProgressOptions): ExportProgressView {
  const { stream, mode } = options;
  const now = options.now ?? Date.now;
  if (mode === 'quiet') {
    return { onProgress: () => undefined, onMedia: () => undefined, stop: () => undefined };
  }
  const state = new ProgressState(now(), options.total);

  if (mode === 'lines') {
    let printedAt = now();
    let printedItems = 0;
    let finished = false;
    const print = (): void => {
      printedAt = now();
      printedItems = state.items;
      stream.write(`synx: ${state.text(printedAt)}\n`);
    };
    const check = (): void => {
      if (
        !finished &&
        (Math.floor(state.items / LINE_EVERY_ITEMS) > Math.floor(printedItems / LINE_EVERY_ITEMS) ||
          now() - printedAt >= LINE_EVERY_MS)
      ) {
        print();
      }
    };
    // Also when nothing arrives (a long download, a slow server): a line every 10 s.
    const timer = setInterval(check, 1000);
    timer.unref();
    return {
      onProgress: (p) => {
        state.update(p, now());
        if (p.phase === 'finish') {
          if (!finished) {
            print();
          }
          finished = true;
          clearInterval(timer);
          return;
        }
        check();
      },
      onMedia: (e) => {
        if (e.type === 'progress') {
          state.media = e;
          check();
        }
      },
      stop: () => {
        clearInterval(timer);
      },
    };
  }

  // tty: cli-progress draws (throttled to 10 fps) what the format function returns.
  const status = new StatusBar({
    stream,
    fps: 10,
    clearOnComplete: true,
    hideCursor: false,
    linewrap: false,
    format: (_o: unknown, params: cliProgress.Params): string => {
      const total = state.total;
      const line = `${total === undefined ? '' : `${bar(state.items, total)} `}${state.text(now())}`;
      return line.length < params.maxWidth
        ? line
        : `${line.slice(0, Math.max(0, params.maxWidth - 2))}…`;
    },
  });
  let started = false;
  const draw = (): void => {
    if (!started) {
      started = true;
      status.start(state.total ?? 0, state.items);
    } else {
      status.update(state.items);
    }
  };
  return {
    onProgress: (p) => {
      state.update(p, now());
      draw();
    },
    onMedia: (e) => {
      if (e.type === 'progress') {
        state.media = e;
        draw();
      }
    },
    stop: () => {
      if (started) {
        status.stop();
      }
    },
  };
}
