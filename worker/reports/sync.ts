// The only data that leaves the device: one report per epoch, made of segment ids each passed through
// k-ary randomized response on the device (protocol/report.ts writes the body). It runs in the worker,
// next to the engine that computes the segments and the storage that remembers what was sent; the
// worker exists only after a grant, and the device, not the server, decides what it may send:
//   - the server's parameters pass the privacy accountant (core/privacy-accountant.ts) or nothing is
//     sent: ε per report capped, epochs no shorter than the device's minimum, a yearly ε cap;
//   - the report bookkeeping (report-state.ts) allows one report per epoch, only for epochs that begin
//     after the device started keeping state, created at a random moment of the epoch;
//   - memory-only state (no IndexedDB) never reports: it could not remember that it did;
//   - consent withdrawn or everything forgotten, in this tab or any other, stops it (stop()).
// The report waits in IndexedDB until the server acknowledges it, retrying with exponential backoff and
// jitter. A worker cannot see the page's lifecycle: the page tells it when it is hidden or going away
// (pageHidden), so that a due report goes out while an answer can still arrive. A report whose page died
// before the answer stays pending: its claim expires and a later page sends the very same body again.
// That cannot count it twice: the server records each report's random nonce and answers a resend 202
// without counting it (server/routes/reports.ts; the nonce insert in server/storage/*, kept as long as
// the epoch takes reports, and the device drops a pending report once its epoch no longer does).

import { checkServerParams, defaultMaxEpsilonPerYear, spentInWindow, type PrivacyLimits } from '../../core/privacy-accountant.ts';
import { cryptoRandom } from '../../core/random.ts';
import { randomizeReport, reportDomain } from '../../core/randomized-response.ts';
import { epochOf, epochStartMs } from '../../protocol/epoch.ts';
import { parseParams, reportRules, type ReportParams } from '../../protocol/params.ts';
import { PARAMS_PATH, REPORTS_PATH } from '../../protocol/paths.ts';
import { isCanonicalReport, writeReportBody } from '../../protocol/report.ts';
import { parseTokenParams } from '../../protocol/token-params.ts';
import type { Taxonomy } from '../../protocol/taxonomy.ts';
import type { WorkerHost } from '../host.ts';
import type { DeviceStorage } from '../storage/device-storage.ts';
import { KV_KEYS } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { describe } from '../../src/warn.ts';
import { eligibility, freshState, parseRetryAfter, planFor, readState, retryDelayMs, tokenFor, withReport, type LastReport, type PendingReport, type ReportState } from './report-state.ts';
import { experimentPart } from './experiment-report.ts';
import { ReportTokens } from './report-token.ts';

export type { LastReport, PendingReport } from './report-state.ts';

export const REPORT_STATE_KEY = KV_KEYS.report;
/**
 * How long a report being sent is claimed by this worker: no other tab sends it meanwhile. The request
 * is given up a little earlier, so a claim never expires while its request can still arrive (BUG 9 in
 * docs/reliability.md). A worker that dies mid-send leaves its claim to expire; the next page retries.
 */
const CLAIM_MS = 30_000;
const REQUEST_TIMEOUT_MS = CLAIM_MS - 5_000;
/** A report whose planned moment passed while no page was open goes out this long (at most, at random) into the next page. */
const OVERDUE_DELAY_MS = 5 * 60_000;

export interface SyncDeps {
  /** The shopper's segments in this taxonomy (from the engine; none without one). */
  segments(taxonomy: Taxonomy): Promise<{ id: number }[]>;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
}

type RunResult = { sent: boolean; reason?: string; status?: unknown; ack?: unknown; dueAt?: string };

export class ReportSync {
  private params: ReportParams | null = null;
  /** Privacy Pass tokens, when the server takes them (report-token.ts). */
  private readonly tokenClient: ReportTokens;
  private paramsError = '';
  private paramsTriedAt = 0;
  private refused = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastKnown: ReportState | null = null;
  private stopped = false;
  /** When this page started: a planned moment before it was missed (no page was open). */
  private startedAt = 0;
  private overdueAt = 0;
  private readonly listeners: [string, () => void][] = [];
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  private readonly random: () => number;
  private readonly server: string;
  private readonly limits: PrivacyLimits;

