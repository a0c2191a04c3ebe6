// What names a run across the machines it was sharded over: every shard of one CI run must
// carry the same id, so that `assay merge` can refuse shards of different runs.

/**
 * The CI variables that name a whole pipeline run, shared by all of its jobs (and so by
 * all of its shards), each with the variable that tells that CI apart when the id's own
 * name is too common to trust alone.
 */
const CI_IDS: { id: string; marker?: string }[] = [
  // GitLab CI: the pipeline's id, the same in every job of it.
  { id: 'CI_PIPELINE_ID', marker: 'GITLAB_CI' },
  // CircleCI: "the same for every job in a given workflow instance".
  { id: 'CIRCLE_WORKFLOW_ID' },
  // Buildkite: the build's UUID, shared by its parallel jobs.
  { id: 'BUILDKITE_BUILD_ID' },
  // Azure Pipelines: the run's id; TF_BUILD is set to True on its agents.
  { id: 'BUILD_BUILDID', marker: 'TF_BUILD' },
]

const given = (value: string | undefined) => (value !== undefined && value.trim() !== '' ? value.trim() : undefined)

/**
 * The run's id: `ASSAY_RUN_ID` when set; on GitHub Actions `GITHUB_RUN_ID-GITHUB_RUN_ATTEMPT`
 * (a re-run is another run: its shards are not merged with the first attempt's); else
 * the pipeline id of GitLab CI, CircleCI, Buildkite or Azure Pipelines; else undefined.
 *
 * @example
 * ```ts
 * runId({ GITHUB_RUN_ID: '123456', GITHUB_RUN_ATTEMPT: '2' }) // '123456-2'
 * ```
 */
export function runId(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const own = given(env.ASSAY_RUN_ID)
  if (own) return own
  const github = given(env.GITHUB_RUN_ID)
  if (github) {
    const attempt = given(env.GITHUB_RUN_ATTEMPT)
    return attempt ? `${github}-${attempt}` : github
  }
  for (const ci of CI_IDS) {
    const id = given(env[ci.id])
    if (id && (ci.marker === undefined || given(env[ci.marker]))) return id
  }
  return undefined
}
