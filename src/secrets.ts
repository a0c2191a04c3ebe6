// Keys must never leave assay: an endpoint (a proxy, a gateway, an error page) may echo the
// key it was sent, in a reply, an error message or a reasoning text, and assay writes those
// to cassettes, records, reports and the terminal. Every such point runs its text through
// `redact` / `redactDeep` here.
//
// The known secrets are the judge's configured keys (its own and each fallback's),
// OPENAI_API_KEY and other `*_KEY` / `*_TOKEN` / `*_SECRET` / `*_PASSWORD` variables of
// the environment (guesses by name, matched only whole), and whatever the app's requests sent in credential headers
// (`authorization`, cookies, `x-api-key` and the like; registered by recordingFetch). Keys a test worker learns reach the
// process that runs the reporters through the run's coordinator (see judge/secret-sharing.ts).
import { configGeneration, getConfig } from './config.js'
import { isTokenList, redactTokens } from './secret-logprobs.js'

// Free text printed as it is has rules of its own (secret-text.ts); they are part of this
// module's API, so every caller keeps one import.
export { redactOutput, redactText, redactWebhooks } from './secret-text.js'

/** What every secret is replaced with. */
export const REDACTED = '[REDACTED]'

/**
 * Shorter values are not treated as secrets: placeholders such as `no-key`, `ollama` or
 * `EMPTY` are common for local endpoints, and redacting them would mangle ordinary text.
 */
export const MIN_SECRET_LENGTH = 8

// Header and field names whose value is a credential wherever they appear in a recorded
// object (compared case-insensitively): `authorization`, cookies, and any name that ends in
// a key, token, secret, password, signature or credentials word (`x-api-key`, `api-key`,
// `x-goog-api-key`, `ocp-apim-subscription-key`, `x-auth-token`, `client_secret`). Plural
// counts such as `total_tokens` are not credentials.
const CREDENTIAL_NAME = String.raw`(?:proxy-)?authorization|(?:set-)?cookie|bearer|[a-z0-9_-]*?(?:api[-_]?key|[-_](?:key|token|secret|password|passwd|signature|credentials?|bearer))`
const CREDENTIAL_FIELD = new RegExp(`^(?:${CREDENTIAL_NAME})$`, 'i')

/**
 * Whether a header or field name is a credential's (`authorization`, `x-api-key`,
 * `client_secret`, and in camelCase `accessToken`, `clientSecret`, `privateKey`, …). A
 * camelCase word boundary counts as a `_` (so `privateKey` is `private_Key`), but only
 * where the case changes: `monkey` and `totalTokens` are not credentials.
 */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_FIELD.test(name) || CREDENTIAL_FIELD.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'))
}

