// The only data that leaves the device: one report per epoch, made of segment ids each passed through
// k-ary randomized response on the device. Body: {"taxonomy":v,"epoch":e,"segments":[...]}, nothing else.
//
// Exactly once per epoch across tabs: the report is created with a check-and-set in one IndexedDB
// transaction, and each send is claimed the same way, so two tabs never send the same report. It waits
// in IndexedDB until the server acknowledges it, retrying with exponential backoff and jitter. A report
// sent while the page unloads is never retried: its answer is lost with the page, and sending it again
// could count it twice; losing one report is the cheaper error for the aggregates and for privacy. The
// same holds for a send whose page navigated away before the answer came: it is never sent again.

import { cryptoRandom } from '../../core/random.ts';
import { randomizeReport, reportDomain } from '../../core/randomized-response.ts';
import { epochOf, epochStartMs } from '../../protocol/epoch.ts';
import { parseParams, reportRules, type ReportParams } from '../../protocol/params.ts';
import { PARAMS_PATH, REPORTS_PATH } from '../../protocol/paths.ts';
import { isCanonicalReport, writeReportBody } from '../../protocol/report.ts';
import type { Taxonomy } from '../../protocol/taxonomy.ts';
import type { Host } from '../host.ts';
import type { DeviceStorage } from '../storage/device-storage.ts';
import { KV_KEYS } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { describe } from '../warn.ts';


export interface PendingReport {
  epoch: number;
  body: string;
  attempts: number;
  nextAttemptAt: number;
  inFlightUntil: number;
}

export interface LastReport {
  epoch: number;
  body: string;
  sentAt: number;
  status: number | 'network-error' | 'unconfirmed';
  ack: unknown;
}

interface ReportState {
  /** The newest epoch a report was created for: never a second one for it. */
  createdEpoch: number;
  pending: PendingReport | null;
  last: LastReport | null;
}

export const REPORT_STATE_KEY = KV_KEYS.report;
const FIRST_REPORT_DELAY_MS = 30_000;
const BACKOFF = { baseMs: 5_000, maxMs: 3_600_000 };

export interface SyncDeps {
  /** The shopper's segments in this taxonomy (from the engine; none without one). */
  segments(taxonomy: Taxonomy): Promise<{ id: number }[]>;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
}

export class ReportSync {
  private params: ReportParams | null = null;
  private paramsError = '';
  private paramsTriedAt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastKnown: ReportState | null = null;
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;

  private readonly server: string;

  constructor(
    private readonly host: Host,
    private readonly storage: DeviceStorage,
    private readonly deps: SyncDeps,
  ) {
    this.server = host.config.server ?? '';
    this.now = deps.now ?? host.now;
    this.fetch = deps.fetch ?? ((input, init) => fetch(input, init));
    this.random = deps.random ?? cryptoRandom;
  }

  /** Loads the server's published parameters, then schedules the epoch's report. */
  async start(): Promise<void> {
    await this.refreshState();
    await this.loadParams();
    if (typeof addEventListener === 'function') {
      addEventListener('pagehide', () => void this.run({ unloading: true }));
      // Hidden (tab switched, app backgrounded): the page may be discarded without a pagehide, so send
      // what is due now, while an answer can still arrive.
      addEventListener('visibilitychange', () => {
        if (typeof document !== 'undefined' && document.visibilityState === 'hidden') void this.run({});
      });
      addEventListener('online', () => {
        this.paramsTriedAt = 0;
        this.schedule(1000);
      });
    }
    if (!this.params) return;
    this.schedule(FIRST_REPORT_DELAY_MS);
  }

  /** The taxonomy devices report in, once the server's parameters are loaded (null until then). */
  async taxonomy(): Promise<Taxonomy | null> {
    if (!this.params) await this.reloadParams(false);
    return this.params?.taxonomy ?? null;
  }

  /** The store while consent allows writing to it (opened on demand), else null. */
  private store(): Promise<Store | null> {
    return this.host.consent() === 'granted' ? this.storage.open() : Promise.resolve(null);
  }

