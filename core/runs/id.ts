/**
 * Run ids (docs/design.md §7.1): `{YYYYMMDD_HHMMSS_ffffff}_{4 hex}` in UTC with real microseconds and two
 * random bytes, and `{model}_h{H}_{...}` for training runs, e.g.
 * `xgboost_h20_20251228_143025_789456_a3f9`.
 */
import { randomBytes } from 'node:crypto';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Last microsecond handed out by this process: ids made in one process are strictly increasing. */
let lastMicros = 0;

/** Microseconds since the epoch, from the high-resolution clock (sub-millisecond digits are real). */
function nowMicros(): number {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastMicros = micros > lastMicros ? micros : lastMicros + 1;
  return lastMicros;
}

/** `YYYYMMDD_HHMMSS_ffffff` (UTC) for a count of microseconds since the epoch. */
export function formatRunTimestamp(epochMicros: number): string {
  const d = new Date(Math.floor(epochMicros / 1000));
  const micros = ((epochMicros % 1_000_000) + 1_000_000) % 1_000_000;
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}_` +
    `${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}_${pad(micros, 6)}`
  );
}

function timestampPart(now?: Date): string {
  // A given Date has millisecond precision only: its microsecond digits end in 000.
  const micros = now ? now.getTime() * 1000 : nowMicros();
  return `${formatRunTimestamp(micros)}_${randomBytes(2).toString('hex')}`;
}

/** A fresh run id, e.g. `20251228_143025_789456_a3f9`. */
export function newRunId(now?: Date): string {
  return timestampPart(now);
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*(?:_[A-Za-z0-9-]+)*$/;

/** A training run id, e.g. `xgboost_h20_20251228_143025_789456_a3f9`. */
export function trainingRunId(model: string, horizon: number, now?: Date): string {
  if (!MODEL_NAME.test(model)) throw new Error(`trainingRunId: model name '${model}' is not a plain identifier`);
  if (!Number.isInteger(horizon) || horizon < 0)
    throw new Error(`trainingRunId: horizon must be a non-negative integer, got ${horizon}`);
  return `${model}_h${horizon}_${timestampPart(now)}`;
}

export interface ParsedRunId {
  /** Model name of a training run id (`xgboost` in `xgboost_h20_...`). */
  model?: string;
  horizon?: number;
  /** ISO-8601 UTC with millisecond precision. */
  created: string;
  /** The `YYYYMMDD_HHMMSS[_ffffff]` part as written. */
  timestamp: string;
  /** Microseconds within the second (0 when the id has none). */
  micros: number;
  /** The random hex suffix, when the id has one. */
  suffix?: string;
}

// Also accepts the older forms without microseconds and/or without the random suffix.
const RUN_ID = /^(?:(.+?)_h(\d+)_)?(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_(\d{6}))?(?:_([0-9a-f]{4}))?$/;

/** Reads model, horizon and creation time out of a run id; undefined when it is not one. */
export function parseRunId(id: string): ParsedRunId | undefined {
  const m = RUN_ID.exec(id);
  if (!m) return undefined;
  const [, model, h, y, mo, d, hh, mm, ss, us, suffix] = m;
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +hh!, +mm!, +ss!);
  const check = new Date(ms);
  // Reject impossible dates (month 13, Feb 30...) that Date.UTC would roll over.
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +hh! > 23 || +mm! > 59 || +ss! > 59)
    return undefined;
  const micros = us ? +us : 0;
  const out: ParsedRunId = {
    created: new Date(ms + Math.floor(micros / 1000)).toISOString(),
    timestamp: `${y}${mo}${d}_${hh}${mm}${ss}${us ? `_${us}` : ''}`,
    micros,
  };
  if (model !== undefined) {
    out.model = model;
    out.horizon = Number(h);
  }
  if (suffix !== undefined) out.suffix = suffix;
  return out;
}
