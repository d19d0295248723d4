// The screens' German/English switch: a button naming the other language in
// itself; the element sets <html lang> so screen readers follow.
import { html } from 'lit';

export function langButton(lang: 'de' | 'en', set: (l: 'de' | 'en') => void) {
  const other = lang === 'de' ? 'en' : 'de';
  return html`<button class="btn secondary" lang=${other} @click=${() => { document.documentElement.lang = other; set(other); }}>${other === 'en' ? 'English' : 'Deutsch'}</button>`;
}

// The page around a screen in the screen's language: <html lang> (screen
// readers and the browser's own texts follow it), the title, the header and
// the page heading, which the static page writes in German.
export function pageChrome(lang: 'de' | 'en', title: string) {
  document.documentElement.lang = lang;
  document.title = `${title} – Termin`;
  for (const el of document.querySelectorAll<HTMLElement>('header.site .wrap > span, h1.sr-only-h1')) el.textContent = title;
  const skip = document.querySelector<HTMLElement>('a.skip');
  if (skip) skip.textContent = lang === 'de' ? 'Zum Inhalt springen' : 'Skip to content';
}
