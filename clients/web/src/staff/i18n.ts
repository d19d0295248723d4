import { de } from './i18n-de.js';
import { en } from './i18n-en.js';
export type { StaffMessages } from './i18n-de.js';
export const staffMessages = (l: 'de' | 'en') => (l === 'en' ? en : de);