  constructor(
    private readonly host: WorkerHost,
    private readonly storage: DeviceStorage,
    private readonly deps: SyncDeps,
  ) {
    this.server = host.config.server ?? '';
    this.now = deps.now ?? host.now;
    this.fetch = deps.fetch ?? ((input, init) => fetch(input, init));
    this.random = deps.random ?? cryptoRandom;
    const { maxEpsilon, minEpochSeconds, maxEpsilonPerYear } = host.config.privacy;
    this.limits = { maxEpsilon, minEpochSeconds, maxEpsilonPerYear: maxEpsilonPerYear ?? defaultMaxEpsilonPerYear(maxEpsilon, minEpochSeconds) };
    this.tokenClient = new ReportTokens({
      server: this.server,
      fetch: this.fetch,
      now: this.now,
      random: this.random,
      warn: (message) => host.warn('report-token', message),
    });
  }

  /** Loads the server's published parameters, then schedules the epoch's report. */
  async start(): Promise<void> {
    this.startedAt = this.now();
    await this.refreshState();
    await this.loadParams();
    this.listen('online', () => {
      this.paramsTriedAt = 0;
      this.schedule(1000);
    });
    if (this.params) await this.run({});
  }

  /**
   * The page is hidden (tab switched, app backgrounded: it may be discarded without another word) or
   * going away (`unloading`): send what is due now, while an answer can still arrive. Going away, an
   * overdue report is created at once instead of at its random moment of the next few minutes, and no
   * token is fetched first (there is no time for the exchange).
   */
  pageHidden(unloading: boolean): Promise<RunResult> {
    return this.run({ unloading });
  }

  /** Consent withdrawn or everything forgotten: no timer, no listener, nothing sent from now on. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [type, listener] of this.listeners) removeEventListener(type, listener);
    this.listeners.length = 0;
    this.lastKnown = null;
  }

  /** An event of the worker's global scope ('online'): workers get those, not the page's lifecycle. */
  private listen(type: string, listener: () => void): void {
    if (typeof addEventListener !== 'function') return;
    addEventListener(type, listener);
    this.listeners.push([type, listener]);
  }

  /** The taxonomy devices report in, once the server's parameters are loaded (null until then). */
  async taxonomy(): Promise<Taxonomy | null> {
    if (!this.params) await this.reloadParams(false);
    return this.params?.taxonomy ?? null;
  }

  /** The store while consent allows writing to it (opened on demand), else null. */
  private store(): Promise<Store | null> {
    return this.host.consent() === 'granted' && !this.stopped ? this.storage.open() : Promise.resolve(null);
  }

  /** The server was unreachable when the page loaded: try again, at most once a minute (or when asked). */
  private async reloadParams(force: boolean): Promise<void> {
    if (!force && this.now() - this.paramsTriedAt < 60_000) return;
    await this.loadParams();
  }

  private async loadParams(): Promise<void> {
    this.paramsTriedAt = this.now();
    try {
      // No cookies, no referrer (the page's URL can carry a search or an e-mail address); the browser's
      // HTTP cache may answer (the server makes the parameters cacheable for an hour or more).
      const response = await this.fetch(new URL(PARAMS_PATH, this.server).href, { credentials: 'omit', referrerPolicy: 'no-referrer', mode: 'cors' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const json = (await response.json()) as Record<string, unknown>;
      const params = parseParams(json);
      this.tokenClient.params = parseTokenParams(json?.token);
      const verdict = checkServerParams(params, this.limits);
      if (!verdict.ok) {
        this.refused = verdict.reason;
        this.host.warn('privacy-limit', `${verdict.reason}; no report will be sent`);
        this.params = null;
        return;
      }
      this.params = params;
      this.refused = '';
    } catch (error) {
      this.paramsError = describe(error);
      this.host.warn('server', `could not load the report parameters from ${this.server} (${this.paramsError}); reports are paused`);
    }
  }

  epoch(at = this.now()): number {
    return epochOf(at, this.params?.epochSeconds ?? this.limits.minEpochSeconds);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    // setTimeout's limit is 2^31 − 1 ms (24.8 days): a later moment is reached in steps.
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run({});
    }, Math.min(2 ** 31 - 1, Math.max(0, delayMs)));
  }

