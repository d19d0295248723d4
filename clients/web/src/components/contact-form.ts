// contact-form: name, e-mail and/or mobile number, reminders, consent to the
// privacy notice. A real <form>; on submit it checks the fields, and on
// errors shows GOV.UK's error summary at the top (focused, links to each
// field) with each message tied to its field by aria-describedby.
// Fires `contact-submit` with detail {contact}.
import { LitElement, html } from 'lit';
import { base } from '../styles.js';
import type { Messages } from '../i18n/index.js';

type Field = 'name' | 'email' | 'phone' | 'consent';

export class ContactForm extends LitElement {
  static properties = {
    m: { attribute: false },
    lang: {},
    busy: { type: Boolean },
    submitLabel: { attribute: false },
    wish: { type: Boolean },
    errors: { state: true },
  };
  declare submitLabel: string;
  declare wish: boolean;  // a waitlist wish: no reminders to consent to
  declare m: Messages;
  declare lang: string;
  declare busy: boolean;
  declare errors: Partial<Record<Field, string>>;

  static styles = [base];
  constructor() { super(); this.errors = {}; }

  private submit(e: Event) {
    e.preventDefault();
    const f = e.target as HTMLFormElement;
    const val = (n: string) => (f.elements.namedItem(n) as HTMLInputElement);
    const name = val('name').value.trim(), email = val('email').value.trim(), phone = val('phone').value.trim();
    const errors: Partial<Record<Field, string>> = {};
    if (!name) errors.name = this.m.nameError;
    if (!email && !phone) errors.email = this.m.contactError;
    else if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errors.email = this.m.emailError;
    if (phone && !/^\+?[0-9 ()/-]{3,30}$/.test(phone)) errors.phone = this.m.phoneError;
    if (!val('consent').checked) errors.consent = this.m.consentError;
    this.errors = errors;
    if (Object.keys(errors).length) {
      this.updateComplete.then(() => (this.renderRoot.querySelector('.error-summary') as HTMLElement)?.focus());
      return;
    }
    const contact: Record<string, unknown> = { name, language: this.lang, reminders: !this.wish && val('reminders').checked };
    if (email) contact.email = email;
    if (phone) contact.phone = phone;
    this.dispatchEvent(new CustomEvent('contact-submit', { detail: { contact }, bubbles: true, composed: true }));
  }

  private focusField(e: Event, id: string) {
    e.preventDefault();
    (this.renderRoot.querySelector('#' + id) as HTMLElement)?.focus();
  }

  private field(id: Field, label: string, type: string, autocomplete: string, hint?: string) {
    const err = this.errors[id];
    const described = [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`<div class="field ${err ? 'error' : ''}">
      <label for=${id}>${label}</label>
      ${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
      ${err ? html`<p class="error-message" id="${id}-error"><span class="sr-only">${this.lang === 'en' ? 'Error:' : 'Fehler:'}</span> ${err}</p>` : ''}
      <input id=${id} name=${id} type=${type} autocomplete=${autocomplete} spellcheck="false"
        aria-invalid=${err ? 'true' : 'false'} aria-describedby=${described || undefined as unknown as string}>
    </div>`;
  }

  render() {
    const m = this.m;
    const list = Object.entries(this.errors) as [Field, string][];
    return html`<div class="root plain"><form @submit=${this.submit} novalidate>
      ${list.length ? html`<div class="error-summary" tabindex="-1" role="alert" aria-labelledby="es-title">
        <h3 id="es-title">${m.errorSummary}</h3>
        <ul>${list.map(([k, v]) => html`<li><a href="#${k}" @click=${(e: Event) => this.focusField(e, k)}>${v}</a></li>`)}</ul>
      </div>` : ''}
      ${this.field('name', m.nameLabel, 'text', 'name')}
      ${this.field('email', m.emailLabel, 'email', 'email', m.contactHint)}
      ${this.field('phone', m.phoneLabel, 'tel', 'tel')}
      ${this.wish ? '' : html`<div class="choice"><input type="checkbox" id="reminders" name="reminders" checked><label for="reminders">${m.remindersLabel}</label></div>`}
      <div class="field ${this.errors.consent ? 'error' : ''}">
        <p class="hint" id="consent-hint">${m.privacyText}</p>
        ${this.errors.consent ? html`<p class="error-message" id="consent-error"><span class="sr-only">${this.lang === 'en' ? 'Error:' : 'Fehler:'}</span> ${this.errors.consent}</p>` : ''}
        <div class="choice"><input type="checkbox" id="consent" name="consent" aria-invalid=${this.errors.consent ? 'true' : 'false'}
          aria-describedby="consent-hint${this.errors.consent ? ' consent-error' : ''}"><label for="consent">${m.consentLabel}</label></div>
      </div>
      <button class="btn" type="submit" ?disabled=${this.busy}>${this.submitLabel || m.confirm}</button>
    </form></div>`;
  }
}
customElements.define('contact-form', ContactForm);
