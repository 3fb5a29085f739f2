/**
 * Command-line flags for Debian's Chromium driven headless by playwright-core: the meeting-pack
 * renderer, the end-to-end tests and the benchmark launch it the same way (no sandbox inside
 * containers, no GPU, no background traffic or first-run work that would skew timings).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