  /**
   * `tacit.sync()`: does now what is due — creates this epoch's report if its planned moment has come,
   * sends a pending report without waiting for its back-off. It never sends early: a page cannot use it
   * to tie a report to a page view.
   */
  sync(): Promise<unknown> {
    return this.run({ force: true });
  }

  private async run({ unloading = false, force = false }: { unloading?: boolean; force?: boolean }): Promise<RunResult> {
    if (this.stopped) return { sent: false, reason: 'no consent' };
    if (!this.params) await this.reloadParams(force);
    if (!this.params) {
      if (this.refused) return { sent: false, reason: `refused by this device: ${this.refused}` };
      return { sent: false, reason: this.paramsError ? `server unavailable: ${this.paramsError}` : 'no server parameters' };
    }
    const store = await this.store();
    if (!store || this.host.consent() !== 'granted') return { sent: false, reason: 'no consent' };
    if (store.kind !== 'indexeddb') return { sent: false, reason: 'storage is memory-only: a report could not be remembered, so none is sent' };
    try {
      const due = await this.createIfDue(store, unloading);
      const result = await this.send(store, { unloading, force });
      this.scheduleNext();
      return result.sent || !due ? result : { sent: false, reason: `not due yet: the report goes out at ${due}`, dueAt: due };
    } catch (error) {
      this.host.warn('report', `report failed: ${describe(error)}`);
      return { sent: false, reason: describe(error) };
    }
  }

  /** Creates this epoch's report if its moment has come (once across all tabs); else returns when it is due (ISO time) or null. */
  private async createIfDue(store: Store, unloading: boolean): Promise<string | null> {
    const params = this.params!;
    const now = this.now();
    const epoch = this.epoch(now);
    const withToken = this.tokenClient.params !== null;
    let state = await store.update<ReportState>(REPORT_STATE_KEY, (current) => {
      const read = current === undefined ? freshState(now) : readState(current, now);
      if (!eligibility(read, epoch, params.epochSeconds, params.epsilon, this.limits, now).ok) return read;
      return { ...read, plan: planFor(read, epoch, params.epochSeconds, now, this.random, withToken) };
    });
    state = readState(state, now);
    this.lastKnown = state;
    const allowed = eligibility(state, epoch, params.epochSeconds, params.epsilon, this.limits, now);
    if (!allowed.ok) {
      if (allowed.reason === 'yearly-cap') this.host.warn('privacy-limit', `${allowed.detail}; no report this epoch`);
      return null;
    }
    const plan = state.plan!;
    let token = tokenFor(state, epoch, params.epochSeconds);
    if (withToken && token === undefined) {
      const tokenDue = Math.max(plan.tokenAt ?? plan.at, this.tokenClient.retryAt);
      if (tokenDue > now && !unloading) return new Date(Math.min(tokenDue, plan.at > now ? plan.at : tokenDue)).toISOString();
      if (!unloading) token = await this.tokenClient.fetch(store, epoch, params.epochSeconds);
      if (token === undefined && this.tokenClient.params!.required) return this.tokenClient.retryAt > now ? new Date(this.tokenClient.retryAt).toISOString() : null;
    }
    if (plan.at > now) return new Date(plan.at).toISOString();
    // The planned moment passed while no page was open: not at once (that would tie the report to this
    // page view), but at a random moment of the next few minutes, or when the page goes away.
    if (plan.at < this.startedAt && !unloading) {
      if (this.overdueAt === 0) this.overdueAt = now + this.random() * OVERDUE_DELAY_MS;
      if (this.overdueAt > now) return new Date(this.overdueAt).toISOString();
    }

    const segments = await this.deps.segments(params.taxonomy).catch(() => []);
    const domain = reportDomain(params.taxonomy.segments.map((s) => s.id));
    const ids = segments.map((s) => s.id).filter((id) => domain.includes(id));
    const randomized = randomizeReport(ids, { domain, slots: params.slots, epsilon: params.epsilon }, this.random);
    // An A/B test's part, when this device is in one the server counts (experiment-report.ts); its ε adds up.
    const experiment = await experimentPart({ experiment: this.host.config.experiment, params, store, epoch, ledger: state.ledger, limits: this.limits, now, random: this.random });
    if (experiment.part === null && experiment.reason) this.host.warn('experiment', experiment.reason);
    const epsilon = params.epsilon + experiment.epsilon;
    const extra = { ...(experiment.part ? { experiment: experiment.part } : {}), ...(token ? { token } : {}) };
    const body = writeReportBody({ taxonomy: params.taxonomy.version, epoch, segments: randomized, ...extra });
    this.lastKnown = await store.update<ReportState>(REPORT_STATE_KEY, (current) => {
      const read = readState(current, now);
      // Checked again inside the transaction: another tab may have created it meanwhile.
      if (!eligibility(read, epoch, params.epochSeconds, epsilon, this.limits, now).ok) return read;
      return withReport(read, { epoch, epochSeconds: params.epochSeconds, epsilon, body }, now);
    }) ?? null;
    return null;
  }

