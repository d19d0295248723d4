// The public booking API over fetch, as any city client would call it.
// The API origin is the origin the widget's script came from (or the
// element's `api` attribute), so a city page on another origin calls it
// through CORS.
export interface Office {
  id: string; name: string; address: { street: string; postal_code: string; city: string }; services: string[];
  release?: { time: string; days_ahead: number; window_seconds: number };
}
export interface Service { id: string; name: string; bring: string; duration_minutes: number }
export interface Slot { start: string; free: number }
export interface Day { date: string; office: string; slots: Slot[] }
export interface Hold { id: string; secret: string; version: number; office: string; services: string[]; start: string; end: string; expires_at: string; extensions_left: number }
export type HoldExtended = Omit<Hold, 'secret'>;
export interface Appointment { reference: string; manage_secret?: string; status: string; confirm_by?: string; office: string; services: string[]; start: string; end: string }
export interface Alternative { office: string; start: string }
// A fair release's pre-queue ticket (GET /v1/offices/{id}/release-queue/{ticket}).
export interface ReleaseTicket {
  ticket: string; office: string; day: string; release_at: string; draw_at: string; queue_length: number;
  state: 'waiting-for-draw' | 'queued' | 'admitted'; position?: number; admit_at?: string; pass?: string;
}

import type { Challenge } from './pow.js';

export class ApiError extends Error {
  constructor(public status: number, public type: string, public alternatives: Alternative[] = []) {
    super(`${status} ${type}`);
  }
}

export class Api {
  constructor(public base: string, public lang: string) {}

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const h: Record<string, string> = { 'Accept-Language': this.lang, ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    if (method === 'POST') h['Idempotency-Key'] = randomKey();
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network');
    }
    if (res.status === 204) return undefined as T;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const type = String(data.type || '').split('/').pop() || 'error';
      throw new ApiError(res.status, type, data.alternatives || []);
    }
    return data as T;
  }

  // The waitlist (POST /v1/waitlist): one wish per office, one secret.
  wish(services: string[], offices: string[], latest: string, contact: Record<string, unknown>) {
    return this.call<{ secret: string; wishes: { id: string; office: string; expires_at: string }[] }>(
      'POST', '/v1/waitlist', { services, offices, latest, contact });
  }
  offer(id: string, token: string) {
    return this.call<{ office: string; services: string[]; start: string; expires_at: string; open: boolean }>(
      'GET', `/v1/waitlist/offers/${encodeURIComponent(id)}`, undefined, { 'X-Offer-Token': token });
  }
  acceptOffer(id: string, token: string) {
    return this.call<Appointment>('POST', `/v1/waitlist/offers/${encodeURIComponent(id)}/accept`, undefined, { 'X-Offer-Token': token });
  }
  declineOffer(id: string, token: string) {
    return this.call<void>('POST', `/v1/waitlist/offers/${encodeURIComponent(id)}/decline`, undefined, { 'X-Offer-Token': token });
  }
  offices() { return this.call<{ offices: Office[] }>('GET', '/v1/offices').then((r) => r.offices); }
  services() { return this.call<{ services: Service[] }>('GET', '/v1/services').then((r) => r.services); }
  availability(services: string[], office: string | null, from: string, to: string) {
    const q = new URLSearchParams({ services: services.join(','), from, to });
    if (office) q.set('office', office);
    return this.call<{ days: Day[] }>('GET', `/v1/availability?${q}`).then((r) => r.days);
  }
  // Where the office asks for proof of work (428), the browser solves a
  // challenge and holds again; the solver is loaded only then.
  // On a day being released (429 release-queue) the caller joins the queue
  // and holds again with the ticket's pass.
  async hold(office: string, services: string[], start: string, pass = '') {
    const extra: Record<string, string> = pass ? { 'X-Release-Pass': pass } : {};
    try {
      return await this.call<Hold>('POST', '/v1/holds', { office, services, start }, extra);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 428) throw e;
      const challenge = await this.call<Challenge>('GET', '/v1/challenge');
      const { solve } = await import('./pow.js');
      const proof = await solve(challenge);
      return this.call<Hold>('POST', '/v1/holds', { office, services, start }, { ...extra, 'X-Proof-Of-Work': proof });
    }
  }
  joinRelease(office: string) {
    return this.call<ReleaseTicket>('POST', `/v1/offices/${encodeURIComponent(office)}/release-queue`);
  }
  releaseTicket(office: string, ticket: string) {
    return this.call<ReleaseTicket>('GET', `/v1/offices/${encodeURIComponent(office)}/release-queue/${encodeURIComponent(ticket)}`);
  }
  release(hold: Hold) {
    return this.call<void>('DELETE', `/v1/holds/${encodeURIComponent(hold.id)}`, undefined, { 'X-Hold-Secret': hold.secret });
  }
  // More time for a live hold (POST /v1/holds/{id}/extend); the answer has
  // no secret, the caller keeps its own.
  extend(hold: Hold) {
    return this.call<HoldExtended>('POST', `/v1/holds/${encodeURIComponent(hold.id)}/extend`, undefined, { 'X-Hold-Secret': hold.secret });
  }
  confirm(hold: Hold, contact: Record<string, unknown>) {
    return this.call<Appointment>('POST', '/v1/appointments', { hold_id: hold.id, hold_secret: hold.secret, hold_version: hold.version, contact });
  }
  appointment(ref: string, secret: string) {
    return this.call<Appointment>('GET', `/v1/appointments/${encodeURIComponent(ref)}`, undefined, { 'X-Manage-Secret': secret });
  }
  move(ref: string, secret: string, start: string) {
    return this.call<Appointment>('POST', `/v1/appointments/${encodeURIComponent(ref)}/move`, { start }, { 'X-Manage-Secret': secret });
  }
  // Double opt-in: a preconfirmed booking confirmed by the link's page.
  confirmOptIn(ref: string, secret: string) {
    return this.call<Appointment>('POST', `/v1/appointments/${encodeURIComponent(ref)}/confirm`, undefined, { 'X-Manage-Secret': secret });
  }
  cancel(ref: string, secret: string) {
    return this.call<Appointment>('POST', `/v1/appointments/${encodeURIComponent(ref)}/cancel`, undefined, { 'X-Manage-Secret': secret });
  }
  icsUrl(ref: string, secret: string) {
    return `${this.base}/v1/appointments/${encodeURIComponent(ref)}/ics?secret=${encodeURIComponent(secret)}`;
  }
}

function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
