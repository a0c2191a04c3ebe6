// Debian's Chromium driven by playwright-core: never a downloaded browser. The flags keep
// it from reaching for the network on its own, so every request seen is the page's.
import { chromium, type Browser, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
}

/** What a page did that a report page must never do. */
export interface PageActivity {
  /** Every URL the page asked for, the page itself included. */
  requests: string[]
  dialogs: string[]
  /** Content-Security-Policy violations: something tried to run or load. */
  violations: () => Promise<string[]>
  errors: string[]
}

/** Opens `file` in a new page, watching requests, dialogs, CSP violations and page errors. */
export async function openWatched(browser: Browser, file: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; activity: PageActivity }> {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  const activity: PageActivity = {
    requests: [],
    dialogs: [],
    errors: [],
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
  }
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] }
    w.__violations = []
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
  page.on('request', (r) => activity.requests.push(r.url()))
  page.on('dialog', (d) => {
    activity.dialogs.push(d.message())
    void d.dismiss()
  })
  page.on('pageerror', (e) => activity.errors.push(e.message))
  await page.goto(`file://${file}`)
  await page.waitForSelector('body[data-ready="1"]')
  return { page, activity }
}