  private async send(store: Store, { unloading, force }: { unloading: boolean; force: boolean }): Promise<RunResult> {
    const waiting = this.lastKnown?.pending;
    if (waiting?.needsToken && !unloading) await this.tokenClient.renew(store, waiting, reportRules(this.params!), this.params!.epochSeconds);
    const now = this.now();
    let claimed: PendingReport | null = null;
    const afterClaim = await store.update<ReportState>(REPORT_STATE_KEY, (current) => {
      if (current === undefined) return current;
      const state = readState(current, now);
      const pending = state.pending;
      if (!pending || pending.needsToken || pending.inFlightUntil > now || (!force && pending.nextAttemptAt > now)) return state;
      // Reports for epochs the server no longer accepts are dropped, not sent late; so is anything in the
      // pending slot that is not exactly a documented report (corrupted or planted storage).
      if (pending.epoch < this.epoch(now) - 1 || !isCanonicalReport(pending.body, reportRules(this.params!), pending.epoch)) return { ...state, pending: null };
      // Claimed inside the transaction, so that of several tabs only one sends it now. (A claim left
      // over from a page that died mid-send, or from an older version that claimed for good, expires.)
      claimed = { ...pending, attempts: pending.attempts + 1, inFlightUntil: now + CLAIM_MS };
      return { ...state, pending: claimed };
    });
    // inspect() shows the claim (or the dropped report), and scheduleNext() waits for the claim to expire.
    this.lastKnown = afterClaim === undefined ? null : readState(afterClaim, now);
    if (!claimed) return { sent: false, reason: 'nothing due' };
    const report: PendingReport = claimed;
    let status: number | 'network-error';
    let ack: unknown = null;
    let retryAfterMs = 0;
    try {
      const response = await this.post(report.body);
      status = response.status;
      ack = await response.json().catch(() => null);
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
    } catch (error) {
      status = 'network-error';
      ack = describe(error);
    }
    const accepted = typeof status === 'number' && status >= 200 && status < 300;
    // A token refused (missing, invalid, spent): the same report again with a new token, not dropped.
    const needsToken = (status === 401 || status === 403) && /^(token_required|invalid_token|token_spent)$/.test(String((ack as { error?: unknown } | null)?.error));
    const permanent = !needsToken && typeof status === 'number' && status >= 400 && status < 500 && status !== 408 && status !== 429;
    if (permanent) this.host.warn('report-rejected', `the server rejected the report (${status}): ${JSON.stringify(ack)}`);
    await this.finish(store, report, { status, ack, done: accepted || permanent, retryAfterMs, needsToken });
    this.host.emit('report', { body: report.body, status, ack });
    return { sent: accepted, status, ack };
  }

