#!/usr/bin/env node
// `npm test`'s pretest step: installs what the test suite needs beyond the root
// node_modules, so the README's test command passes on a fresh clone as written.
// - each end-to-end runner tree (test/e2e/<name>/package-lock.json), with `npm ci`, when
//   it is missing or its lock file changed since it was installed;
// - Node 22 from the npm registry (`npx node@22`), which runs the Vitest 5 check;
// - Debian's Chromium for the report's browser tests (never a downloaded browser).
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const fail = (message) => {
  console.error(`\npretest: ${message}\n`)
  process.exit(1)
}
const run = (command, args, what) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  if (result.error || result.status !== 0) fail(`${what} failed (${result.error?.message ?? `exit code ${result.status}`}). Run \`${command} ${args.join(' ')}\` to see why.`)
}

if (!existsSync(join(root, 'node_modules', 'vitest'))) fail('the root dependencies are not installed. Run `npm install` (or `npm ci`) first.')

// A stamp of the lock file a tree was installed from tells a stale tree from a current one.
const e2e = join(root, 'test', 'e2e')
for (const name of readdirSync(e2e).sort()) {
  const dir = join(e2e, name)
  const lock = join(dir, 'package-lock.json')
  if (!existsSync(lock)) continue
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex')
  const stamp = join(dir, 'node_modules', '.assay-installed-from')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) continue
  console.log(`pretest: installing the ${name} end-to-end project's dependencies (npm ci --prefix test/e2e/${name})`)
  run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error'], `Installing test/e2e/${name}`)
  writeFileSync(stamp, hash)
}

// npx keeps node@22 in its cache after the first time; this only fetches it once.
const node22 = spawnSync('npx', ['-y', 'node@22', '--version'], { cwd: root, encoding: 'utf8' })
if (node22.status !== 0) fail(`the Vitest 5 check runs under Node 22, fetched from the npm registry with \`npx -y node@22\`, and that failed:\n${node22.stderr || node22.error?.message}`)

const CHROMIUM = '/usr/bin/chromium'
if (!existsSync(CHROMIUM)) {
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0
  if (!hasAptGet) fail(`the browser tests drive Debian's Chromium at ${CHROMIUM}, and this machine has no apt-get to install it. Install Chromium there (or link your Chromium to that path).`)
  const asRoot = process.getuid?.() === 0
  if (!asRoot && spawnSync('sudo', ['-n', 'true']).status !== 0) fail(`the browser tests drive Debian's Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install -y chromium\`, then run npm test again.`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const aptGet = (...args) => spawnSync(asRoot ? 'apt-get' : 'sudo', asRoot ? args : ['-n', 'apt-get', ...args], { stdio: 'inherit', env }).status === 0
  console.log('pretest: installing Chromium for the browser tests (apt-get install -y chromium)')
  // The package lists of a fresh machine may be missing or stale: update once and retry.
  if (!aptGet('install', '-y', 'chromium') && !(aptGet('update') && aptGet('install', '-y', 'chromium'))) {
    fail(`installing Chromium with apt-get failed. Run \`${asRoot ? '' : 'sudo '}apt-get install -y chromium\` to see why.`)
  }
  execFileSync(CHROMIUM, ['--version'], { stdio: 'inherit' })
}
