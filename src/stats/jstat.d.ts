// jstat ships no types. This declares only the distributions assay's statistics use.
declare module 'jstat' {
  interface ContinuousDistribution<Params extends number[]> {
    /** The quantile: the x with cdf(x) = p. */
    inv(p: number, ...params: Params): number
    cdf(x: number, ...params: Params): number
  }
  interface JStat {
    normal: ContinuousDistribution<[mean: number, sd: number]>
    studentt: ContinuousDistribution<[dof: number]>
    centralF: ContinuousDistribution<[df1: number, df2: number]>
    binomial: { cdf(k: number, n: number, p: number): number; pdf(k: number, n: number, p: number): number }
  }
  const jStat: JStat
  export default jStat
}
