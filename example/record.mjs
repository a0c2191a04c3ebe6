// `npm run example:record`: re-records the example's judge cassette against the fixture
// judge (see fixture-judge.mjs), by running the example suite with ASSAY_CACHE=refresh.
// The suite runs as a child process while this one serves the judge, so the spawn is async.
import { spawn } from 'node:child_process'
import { startFixtureJudge } from './fixture-judge.mjs'

const judge = await startFixtureJudge()
const child = spawn('npx', ['vitest', 'run', '--config', 'example/vitest.config.ts'], {
  stdio: 'inherit',
  env: { ...process.env, ASSAY_CACHE: 'refresh', OPENAI_BASE_URL: judge.url, OPENAI_API_KEY: 'fixture-judge' },
})
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)))
await judge.close()
process.exit(code)
