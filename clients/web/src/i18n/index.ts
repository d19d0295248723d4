// Picks the catalogue: the element's lang attribute, else the browser's
// language, else German.
import { de, type Messages } from './de.js';
import { en } from './en.js';

export type { Messages };
export type Lang = 'de' | 'en';

export function pickLang(attr: string | null | undefined): Lang {
  const wanted = (attr || (typeof navigator !== 'undefined' ? navigator.language : '') || 'de')
    .toLowerCase();
  return wanted.startsWith('en') ? 'en' : 'de';
}

export function messages(lang: Lang): Messages {
  return lang === 'en' ? en : de;
}
