import { gunzipSync } from 'node:zlib'

const DATA = /<script type="application\/gzip-base64" id="assay-data">([^<]*)<\/script>/

/** What a report page carries (gzipped, base64): results.json and each test's outcomes over the history. */
export function embeddedData(html: string): { results: unknown; trend: Record<string, string> } {
  const data = DATA.exec(html)?.[1]
  if (data === undefined) throw new Error('the page has no assay-data block')
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as { results: unknown; trend: Record<string, string> }
}

/** The results.json a report page carries. */
export function embeddedResults(html: string): unknown {
  return embeddedData(html).results
}

/** The page with its data block replaced by `replacement`. */
export function withoutData(html: string, replacement: string): string {
  return html.replace(DATA, () => replacement)
}
