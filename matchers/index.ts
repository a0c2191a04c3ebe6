// The raw matcher functions, free of side effects: `expect.extend(matchers)` in any
// runner, or call them with your own MatcherContext.
export { toBeConcise } from './toBeConcise.js'
export { toBeFaithfulTo } from './toBeFaithfulTo.js'
export { toBeSemanticallySimilarTo } from './toBeSemanticallySimilarTo.js'
export { toHaveBullets } from './toHaveBullets.js'
export { toHaveNoInventedNumbers } from './toHaveNoInventedNumbers.js'
export { toMatchSchema } from './toMatchSchema.js'
export { toMatchStructuralBaseline } from './toMatchStructuralBaseline.js'
export { toPreserveEntities } from './toPreserveEntities.js'
export { toScoreAtLeast } from './toScoreAtLeast.js'
export type { AssayMatchers } from './types.js'
