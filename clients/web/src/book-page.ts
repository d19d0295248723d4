// Entry point of the full-page flow (/book): the widget, with presets from
// the query (?lang=en&office=…&service=…), the target of the widget's
// no-JavaScript fallback link.
import './components/termin-booking.js';

const q = new URLSearchParams(location.search);
const el = document.createElement('termin-booking');
for (const name of ['lang', 'office', 'service']) {
  const v = q.get(name);
  if (v && /^[a-z0-9,-]{1,200}$/.test(v)) el.setAttribute(name, v);
}
if (q.get('lang') === 'en') document.documentElement.lang = 'en';
document.getElementById('booking')!.replaceChildren(el);
