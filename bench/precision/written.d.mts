import type { Labels } from './score.mjs'

/** A labelled number of a summary. */
export interface NumberLabel {
  text: string
  status: 'stated' | 'derived' | 'unsupported' | 'not-a-claim'
  how?: string
}

/** A labelled name of a summary: whether the source names the same entity. */
export interface NameLabel {
  name: string
  inSource: boolean
}

/** A labelled entity of a source. */
export interface EntityLabel {
  name: string
  kind: 'person' | 'organization' | 'place'
}

/** A hand correction of one labelled item (see applyCorrections in written.mjs). */
export interface Correction {
  id: string
  reason: string
  number?: string
  name?: string
  entity?: string
  status?: NumberLabel['status']
  how?: string
  inSource?: boolean
  kind?: EntityLabel['kind']
  add?: boolean
  remove?: boolean
}

export interface WrittenRecord {
  id: string
  slice: string
  corpus: 'written'
  genre: string
  prompt: string
  sourceId: string
  source: string
  summary: string
  numbers: NumberLabel[]
  names: NameLabel[]
  labels: Labels & { numberStrict: boolean; numberClaims: string[]; derivedClaims: string[]; inventedNames: string[] }
  checked: boolean
  corrected: boolean
}

export interface WrittenSource {
  id: string
  genre: string
  text: string
  entities: EntityLabel[]
  corrected: boolean
}

export interface EntityMatch {
  extracted: number
  correct: number
  labelled: number
  found: number
  wrong: string[]
  missed: string[]
}

export interface ExtractionScore {
  n: number
  extracted: number
  correct: number
  labelled: number
  found: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export const WRITTEN_SLICE: string
export function parseJsonl(text: string, file: string): Record<string, unknown>[]
export function applyCorrections(labels: Map<string, Record<string, unknown>>, corrections: readonly Correction[]): Set<string>
export function loadWritten(files: { sources: string; summaries: string; sourceLabels: string; summaryLabels: string; corrections?: readonly Correction[] }): {
  records: WrittenRecord[]
  sources: WrittenSource[]
  unlabelled: { summaries: string[]; sources: string[] }
}
export function entityKey(name: string): string
export function matchEntities(extracted: readonly string[], labelled: readonly { name: string; kind: string }[]): EntityMatch
export function scoreExtraction(matches: readonly EntityMatch[]): ExtractionScore

export interface ClaimMatch {
  flagged: number
  right: number
  wrong: number
  unmapped: string[]
  positives: number
  found: number
}

export interface ClaimScore {
  flagged: number
  right: number
  wrong: number
  unmapped: number
  positives: number
  found: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export function matchClaims(flagged: readonly string[], numbers: readonly NumberLabel[], positive: readonly NumberLabel['status'][]): ClaimMatch
export function scoreClaims(matches: readonly ClaimMatch[]): ClaimScore
