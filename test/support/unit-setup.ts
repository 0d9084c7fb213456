// Unit tests run many SDK instances, test after test, in one Node process, where BroadcastChannel
// delivers between all of them: an SDK left over from an earlier test would follow a later test's
// consent changes as if it were another tab, and write into that test's database. Consent across tabs
// is tested for real, with two pages in Chromium (test/sdk/consent-tabs.browser.test.ts); here each SDK
// is alone.
//
// The SDK's worker (the device's engine: storage, ranking, reports) runs in-process here
// (in-process-worker.ts), without a model unless a test gives it one; a test may replace it.
import { afterEach, beforeEach } from 'vitest';
import { inProcessWorker, terminateWorkers } from './in-process-worker.ts';

beforeEach(() => {
  (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = undefined;
  (globalThis as { Worker?: unknown }).Worker = inProcessWorker();
});

afterEach(() => terminateWorkers());
