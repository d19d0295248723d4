// The screens' German/English switch: a button naming the other language in
// itself; the element sets <html lang> so screen readers follow.
import { html } from 'lit';

export function langButton(lang: 'de' | 'en', set: (l: 'de' | 'en') => void) {
  const other = lang === 'de' ? 'en' : 'de';
  return html`<button class="btn secondary" lang=${other} @click=${() => { document.documentElement.lang = other; set(other); }}>${other === 'en' ? 'English' : 'Deutsch'}</button>`;
}
