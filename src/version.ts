// The SDK's version: packages/tacit-sdk/package.json says the same (a test checks), and the QA panel
// and inspect() show it.
export const VERSION = '0.1.0';
