// jstat ships no types. This declares only the distributions assay's statistics use.
declare module 'jstat' {
  interface ContinuousDistribution<Params extends number[]> {
    /** The quantile: the x with cdf(x) = p. */
    inv(p: number, ...params: Params): number
    cdf(x: number, ...params: Params): number
  }
  const jStat: {
    normal: ContinuousDistribution<[mean: number, sd: number]>
    studentt: ContinuousDistribution<[dof: number]>
  }
  export default jStat
}