  /** The server was unreachable when the page loaded: try again, at most once a minute (or when asked). */
  private async reloadParams(force: boolean): Promise<void> {
    if (!force && this.now() - this.paramsTriedAt < 60_000) return;
    await this.loadParams();
  }

  private async loadParams(): Promise<void> {
    this.paramsTriedAt = this.now();
    try {
      const response = await this.fetch(new URL(PARAMS_PATH, this.server).href, { credentials: 'omit', cache: 'no-cache' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.params = parseParams(await response.json());
      const cap = this.host.config.privacy.maxEpsilon;
      if (this.params.epsilon > cap) {
        this.host.warn('epsilon', `the server asks for ε = ${this.params.epsilon} per epoch, above this shop's cap of ${cap}; no report will be sent`);
        this.params = null;
      }
    } catch (error) {
      this.paramsError = describe(error);
      this.host.warn('server', `could not load the report parameters from ${this.server} (${this.paramsError}); reports are paused`);
    }
  }

  epoch(at = this.now()): number {
    return epochOf(at, this.params?.epochSeconds ?? 604_800);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run({});
    }, Math.max(0, delayMs));
  }

  /** `tacit.sync()`: create this epoch's report if there is none yet and send what is pending now. */
  sync(): Promise<unknown> {
    return this.run({ force: true });
  }

  private async run({ unloading = false, force = false }: { unloading?: boolean; force?: boolean }): Promise<unknown> {
    if (!this.params) await this.reloadParams(force);
    const store = await this.store();
    if (!this.params) return { sent: false, reason: this.paramsError ? `server unavailable: ${this.paramsError}` : 'no server parameters' };
    if (!store || this.host.consent() !== 'granted') return { sent: false, reason: 'no consent' };
    try {
      await this.createReport(store);
      const result = await this.send(store, { unloading, force });
      this.scheduleNext();
      return result;
    } catch (error) {
      this.host.warn('report', `report failed: ${describe(error)}`);
      return { sent: false, reason: describe(error) };
    }
  }

  /** This epoch's report, created at most once across all tabs. */
  private async createReport(store: Store): Promise<void> {
    const epoch = this.epoch();
    const state = await store.get<ReportState>(REPORT_STATE_KEY);
    if (state && state.createdEpoch >= epoch) return;
    const params = this.params!;
    const segments = await this.deps.segments(params.taxonomy).catch(() => []);
    const domain = reportDomain(params.taxonomy.segments.map((s) => s.id));
    const ids = segments.map((s) => s.id).filter((id) => domain.includes(id));
    const randomized = randomizeReport(ids, { domain, slots: params.slots, epsilon: params.epsilon }, this.random);
    const body = writeReportBody({ taxonomy: params.taxonomy.version, epoch, segments: randomized });
    await store.update<ReportState>(REPORT_STATE_KEY, (current) => {
      if (current && current.createdEpoch >= epoch) return current; // another tab was first
      return {
        createdEpoch: epoch,
        pending: { epoch, body, attempts: 0, nextAttemptAt: 0, inFlightUntil: 0 },
        last: current?.last ?? null,
      };
    });
  }

