import { SynxError } from '@synx/model';

/** Split names, in order: two parts are train/val, three are train/val/test. */
export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

/** Target shares of each split (they sum to 1). */
export interface SplitRatios {
  readonly names: readonly SplitName[];
  readonly ratios: readonly number[];
}

/**
 * Parses `--split`: two or three shares separated by `/` (`0.8/0.1/0.1`, `0.9/0.1`), as
 * fractions that sum to 1 or percentages that sum to 100 (`80/10/10`). Every share must be
 * positive: a split meant to be empty is a split not asked for.
 *
 * @throws SynxError `SYNX_INVALID_INPUT` naming what is wrong.
 */
export function parseSplitRatios(text: string): SplitRatios {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `--split "${text}" needs two or three shares (train/val or train/val/test), e.g. 0.8/0.1/0.1`,
    );
  }
  const values = parts.map((p) => {
    const v = /^\s*\d+(\.\d+)?\s*$|^\s*\.\d+\s*$/.test(p) ? Number(p) : NaN;
    if (!Number.isFinite(v) || v <= 0) {
      throw new SynxError(
        'SYNX_INVALID_INPUT',
        `--split "${text}": "${p}" is not a positive number; every split needs a share above 0`,
      );
    }
    return v;
  });
  const sum = values.reduce((a, b) => a + b, 0);
  const scale = Math.abs(sum - 1) < 1e-6 ? 1 : Math.abs(sum - 100) < 1e-4 ? 100 : undefined;
  if (scale === undefined) {
    throw new SynxError(
      'SYNX_INVALID_INPUT',
      `--split "${text}": the shares sum to ${String(+sum.toFixed(6))}, not 1 (or 100)`,
    );
  }
  return {
    names: SPLIT_NAMES.slice(0, values.length),
    ratios: values.map((v) => v / scale),
  };
}

/** `0.8/0.1/0.1` → `train 80% · val 10% · test 10%`. */
export function describeRatios(spec: SplitRatios): string {
  return spec.names
    .map((n, i) => `${n} ${String(+((spec.ratios[i] ?? 0) * 100).toFixed(2))}%`)
    .join(' · ');
}
