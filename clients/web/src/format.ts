// Dates and times as citizens read them, always in the office's zone.
const kZone = 'Europe/Berlin';

// "2026-12-10" -> "Donnerstag, 10. Dezember 2026"
export function longDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(date + 'T12:00:00Z'));
}
export function shortDay(date: string, locale: string): { weekday: string; day: string } {
  const d = new Date(date + 'T12:00:00Z');
  return {
    weekday: new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(d),
    day: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d),
  };
}
export function time(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: kZone }).format(new Date(iso));
}
// With seconds: "08:00:30" (the release queue's draw).
export function timeSeconds(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: kZone }).format(new Date(iso));
}
export function dateOf(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: kZone }).format(new Date(iso));
}
export function today(): string {
  return dateOf(new Date().toISOString());
}
export function addDays(date: string, n: number): string {
  const d = new Date(date + 'T12:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
// "3:05" for the countdown, "2 Minuten" for announcements.
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
