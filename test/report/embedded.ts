import { gunzipSync } from 'node:zlib'

const DATA = /<script type="application\/gzip-base64" id="assay-data">([^<]*)<\/script>/

/** The results.json a report page carries (gzipped, base64), parsed. */
export function embeddedResults(html: string): unknown {
  const data = DATA.exec(html)?.[1]
  if (data === undefined) throw new Error('the page has no assay-data block')
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'))
}

/** The page with its data block replaced by `replacement`. */
export function withoutData(html: string, replacement: string): string {
  return html.replace(DATA, () => replacement)
}