  private async send(store: Store, { unloading, force }: { unloading: boolean; force: boolean }): Promise<unknown> {
    const now = this.now();
    let claimed: PendingReport | null = null;
    await store.update<ReportState>(REPORT_STATE_KEY, (state) => {
      const pending = state?.pending;
      if (!state || !pending || pending.inFlightUntil > now || (!force && pending.nextAttemptAt > now)) return state;
      // Reports for epochs the server no longer accepts are dropped, not sent late; so is anything in the
      // pending slot that is not exactly a documented report (corrupted or planted storage).
      if (pending.epoch < this.epoch(now) - 1 || !isCanonicalReport(pending.body, reportRules(this.params!), pending.epoch)) return { ...state, pending: null };
      // Claimed for good: a keepalive request outlives its page, so if this page dies before the answer
      // arrives the report may well have been counted; only a definite failure (below) frees it again.
      claimed = { ...pending, attempts: pending.attempts + 1, inFlightUntil: Number.MAX_SAFE_INTEGER };
      return { ...state, pending: claimed };
    });
    if (!claimed) return { sent: false, reason: 'nothing due' };
    const report: PendingReport = claimed;
    const url = new URL(REPORTS_PATH, this.server).href;
    const request = this.fetch(url, {
      method: 'POST',
      body: report.body,
      headers: { 'content-type': 'text/plain' },
      keepalive: true,
      credentials: 'omit',
      mode: 'cors',
      referrerPolicy: 'no-referrer',
    });
    if (unloading) {
      request.catch(() => {});
      await this.finish(store, report, { status: 'unconfirmed', ack: null, done: true });
      return { sent: true, status: 'unconfirmed' };
    }
    let status: number | 'network-error';
    let ack: unknown = null;
    let retryAfterMs = 0;
    try {
      const response = await request;
      status = response.status;
      ack = await response.json().catch(() => null);
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
    } catch (error) {
      status = 'network-error';
      ack = describe(error);
    }
    const accepted = typeof status === 'number' && status >= 200 && status < 300;
    const permanent = typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
    if (permanent) this.host.warn('report-rejected', `the server rejected the report (${status}): ${JSON.stringify(ack)}`);
    await this.finish(store, report, { status, ack, done: accepted || permanent, retryAfterMs });
    this.host.emit('report', { body: report.body, status, ack });
    return { sent: accepted, status, ack };
  }

  private async finish(
    store: Store,
    report: PendingReport,
    outcome: { status: LastReport['status']; ack: unknown; done: boolean; retryAfterMs?: number },
  ): Promise<void> {
    const now = this.now();
    const next = await store.update<ReportState>(REPORT_STATE_KEY, (state) => {
      if (!state) return state; // forgotten meanwhile: keep it forgotten
      const last: LastReport = { epoch: report.epoch, body: report.body, sentAt: now, status: outcome.status, ack: outcome.ack };
      if (outcome.done) return { ...state, pending: null, last };
      const backoff = Math.min(BACKOFF.maxMs, BACKOFF.baseMs * 2 ** (report.attempts - 1)) * (0.5 + this.random());
      const retryAt = now + Math.max(backoff, outcome.retryAfterMs ?? 0);
      return { ...state, pending: { ...report, inFlightUntil: 0, nextAttemptAt: retryAt }, last };
    });
    this.lastKnown = next ?? null;
  }

  private scheduleNext(): void {
    const pending = this.lastKnown?.pending;
    const nextEpochAt = epochStartMs(this.epoch() + 1, this.params?.epochSeconds ?? 0);
    // A little random delay into the next epoch, so devices do not all report at its first second.
    const candidates = [nextEpochAt + this.random() * 60_000 - this.now()];
    if (pending) candidates.push(pending.nextAttemptAt - this.now());
    this.schedule(Math.min(...candidates));
  }

  /** The stored report state is being deleted (forget): drop our copy too. */
  forget(): void {
    this.lastKnown = null;
  }

  async refreshState(): Promise<void> {
    const store = await this.store();
    this.lastKnown = (await store?.get<ReportState>(REPORT_STATE_KEY).catch(() => undefined)) ?? null;
  }

  inspect(): Record<string, unknown> {
    const p = this.params;
    const epoch = this.epoch();
    return {
      server: this.server,
      config: p ? { epsilon: p.epsilon, slots: p.slots, k: p.k, epochSeconds: p.epochSeconds, releaseEpsilon: p.releaseEpsilon, taxonomyVersion: p.taxonomy.version, server: this.server } : null,
      lastReport: this.lastKnown?.last ?? null,
      pendingReport: this.lastKnown?.pending ?? null,
      nextEpoch: p ? { epoch: epoch + 1, startsAt: new Date(epochStartMs(epoch + 1, p.epochSeconds)).toISOString() } : null,
    };
  }
}

function parseRetryAfter(value: string | null, now: number): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : 0;
}

