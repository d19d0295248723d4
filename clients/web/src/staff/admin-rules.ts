// The office's booking rules as the admin form edits them: which fields
// exist (office.rules in docs/data-format.md), their ranges and defaults,
// and the check of the typed text before the API sees it. The ranges are
// the API's (api/domain/catalog.cc ReadRules); the API checks again and its
// field errors ("rules.grid_minutes") land next to the same field.

export type RuleKind = 'int' | 'time' | 'list';
export interface RuleField { key: string; kind: RuleKind; min: number; max: number; def: number | string | number[] }
// What a check found wrong: the range, the grid, the opt-in, the order.
export type RuleProblem = { kind: 'range'; min: number; max: number } | { kind: 'grid' } | { kind: 'optIn' } | { kind: 'time' } | { kind: 'list' };

// Groups in the order an office manager reads them; each field once.
export const kRuleGroups: { id: string; fields: RuleField[] }[] = [
  { id: 'window', fields: [
    { key: 'grid_minutes', kind: 'int', min: 1, max: 60, def: 5 },
    { key: 'min_notice_minutes', kind: 'int', min: 0, max: 10080, def: 60 },
    { key: 'max_days_ahead', kind: 'int', min: 0, max: 366, def: 60 },
    { key: 'release_time', kind: 'time', min: 0, max: 1439, def: '' },
    { key: 'release_window_seconds', kind: 'int', min: 0, max: 600, def: 0 },
    { key: 'release_admit_per_second', kind: 'int', min: 1, max: 1000, def: 10 },
    { key: 'hold_ttl_minutes', kind: 'int', min: 1, max: 60, def: 10 },
  ] },
  { id: 'buffer', fields: [
    { key: 'same_day_buffer_percent', kind: 'int', min: 0, max: 100, def: 0 },
    { key: 'same_day_buffer_release', kind: 'time', min: 0, max: 1439, def: '00:00' },
    { key: 'hotline_share_percent', kind: 'int', min: 0, max: 100, def: 0 },
    { key: 'hotline_release_days_before', kind: 'int', min: 0, max: 366, def: 2 },
  ] },
  { id: 'release', fields: [
    { key: 'rerelease_delay_minutes', kind: 'int', min: 0, max: 1440, def: 0 },
    { key: 'waitlist_offer_minutes', kind: 'int', min: 5, max: 2880, def: 120 },
    { key: 'double_opt_in_minutes', kind: 'int', min: 0, max: 1440, def: 0 },
  ] },
  { id: 'onsite', fields: [
    { key: 'no_show_grace_minutes', kind: 'int', min: 0, max: 240, def: 10 },
    { key: 'walk_in_margin_minutes', kind: 'int', min: 0, max: 120, def: 0 },
  ] },
  { id: 'fair', fields: [
    { key: 'appointments_per_identity', kind: 'int', min: 0, max: 100, def: 0 },
    { key: 'wishes_per_identity', kind: 'int', min: 0, max: 20, def: 0 },
    { key: 'proof_of_work_above_holds_per_minute', kind: 'int', min: -1, max: 100000, def: -1 },
    { key: 'reminder_minutes_before', kind: 'list', min: 1, max: 10080, def: [1440, 120] },
  ] },
];
export const kRuleFields = kRuleGroups.flatMap((g) => g.fields);

// The API leaves out a rule at its default; the form shows every one.
export function rulesText(rules: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of kRuleFields) {
    const v = rules?.[f.key] ?? f.def;
    out[f.key] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

const kInt = /^-?\d{1,6}$/;
const kTime = /^([01]\d|2[0-3]):[0-5]\d$/;

// One field's text -> its JSON value, or what is wrong with it.
export function readRule(f: RuleField, text: string): { value?: unknown; problem?: RuleProblem } {
  const v = text.trim().replace(/\u2212/g, '-');
  // A time without a default (release_time) may stay empty: left out.
  if (f.kind === 'time' && !v && f.def === '') return {};
  if (f.kind === 'time') return kTime.test(v) ? { value: v } : { problem: { kind: 'time' } };
  if (f.kind === 'list') {
    if (!v) return { value: [] };
    const parts = v.split(/[,;\s]+/).filter(Boolean);
    const nums = parts.map(Number);
    const ok = parts.length <= 5 && parts.every((p) => kInt.test(p)) && nums.every((n, i) => n >= f.min && n <= f.max && (i === 0 || n < nums[i - 1]));
    return ok ? { value: nums } : { problem: { kind: 'list' } };
  }
  const n = Number(v);
  if (!kInt.test(v) || n < f.min || n > f.max) return { problem: { kind: 'range', min: f.min, max: f.max } };
  if (f.key === 'grid_minutes' && 1440 % n !== 0) return { problem: { kind: 'grid' } };
  if (f.key === 'double_opt_in_minutes' && n !== 0 && n < 5) return { problem: { kind: 'optIn' } };
  return { value: n };
}

// Every field: the rules object for the API and the problems by field key.
export function readRules(text: Record<string, string>): { rules: Record<string, unknown>; problems: Record<string, RuleProblem> } {
  const rules: Record<string, unknown> = {}, problems: Record<string, RuleProblem> = {};
  for (const f of kRuleFields) {
    const r = readRule(f, text[f.key] ?? '');
    if (r.problem) problems[f.key] = r.problem; else if (r.value !== undefined) rules[f.key] = r.value;
  }
  return { rules, problems };
}
