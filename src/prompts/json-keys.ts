// JSON.parse keeps the last of two equal keys without a word, so a labels.json holding
// "production" twice (a hand edit, a merge resolved by pasting both sides) would move the
// label silently. This walks text that JSON.parse has already accepted and finds the keys
// an object holds twice, in Unicode NFC, since the registry compares names in NFC.

/** The first key that an object of valid JSON `text` holds twice (NFC-equal), with its object's key path. */
export function duplicateKey(text: string): { key: string; path: string[] } | undefined {
  const stack: { keys: Set<string> | undefined; expectKey: boolean; name: string }[] = []
  let lastKey = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{' || c === '[') {
      stack.push({ keys: c === '{' ? new Set() : undefined, expectKey: c === '{', name: lastKey })
    } else if (c === '}' || c === ']') {
      stack.pop()
    } else if (c === ',') {
      const top = stack.at(-1)
      if (top?.keys) top.expectKey = true
    } else if (c === ':') {
      stack.at(-1)!.expectKey = false
    } else if (c === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const top = stack.at(-1)
      if (top?.keys && top.expectKey) {
        const key = (JSON.parse(text.slice(i, end + 1)) as string).normalize('NFC')
        if (top.keys.has(key)) return { key, path: stack.slice(1).map((s) => s.name) }
        top.keys.add(key)
        lastKey = key
      }
      i = end
    }
  }
  return undefined
}
