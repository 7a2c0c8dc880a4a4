/** Debian's Chromium: Playwright cannot download browsers here. */
export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

/**
 * Headless, as root, and without background traffic: this machine's closed network refuses
 * Chromium's update/sync connections, which would slow pages and pollute measurements.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
