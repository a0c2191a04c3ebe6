/** 1-based line and column of offsets in one text, found by binary search over line starts. */
export class LineIndex {
  readonly #starts: number[] = [0]

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.#starts.push(i + 1)
  }

  /** The line and column of `offset`, both 1-based. */
  at(offset: number): { line: number; column: number } {
    let lo = 0
    let hi = this.#starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.#starts[mid]! <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - this.#starts[lo]! + 1 }
  }
}
