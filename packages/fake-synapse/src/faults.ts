import { hash32 } from '@synx/model';

/** Routes of the fake backend; faults can be set per route. */
export const ROUTES = [
  'health',
  'users',
  'agents',
  'projects',
  'v2-projects',
  'v2-gt-datasets',
  'v2-gt-versions',
  'assignments',
  'tasks',
  'gt-events',
  'gt-versions',
  'data-units',
  'storages',
  'media',
] as const;
export type RouteName = (typeof ROUTES)[number];

/**
 * Fault switches for one route (or all). Rates are probabilities per request in [0, 1]; each
 * decision is a pure function of (seed, request key, attempt number), so a run is repeatable
 * whatever the request interleaving.
 */
export interface FaultSpec {
  /** Added before every response. */
  readonly latencyMs?: number;
  /** 429 with `Retry-After`. */
  readonly rateLimit?: number;
  /** Value of `Retry-After` in seconds (default 1). */
  readonly retryAfterS?: number;
  /** Start of a 5xx burst: this request and the next `burst - 1` tries of the same request fail. */
  readonly serverError?: number;
  /** Length of a 5xx burst (default 2). */
  readonly burst?: number;
  /** Close the connection without answering. */
  readonly drop?: number;
  /** Send the headers and half the body, then close. */
  readonly truncate?: number;
  /** Media only: answer 403 "Request has expired" even though the URL is still valid. */
  readonly expire?: number;
  /** Media only: send bodies at this rate (bytes per second), like a slow link. */
  readonly bytesPerSecond?: number;
  /** Media only: signed URLs handed out from now on expire after this many ms. */
  readonly urlTtlMs?: number;
  /** A request key never fails more than this many times in a row (default 3). Keeps faults bounded. */
  readonly maxConsecutive?: number;
}

/** Faults for every route, with per-route overrides. */
export interface FaultConfig extends FaultSpec {
  readonly routes?: Partial<Record<RouteName, FaultSpec>>;
}

/** What to do with one request. */
export type FaultDecision =
  | { readonly kind: 'none' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'truncate' }
  | { readonly kind: 'rate-limit'; readonly retryAfterS: number }
  | { readonly kind: 'server-error'; readonly status: number }
  | { readonly kind: 'expire' };

interface KeyState {
  attempts: number;
  consecutive: number;
  burstLeft: number;
}

/** Decides faults deterministically from a seed. */
export class FaultEngine {
  #config: FaultConfig;
  readonly #seed: number;
  readonly #state = new Map<string, KeyState>();

  constructor(config: FaultConfig = {}, seed = 1) {
    this.#config = config;
    this.#seed = seed;
  }

  set(config: FaultConfig): void {
    this.#config = config;
    this.#state.clear();
  }

  spec(route: RouteName): FaultSpec {
    const { routes, ...global } = this.#config;
    return { ...global, ...(routes?.[route] ?? {}) };
  }

  /** Decides the fate of one attempt of the request identified by `key`. */
  decide(route: RouteName, key: string): FaultDecision {
    const spec = this.spec(route);
    let st = this.#state.get(key);
    if (st === undefined) {
      st = { attempts: 0, consecutive: 0, burstLeft: 0 };
      this.#state.set(key, st);
    }
    const attempt = st.attempts++;
    const maxConsecutive = spec.maxConsecutive ?? 3;
    const fault = ((): FaultDecision => {
      if (st.consecutive >= maxConsecutive) {
        st.burstLeft = 0;
        return { kind: 'none' };
      }
      if (st.burstLeft > 0) {
        st.burstLeft--;
        return { kind: 'server-error', status: 503 };
      }
      const u = hash32(`${key}#${attempt}`, this.#seed) / 2 ** 32;
      let edge = 0;
      const hit = (rate: number | undefined): boolean => {
        edge += Math.max(0, Math.min(1, rate ?? 0));
        return u < edge;
      };
      if (hit(spec.drop)) {
        return { kind: 'drop' };
      }
      if (hit(spec.truncate)) {
        return { kind: 'truncate' };
      }
      if (hit(spec.rateLimit)) {
        return { kind: 'rate-limit', retryAfterS: spec.retryAfterS ?? 1 };
      }
      if (hit(spec.serverError)) {
        st.burstLeft = Math.max(0, (spec.burst ?? 2) - 1);
        const statuses = [502, 503, 504];
        return {
          kind: 'server-error',
          status: statuses[hash32(key, this.#seed) % statuses.length] ?? 503,
        };
      }
      if (route === 'media' && hit(spec.expire)) {
        return { kind: 'expire' };
      }
      return { kind: 'none' };
    })();
    st.consecutive = fault.kind === 'none' ? 0 : st.consecutive + 1;
    return fault;
  }
}
