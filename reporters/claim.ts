// Whether an assay reporter prints the end-of-run summary. The coordinator's global
// teardown prints its own block only when none does; this module is tiny on purpose, so
// global setup does not load the reporters to ask.
const REPORTED = Symbol.for('assay.reporter.active')

/** Marks that an assay reporter prints the run summary, so global teardown does not repeat it. */
export function claimSummary(): void {
  ;(globalThis as Record<symbol, unknown>)[REPORTED] = true
  // Test workers start after the reporters and inherit this, so they leave obsolete
  // entries to the reporter's block instead of warning about each file themselves.
  process.env.ASSAY_SUMMARY = 'reporter'
}

/** Whether an assay reporter claimed the run summary. */
export function summaryClaimed(): boolean {
  return (globalThis as Record<symbol, unknown>)[REPORTED] === true
}
