// Unit tests run many SDK instances, test after test, in one Node process, where BroadcastChannel
// delivers between all of them: an SDK left over from an earlier test would follow a later test's
// consent changes as if it were another tab, and write into that test's database. Consent across tabs
// is tested for real, with two pages in Chromium (test/sdk/consent-tabs.browser.test.ts); here each SDK
// is alone.
import { beforeEach } from 'vitest';

beforeEach(() => {
  (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel = undefined;
});
