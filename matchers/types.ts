import type { ToBeConciseOptions } from './toBeConcise.js'
import type { ToBeFaithfulToOptions } from './toBeFaithfulTo.js'
import type { ToBeSemanticallySimilarToOptions } from './toBeSemanticallySimilarTo.js'
import type { ToHaveBulletsOptions } from './toHaveBullets.js'
import type { NoInventedNumbersOptions } from './toHaveNoInventedNumbers.js'
import type { SchemaLike } from './toMatchSchema.js'
import type { StructuralBaselineOptions } from './toMatchStructuralBaseline.js'
import type { PreserveEntitiesFromSource, PreserveEntitiesOptions } from './toPreserveEntities.js'
import type { ToScoreAtLeastOptions } from './toScoreAtLeast.js'

export type { NoInventedNumbersOptions, PreserveEntitiesFromSource, PreserveEntitiesOptions, SchemaLike, StructuralBaselineOptions, ToBeConciseOptions, ToBeFaithfulToOptions, ToHaveBulletsOptions, ToScoreAtLeastOptions }

/**
 * Every assay matcher's signature: the single source of truth that each runner's type
 * adapter merges into its own `Matchers` interface. `R` is the runner's return type.
 */
export interface AssayMatchers<R = unknown> {
  /**
   * Asserts that the text is a list with the given number of items.
   * @example expect(summary).toHaveBullets({ max: 3, maxWordsPerBullet: 20 })
   */
  toHaveBullets(options?: ToHaveBulletsOptions): R
  /**
   * Asserts that the named entities appear in the text, or a share of the source's entities.
   * @example expect(summary).toPreserveEntities(['Apple', 'Tim Cook'])
   * @example expect(summary).toPreserveEntities({ from: article, minRatio: 0.8 })
   */
  toPreserveEntities(entities: readonly string[], options?: PreserveEntitiesOptions): R
  toPreserveEntities(source: PreserveEntitiesFromSource): R
  /**
   * Asserts that every number in the text is supported by the source.
   * @example expect(summary).toHaveNoInventedNumbers(article, { tolerance: 0.01 })
   */
  toHaveNoInventedNumbers(source: string, options?: NoInventedNumbersOptions): R
  /**
   * Asserts that the text is short enough, absolutely or relative to a source.
   * @example expect(summary).toBeConcise({ of: article, maxRatio: 0.2 })
   */
  toBeConcise(options: ToBeConciseOptions): R
  /**
   * Asserts that the object, or the JSON in the text, matches a zod (or Standard) schema.
   * @example expect(reply).toMatchSchema(z.object({ title: z.string() }))
   */
  toMatchSchema(schema: SchemaLike): R
  /**
   * Asks an eval LLM to score the text and asserts the score reaches `min`. Must be awaited.
   * @example await expect(summary).toScoreAtLeast(7, { source: article })
   */
  toScoreAtLeast(min: number, options?: ToScoreAtLeastOptions): Promise<void>
  /**
   * Asks an eval LLM to split the text into claims and check each against `source`, and
   * asserts that the source supports every claim. Must be awaited.
   * @example await expect(summary).toBeFaithfulTo(article)
   */
  toBeFaithfulTo(source: string, options?: ToBeFaithfulToOptions): Promise<void>
  /**
   * Asserts that the text means what `expected` says: the cosine similarity of their
   * embeddings reaches `threshold` (default 0.8). Must be awaited.
   * @example await expect(reply).toBeSemanticallySimilarTo('Your refund has been approved.', { threshold: 0.85 })
   */
  toBeSemanticallySimilarTo(expected: string, options?: ToBeSemanticallySimilarToOptions): Promise<void>
  /**
   * Asserts that the output's structure has not drifted from its recorded baseline.
   * @example expect(summary).toMatchStructuralBaseline({ input: prompt })
   */
  toMatchStructuralBaseline(options?: StructuralBaselineOptions): R
}