  /**
   * The report to the server: straight, or through the shop's OHTTP relay (that code is loaded only
   * then; a relay that fails throws, and the report waits: it never goes straight instead). Given up
   * after REQUEST_TIMEOUT_MS, a network error like any other.
   */
  private post(body: string): Promise<Response> {
    const url = new URL(REPORTS_PATH, this.server).href;
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const fetcher: typeof fetch = (input, init) => this.fetch(input, { ...init, signal });
    const ohttp = this.host.config.privacy.ohttp;
    if (ohttp) return import('./ohttp-transport.ts').then((relay) => relay.postThroughRelay(ohttp, url, body, fetcher, (message) => this.host.warn('invalid-config', message)));
    // keepalive: a request already on its way when the page (and with it this worker) goes away may still arrive.
    return fetcher(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, keepalive: true, credentials: 'omit', mode: 'cors', referrerPolicy: 'no-referrer' });
  }

  private async finish(
    store: Store,
    report: PendingReport,
    outcome: { status: LastReport['status']; ack: unknown; done: boolean; retryAfterMs?: number; needsToken?: boolean },
  ): Promise<void> {
    const now = this.now();
    const next = await store.update<ReportState>(REPORT_STATE_KEY, (current) => {
      if (current === undefined) return current; // forgotten meanwhile: keep it forgotten
      const state = readState(current, now);
      const last: LastReport = { epoch: report.epoch, body: report.body, sentAt: now, status: outcome.status, ack: outcome.ack };
      if (outcome.done) return { ...state, pending: null, last };
      const retryAt = now + retryDelayMs(report.attempts, outcome.retryAfterMs ?? 0, this.random);
      return { ...state, pending: { ...report, inFlightUntil: 0, nextAttemptAt: retryAt, ...(outcome.needsToken ? { needsToken: true } : {}) }, last };
    });
    this.lastKnown = next ?? null;
  }

  /** Wakes up at the next thing due: a retry, this epoch's planned moment, or the next epoch. */
  private scheduleNext(): void {
    const now = this.now();
    const state = this.lastKnown;
    const candidates = [epochStartMs(this.epoch(now) + 1, this.params?.epochSeconds ?? this.limits.minEpochSeconds) - now];
    // A report claimed by another tab (or by a page that died mid-send) is looked at again when its claim expires.
    if (state?.pending) candidates.push(Math.max(state.pending.nextAttemptAt, state.pending.inFlightUntil) - now);
    if (state?.plan && state.plan.at > now) candidates.push(state.plan.at - now);
    if (state?.plan?.tokenAt !== undefined && state.plan.tokenAt > now && !state.token) candidates.push(state.plan.tokenAt - now);
    if (this.tokenClient.retryAt > now) candidates.push(this.tokenClient.retryAt - now);
    if (this.overdueAt > now) candidates.push(this.overdueAt - now);
    this.schedule(Math.min(...candidates));
  }

  async refreshState(): Promise<void> {
    const store = await this.store();
    const stored = await store?.get<unknown>(REPORT_STATE_KEY).catch(() => undefined);
    this.lastKnown = stored === undefined ? null : readState(stored, this.now());
  }

  inspect(): Record<string, unknown> {
    const p = this.params;
    const epoch = this.epoch();
    const state = this.lastKnown;
    const now = this.now();
    return {
      server: this.server,
      config: p ? { epsilon: p.epsilon, slots: p.slots, k: p.k, epochSeconds: p.epochSeconds, releaseEpsilon: p.releaseEpsilon, taxonomyVersion: p.taxonomy.version, server: this.server } : null,
      privacy: {
        limits: this.limits,
        refused: this.refused || null,
        spentLast365Days: state ? spentInWindow(state.ledger, now) : 0,
        ledger: state?.ledger ?? [],
        reportingSince: state ? new Date(state.since).toISOString() : null,
        plannedAt: state?.plan ? new Date(state.plan.at).toISOString() : null,
        relay: this.host.config.privacy.ohttp?.relay ?? null,
        tokens: this.tokenClient.params ? { required: this.tokenClient.params.required, issuer: this.tokenClient.params.issuerName, held: Boolean(state?.token) } : null,
      },
      lastReport: state?.last ?? null,
      pendingReport: state?.pending ?? null,
      nextEpoch: p ? { epoch: epoch + 1, startsAt: new Date(epochStartMs(epoch + 1, p.epochSeconds)).toISOString() } : null,
    };
  }
}
