// Numbers that are part of a name rather than claims: "A380", "Catch-22", "Eighty Mile
// Beach", "Formula One".

// A number glued to the letters of a name or code is part of it, not a claim: "A380",
// "G7", "MP3", and after a capitalised word and a hyphen, "Catch-22", "COVID-19", "F-16".
// A fiscal year ("FY2024") is still a year, and "mid-2020" still a year.
export function inName(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1)
  if (isLetter(prev)) {
    let j = i - 1
    while (isLetter(text.charCodeAt(j - 1))) j--
    return !/^(?:FY|CY)$/i.test(text.slice(j, i))
  }
  if (prev !== 0x2d || !isLetter(text.charCodeAt(i - 2))) return false
  let j = i - 2
  while (isLetter(text.charCodeAt(j - 1))) j--
  return isUpper(text.charCodeAt(j))
}

// A capitalised number word inside a sentence is part of a name ("Eighty Mile Beach",
// "Formula One", "the Big Four"); at the start of a sentence it is one when a capitalised
// word follows it. Text in capitals throughout is read as numbers.
export function namesWord(text: string, start: number, end: number): boolean {
  if (!isUpper(text.charCodeAt(start)) || !isLower(text.charCodeAt(start + 1))) return false
  let j = start - 1
  while (j >= 0 && /[ \t"'“‘(*_#>]/.test(text[j]!)) j--
  const opens = j < 0 || /[.!?:\n]/.test(text[j]!) || (/[-•*]/.test(text[j]!) && (j === 0 || /\s/.test(text[j - 1]!)))
  if (!opens) return true
  const next = /^[ \t]+([A-Z])/.exec(text.slice(end, end + 3))
  return next !== null
}

function isLetter(code: number): boolean {
  return isUpper(code) || isLower(code)
}

function isLower(code: number): boolean {
  return code >= 0x61 && code <= 0x7a
}

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a
}
