import type { ScalarFunction } from './registry.js';

const likeCache = new Map<string, RegExp>();

/** SQL LIKE/ILIKE pattern (% and _, backslash escape) as an anchored RegExp; cached. */
export function likeToRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  const key = (caseInsensitive ? 'i' : 'c') + escape + pattern;
  let re = likeCache.get(key);
  if (re) return re;
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === escape && i + 1 < pattern.length) {
      src += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (ch === '%') src += '[\\s\\S]*';
    else if (ch === '_') src += '[\\s\\S]';
    else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  re = new RegExp(src + '$', caseInsensitive ? 'is' : 's');
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(key, re);
  return re;
}

/** Regular-expression functions and operators (the full set is being added). */
export const regexFunctions: ScalarFunction[] = [];
