import type { LaunchOptions } from '@playwright/test'

/**
 * Debian's chromium (never a downloaded browser) as the e2e tests and the longrun bench launch it:
 * headless, no GPU, nothing phoning home. `CHROMIUM_PATH` names another binary.
 */
export const chromiumLaunchOptions: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
}
