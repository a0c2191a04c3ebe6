// The runner-agnostic core: configuration, the structural matcher context and the
// deterministic text analysers that the matchers (and later the baseline store) build on.
export { configure, getConfig, resetConfig, type AssayConfig, type ResolvedAssayConfig } from './config.js'
export type { MatcherContext, MatcherResult, MatcherUtils } from './context.js'
export { AssayUsageError } from './errors.js'
export { EntityHaystack, extractEntities, type EntityKind, type EntityLocation, type FindEntityOptions, type SourceEntity } from './text/entities.js'
export { extractJson, type JsonExtraction, type JsonSource } from './text/json.js'
export { extractListItems, type ListItem } from './text/lists.js'
export { ClaimIndex, sameClaim } from './text/claims.js'
export { extractNumbers, type ClaimKind, type NumericClaim } from './text/numbers.js'
export { countSentences, countWords, splitSentences } from './text/segment.js'