// Names in text are matched loosely (any name ending in a credential word, whatever its
// case), then judged by isCredentialName: the camelCase rule depends on letter case, which one
// case-insensitive regex cannot see. Other names never reach the judge, so clean text stays cheap.
const NAME = String.raw`[A-Za-z0-9_-]*?(?:key|token|secret|password|passwd|signature|credentials?|authorization|cookie|bearer)`
/** The same fields as JSON text, for raw replies and messages that are not parsed. */
const CREDENTIAL_JSON_FIELD = new RegExp(String.raw`("(${NAME})"\s*:\s*")((?:[^"\\]|\\.)*)"`, 'gi')
/** Any field in serialised data: as a key, or as JSON text inside a string. */
const JSON_KEY = new RegExp(String.raw`\\?"(${NAME})\\?"\s*:`, 'gi')
/** A header as a name/value pair, `"name": "Authorization"`, in serialised data. */
const JSON_NAMED = new RegExp(String.raw`\\?"name\\?"\s*:\s*\\?"(${NAME})\\?"`, 'gi')
/** The password of a URL's user information (`postgres://admin:PASSWORD@host`). */
const URL_PASSWORD = /(?<![A-Za-z0-9_+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*:)[^\s@/?#]+@/gi

const SECRET_ENV_NAME = /(?:_KEY|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_PWD|_CREDENTIALS?)$/i

/** The registered secrets of a process, and who hears of new ones. */
interface Registry {
  keys: Set<string>
  /** Bumped on every change, so that each copy's cached pattern knows when to rebuild. */
  version: number
  listener: ((key: string) => void) | undefined
}

// One registry per process (per realm), whichever copy of this module registers or redacts:
// a runner may load assay twice in one process (Vitest loads global setup, and so the
// coordinator, through its module runner, and the reporters natively), and the reporter
// must see every key the coordinator was handed.
const REGISTRY = Symbol.for('assay.secrets.registry')
const registry = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= { keys: new Set<string>(), version: 0, listener: undefined } satisfies Registry) as Registry
let fromEnvironment: string[] | undefined

/** A value worth redacting: long enough, and not a phrase (keys have no spaces). */
function qualifies(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !/\s/.test(value)
}

/**
 * An environment value is taken for a key by its variable's name alone, and such names
 * also hold file paths (`GOOGLE_APPLICATION_CREDENTIALS`) and labels (`CACHE_KEY`): a path
 * is not a key, and a label is only matched whole (see environmentPattern).
 */
const environmentQualifies = (value: string): boolean => qualifies(value) && !/[/\\]/.test(value)

/**
 * Adds a value to the secrets redacted from everything assay writes or prints. Values
 * shorter than {@link MIN_SECRET_LENGTH} are ignored. An `Authorization`-style value
 * (`Bearer <token>`, `Basic <token>`) registers the token as well. Called in a test file,
 * the key also reaches the process that runs the reporters, before the file ends.
 *
 * @example
 * ```ts
 * registerSecret(readFileSync('/run/secrets/gateway-key', 'utf8'))
 * ```
 */
export function registerSecret(value: string | null | undefined): void {
  if (typeof value !== 'string') return
  const trimmed = value.trim()
  const scheme = /^(?:bearer|basic|token)\s+(\S+)$/i.exec(trimmed)
  for (const v of scheme ? [trimmed, scheme[1]!] : [trimmed]) {
    if (!qualifies(v) || registry.keys.has(v)) continue
    registry.keys.add(v)
    registry.version++
    registry.listener?.(v)
  }
}

/**
 * Calls `listener` with each secret registered from now on, by any copy of this module in
 * the process; `undefined` stops. There is one listener per process: a new one replaces the
 * last (a test worker loads its setup again for each test file).
 */
export function setSecretListener(listener: ((key: string) => void) | undefined): void {
  registry.listener = listener
}

/** Registers the credential headers of a request (`authorization`, cookies, `x-api-key` and the like). */
export function registerHeaderSecrets(headers: Headers): void {
  for (const [name, value] of headers) {
    if (!CREDENTIAL_FIELD.test(name)) continue
    registerSecret(value)
    // A cookie header holds several credentials, each of which may be echoed alone.
    if (/cookie$/i.test(name)) for (const part of value.split(';')) registerSecret(part.slice(part.indexOf('=') + 1).trim())
  }
}

/** Forgets every registered secret and re-reads the environment on next use; for tests. */
export function resetSecrets(): void {
  registry.keys.clear()
  registry.version++
  fromEnvironment = undefined
}

// The environment is scanned once: reading every variable on each redaction would cost
// more than the redaction. OPENAI_API_KEY, the one assay itself reads, is looked up each time.
function environmentSecrets(): string[] {
  fromEnvironment ??= Object.entries(process.env)
    .filter(([name, value]) => SECRET_ENV_NAME.test(name) && value !== undefined && environmentQualifies(value))
    .map(([, value]) => value!)
  return fromEnvironment
}

/** The forms a secret takes in what assay writes: as it is, JSON-escaped (once or twice, `/` escaped or not), URL-encoded. */
function variants(secret: string): string[] {
  const json = (s: string) => JSON.stringify(s).slice(1, -1)
  const url = encodeURIComponent(secret)
  return [secret, json(secret), json(json(secret)), json(secret).replace(/\//g, '\\/'), url, url.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()), url.replace(/%20/g, '+')]
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The secret cut short by an ellipsis, as Vitest's assertion messages cut long values
 * (`expected 'Bearer sk-live-01…' to be …`): any prefix of at least MIN_SECRET_LENGTH
 * characters right before a `…`, as nested optional groups so that the pattern stays
 * linear in the secret's length. The ellipsis is kept.
 */
function cutShort(secret: string): string {
  const chars = [...secret]
  let tail = ''
  for (let i = chars.length - 1; i >= MIN_SECRET_LENGTH; i--) tail = `(?:${escapeRegExp(chars[i]!)}${tail})?`
  return `${escapeRegExp(chars.slice(0, MIN_SECRET_LENGTH).join(''))}${tail}(?=\u2026)`
}

let cached: { signature: string; pattern: RegExp | undefined; known: readonly string[] } | undefined

/**
 * The secrets this process was told of: the registered ones, OPENAI_API_KEY and the judge's
 * configured keys. A test worker hands them to the process that runs the reporters, which
 * reads the same environment itself. Values guessed from other environment variables'
 * names are not among them: they are matched only whole (see environmentSecrets).
 */
export function knownSecrets(): string[] {
  const judge = getConfig().judge
  const all = [...registry.keys, process.env.OPENAI_API_KEY, judge.apiKey, ...judge.fallback.map((f) => f.apiKey)]
  return [...new Set(all.filter((s): s is string => s !== undefined && qualifies(s)))]
}

/** Where a guessed value may stand: as a token of its own, never inside a longer word or id. */
const wholeToken = (forms: string[]): string => `(?<![A-Za-z0-9_-])(?:${forms.join('|')})(?![A-Za-z0-9_-])`

/** One regex of every form of every known secret, rebuilt only when the set changes. */
function secretPattern(): RegExp | undefined {
  const signature = `${registry.version}\u0000${configGeneration()}\u0000${process.env.OPENAI_API_KEY ?? ''}`
  if (cached?.signature === signature) return cached.pattern
  const all = new Set<string>()
  const known = knownSecrets()
  for (const s of known) for (const v of variants(s)) all.add(v)
  const guessed = new Set<string>()
  for (const s of environmentSecrets()) if (!known.includes(s)) for (const v of variants(s)) if (!all.has(v)) guessed.add(v)
  const longestFirst = (forms: Set<string>) => [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp)
  // Longest first, so a longer form (an escaped one) wins over a shorter one it contains;
  // cut-short forms match only before an ellipsis, so they go first.
  const alternatives = [...known.map(cutShort), ...longestFirst(all), ...(guessed.size ? [wholeToken(longestFirst(guessed))] : [])]
  cached = { signature, pattern: alternatives.length ? new RegExp(alternatives.join('|'), 'g') : undefined, known }
  return cached.pattern
}

/** {@link knownSecrets}, kept while the set is unchanged: the same array until a key is added or the config changes. */
export function currentSecrets(): readonly string[] {
  secretPattern()
  return cached!.known
}

/**
 * Replaces every known secret in `text` with {@link REDACTED}, in any of the forms it may
 * take (plain, inside `Bearer …`, JSON-escaped, URL-encoded, as a substring of anything),
 * and the value of any `"authorization"`, `"api-key"` or `"x-api-key"` JSON field.
 * Linear in the length of the text.
 *
 * @example
 * ```ts
 * registerSecret('sk-live-0123456789')
 * redact('Incorrect API key provided: sk-live-0123456789') // 'Incorrect API key provided: [REDACTED]'
 * ```
 */
export function redact(text: string): string {
  return redactWith(secretPattern(), text)
}

/**
 * {@link redact}, with the JSON fields whose value is redacted chosen by `isCredential`
 * (given the field's name and its value as written) instead of {@link isCredentialName}:
 * for printed text, which judges names more narrowly (see secret-text.ts).
 */
export function redactFields(text: string, isCredential: (name: string, value: string) => boolean): string {
  return redactWith(secretPattern(), text, isCredential)
}

function redactWith(pattern: RegExp | undefined, text: string, isCredential: (name: string, value: string) => boolean = isCredentialName): string {
  let clean = pattern ? text.replace(pattern, REDACTED) : text
  if (clean.includes('://')) clean = clean.replace(URL_PASSWORD, `$1${REDACTED}@`)
  return clean.includes('"') ? clean.replace(CREDENTIAL_JSON_FIELD, (all, head: string, name: string, value: string) => (isCredential(name, value) ? `${head}${REDACTED}"` : all)) : clean
}

/**
 * Whether `text`, or the data it is the JSON of, may hold something to redact: a known
 * secret, a credential field, or log-probabilities that may spell a secret. A false answer
 * is certain. Linear, for cheap checks of large outputs before a {@link redactDeep}.
 */
export function holdsSecrets(text: string): boolean {
  return holdsWith(secretPattern(), text)
}

function holdsWith(pattern: RegExp | undefined, text: string): boolean {
  for (const m of text.matchAll(JSON_KEY)) if (isCredentialName(m[1]!)) return true
  for (const m of text.matchAll(JSON_NAMED)) if (isCredentialName(m[1]!)) return true
  if (text.includes('://') && new RegExp(URL_PASSWORD.source, 'i').test(text)) return true
  if (!pattern) return false
  pattern.lastIndex = 0
  // Log-probabilities ("token" lists) may hold a secret that no string holds whole.
  return pattern.test(text) || text.includes('"token":')
}

/**
 * Plain JSON-like data with {@link redact} applied to every string (keys included), and
 * the value of every `authorization`, `api-key` or `x-api-key` field replaced by
 * {@link REDACTED} whatever it is: a copy, or `value` itself when there is nothing to
 * redact. Values that are not plain data (class instances, functions) are kept as they are.
 *
 * @example
 * ```ts
 * registerSecret('sk-live-0123456789')
 * redactDeep({ headers: { Authorization: 'Bearer x' }, note: 'sk-live-0123456789' })
 * // { headers: { Authorization: '[REDACTED]' }, note: '[REDACTED]' }
 * ```
 */
export function redactDeep<T>(value: T): T {
  // The pattern is looked up once: each lookup reads the environment, which is slow.
  const pattern = secretPattern()
  // Most data holds nothing to redact, and two scans of its JSON cost far less than a
  // regex per string; the walk runs only when they find something.
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    json = undefined
  }
  if (typeof json === 'string' && !holdsWith(pattern, json)) return value
  return walk(value, pattern) as T
}

function walk(value: unknown, pattern: RegExp | undefined): unknown {
  if (typeof value === 'string') return redactWith(pattern, value)
  if (Array.isArray(value)) return isTokenList(value) ? redactTokens(value, pattern, walk) : value.map((v) => walk(v, pattern))
  if (value === null || typeof value !== 'object') return value
  // Plain objects of any realm (Jest runs tests in a vm context, and fetch parses JSON
  // outside it): their prototype is null or a root prototype. Class instances go deeper.
  const proto = Object.getPrototypeOf(value) as object | null
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return value
  const out: Record<string, unknown> = {}
  // A header as a name/value pair (`{ name: 'Authorization', value: 'Bearer …' }`) holds its credential under `value`.
  const named = typeof (value as { name?: unknown }).name === 'string' && isCredentialName((value as { name: string }).name)
  for (const [key, field] of Object.entries(value)) {
    const clean = field !== null && field !== undefined && (isCredentialName(key) || (named && key === 'value')) ? REDACTED : walk(field, pattern)
    const name = redactWith(pattern, key)
    // A "__proto__" key (JSON.parse makes them) must stay data, not become the prototype.
    if (name === '__proto__') Object.defineProperty(out, name, { value: clean, enumerable: true, writable: true, configurable: true })
    else out[name] = clean
  }
  return out
}
