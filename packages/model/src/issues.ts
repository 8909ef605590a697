import { z } from 'zod';

/**
 * A problem with one item or annotation. Converters report issues and carry on; the caller
 * decides whether they are fatal (`--strict`). Issues never contain secrets.
 */
export const IssueSchema = z
  .object({
    /** Stable code, e.g. `SYNX_DM_UNKNOWN_CLASS`. */
    code: z.string(),
    severity: z.enum(['error', 'warning', 'info']),
    /** Human-readable sentence. */
    message: z.string(),
    /** Source item id (assignment, task, GT event id, or file stem for folder sources). */
    itemId: z.string().optional(),
    /** Media id inside the item, e.g. `image_1`. */
    mediaId: z.string().optional(),
    /** Annotation id (DM's 10-character id). */
    annotationId: z.string().optional(),
    /** Dotted path of the offending field, e.g. `annotationsData.image_1[2].coordinate.width`. */
    field: z.string().optional(),
    /** What happened to the data: dropped, converted, kept as-is. */
    action: z.enum(['dropped', 'converted', 'kept', 'clamped', 'renamed', 'failed']).optional(),
  })
  .meta({ id: 'Issue', description: 'A problem with one item or annotation.' });

export type Issue = z.infer<typeof IssueSchema>;

/** Anything that accepts issues. */
export interface IssueReporter {
  report(issue: Issue): void;
}

/** Per-code totals kept by {@link IssueCollector}. */
export interface IssueSummaryEntry {
  code: string;
  severity: Issue['severity'];
  count: number;
  /** The first message seen for this code. */
  example: string;
  /** Up to `examplesPerCode` item ids that had this issue. */
  items: string[];
}

/** Summary of all reported issues. */
export interface IssueSummary {
  errors: number;
  warnings: number;
  infos: number;
  byCode: IssueSummaryEntry[];
}

/** Options of {@link IssueCollector}. */
export interface IssueCollectorOptions {
  /** How many issues to keep in memory (all are counted). Default 1000. */
  readonly keep?: number;
  /** How many example item ids to keep per code. Default 5. */
  readonly examplesPerCode?: number;
  /** Called for every issue, e.g. to stream them to a JSON-lines file. */
  readonly sink?: (issue: Issue) => void;
}

/**
 * Collects issues with bounded memory: every issue is counted and passed to the sink, the first
 * `keep` are kept for display.
 */
export class IssueCollector implements IssueReporter {
  readonly kept: Issue[] = [];
  #errors = 0;
  #warnings = 0;
  #infos = 0;
  readonly #byCode = new Map<string, IssueSummaryEntry>();
  readonly #keep: number;
  readonly #examples: number;
  readonly #sink: ((issue: Issue) => void) | undefined;

  constructor(options: IssueCollectorOptions = {}) {
    this.#keep = options.keep ?? 1000;
    this.#examples = options.examplesPerCode ?? 5;
    this.#sink = options.sink;
  }

  report(issue: Issue): void {
    if (issue.severity === 'error') {
      this.#errors++;
    } else if (issue.severity === 'warning') {
      this.#warnings++;
    } else {
      this.#infos++;
    }
    let entry = this.#byCode.get(issue.code);
    if (entry === undefined) {
      entry = {
        code: issue.code,
        severity: issue.severity,
        count: 0,
        example: issue.message,
        items: [],
      };
      this.#byCode.set(issue.code, entry);
    }
    entry.count++;
    if (
      issue.itemId !== undefined &&
      entry.items.length < this.#examples &&
      !entry.items.includes(issue.itemId)
    ) {
      entry.items.push(issue.itemId);
    }
    if (this.kept.length < this.#keep) {
      this.kept.push(issue);
    }
    this.#sink?.(issue);
  }

  get errors(): number {
    return this.#errors;
  }

  get warnings(): number {
    return this.#warnings;
  }

  get total(): number {
    return this.#errors + this.#warnings + this.#infos;
  }

  /** Totals per code, sorted by severity then code (stable for golden files). */
  summary(): IssueSummary {
    const rank = { error: 0, warning: 1, info: 2 } as const;
    const byCode = [...this.#byCode.values()]
      .map((e) => ({ ...e, items: [...e.items] }))
      .sort(
        (a, b) =>
          rank[a.severity] - rank[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
      );
    return { errors: this.#errors, warnings: this.#warnings, infos: this.#infos, byCode };
  }
}
