// The part of jstat (no bundled types) that assay's statistics use.
declare module 'jstat' {
  interface JStat {
    binomial: { cdf(k: number, n: number, p: number): number; pdf(k: number, n: number, p: number): number }
    normal: { cdf(x: number, mean: number, sd: number): number; inv(p: number, mean: number, sd: number): number }
  }
  const jStat: JStat
  export default jStat
}
