// Signs of numeric claims: when a hyphen is a minus sign, and which words say that a
// number is a decrease.
import { alternation } from './regex.js'

// Words of decrease before or after a number; they only ever let a claim agree with a
// negative value, so a word missing here costs a false failure, never a false pass.
const DECREASE_WORDS = alternation([
  'fell', 'fall', 'falls', 'falling', 'down', 'drop', 'drops', 'dropped', 'dropping', 'decline', 'declines', 'declined', 'declining',
  'decrease', 'decreases', 'decreased', 'decreasing', 'lost', 'lose', 'loses', 'losing', 'loss', 'losses', 'shrank', 'shrunk', 'shrink',
  'shrinks', 'shrinking', 'slid', 'slide', 'slides', 'sliding', 'slip', 'slips', 'slipped', 'slipping', 'plunge', 'plunged', 'plunges',
  'plunging', 'tumble', 'tumbled', 'tumbles', 'tumbling', 'sank', 'sink', 'sinks', 'sinking', 'minus', 'negative', 'lower', 'reduced',
  'reduction', 'cut', 'cuts', 'contraction', 'contracted', 'lowered', 'lowering', 'lowers', 'reduce', 'reduces', 'reducing', 'cutting',
  'trimmed', 'trimming', 'eased', 'easing',
])
const CONNECTORS = String.raw`(?:\s+(?:by|of|some|about|around|roughly|nearly|almost|approximately|just|an?|over|under|more\s+than|less\s+than))*`
// "fell 8%", "down by about 8%", and with what fell between the verb and "by": "cut
// weight by 2.5 kg", "lowered HbA1c by 0.4 points".
const DECREASE_BEFORE = new RegExp(`\\b${DECREASE_WORDS}(?:(?:\\s+[A-Za-z][\\w-]*){1,3}?\\s+by)?${CONNECTORS}\\s+$`, 'i')
const DECREASE_AFTER = /\s*(?:drop|decline|decrease|fall|loss|lower|less|fewer|smaller|reduction|cut|contraction|down)\b/iy
// A figure compared with a decrease ("cut days by 4 versus 2.2 on placebo") is a decrease
// too: the comparison keeps the verb of the clause.
const COMPARED = /\b(?:versus|vs\.?|compared\s+(?:with|to)|against)(?:\s+(?:about|around|roughly|nearly|almost|just))?\s+$/i
const DECREASE_BY = new RegExp(`\\b${DECREASE_WORDS}(?:\\s+[A-Za-z][\\w-]*){0,3}\\s+by\\b`, 'i')

/** Whether a word of decrease stands just before `[start, end)` of `text` or right after it. */
export function besideDecrease(text: string, start: number, end: number): boolean {
  DECREASE_AFTER.lastIndex = end
  const before = text.slice(Math.max(0, start - 160), start)
  if (DECREASE_BEFORE.test(before.slice(-80)) || DECREASE_AFTER.test(text)) return true
  if (!COMPARED.test(before.slice(-40))) return false
  const clause = /[^.;!?\n]*$/.exec(before)![0]
  return DECREASE_BY.test(clause)
}

/**
 * Whether the character at `i` joins a following hyphen to a word: a hyphen right after
 * a letter or digit ("5-8%", "COVID-19") or another hyphen is no minus sign; elsewhere
 * ("-8%", "(−8%)", "fell -8") it is.
 */
export function joinsSign(text: string, i: number): boolean {
  const code = text.charCodeAt(i)
  if (Number.isNaN(code)) return false
  if (code === 0x2d || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true
  return code > 0x7f && /[\p{L}\p{N}\p{M}]/u.test(String.fromCodePoint(text.codePointAt(i >= 1 && code >= 0xdc00 && code <= 0xdfff ? i - 1 : i)!))
}
