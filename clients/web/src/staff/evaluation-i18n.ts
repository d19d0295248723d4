// Texts of the evaluation page (<termin-evaluation>), German first. Kept apart
// from the other staff screens' catalogue: one page, one catalogue.
export const evalDe = {
  title: 'Auswertung', keyLabel: 'Schlüssel (API-Key) der Amtsleitung', signIn: 'Anmelden', signOut: 'Abmelden',
  setupHint: 'Die Auswertung zeigt anonyme Zahlen: keine Namen, keine Buchungsnummern. Der Schlüssel bleibt nur in diesem Browser.',
  badKey: 'Der Schlüssel passt nicht oder darf keine Auswertung lesen.', network: 'Keine Verbindung zum Server. Bitte später noch einmal versuchen.',
  office: 'Amt', view: 'Zeitraum', month: 'Monat', year: 'Jahr', monthLabel: 'Monat (JJJJ-MM)', yearLabel: 'Jahr (JJJJ)', show: 'Anzeigen', print: 'Drucken',
  loading: 'Die Zahlen werden geladen …', noData: 'Für diesen Zeitraum gibt es noch keine Zahlen.',
  reportTitle: (office: string, period: string) => `Terminvergabe ${office}: ${period}`,
  reportIntro: 'Anonyme Kennzahlen aus der Terminvergabe. Sie werden bei jeder Buchung, Absage und jedem Aufruf mitgezählt und bleiben erhalten, wenn Kontaktdaten gelöscht werden.',
  csv: (what: string) => `${what} als CSV (Excel)`,
  period: 'Zeitraum', day: 'Tag', total: 'Summe',
  // capacity
  capacity: 'Schalterzeit: geplant, angeboten, gebucht, bedient', capacityDesc: 'Minuten je Zeitraum, alle Schalter zusammen.',
  planned: 'Geplant (Min.)', offered: 'Vorab buchbar (Min.)', booked: 'Gebucht (Min.)', served: 'Bedient (Min.)', idle: 'Leerlauf (Min.)', bookedShare: 'Auslastung gebucht', servedShare: 'Auslastung bedient', desk: 'Schalter',
  // bookings
  bookings: 'Buchungen nach Weg', bookingsDesc: 'Gebuchte Termine je Zeitraum nach Buchungsweg.',
  web: 'Online', hotline: 'Telefon', kiosk: 'Vor Ort ohne Termin', channel: 'Weg', service: 'Anliegen',
  count: 'Buchungen', moves: 'Verschoben', due: 'Fällige Termine', cancellations: 'Absagen', cx2h: 'Abgesagt < 2 Std.', cx24h: '< 24 Std.', cx72h: '< 72 Std.', cxEarlier: 'früher',
  // lead time
  lead: 'Vorlaufzeit bis zum Termin', leadDesc: 'Tage zwischen Buchung und Termin (Median und 90 % der Buchungen).',
  median: 'Median', p90: '90 %', mean: 'Mittel', max: 'Höchstens', sameDay: 'Am selben Tag', days: 'Tage',
  nextFree: 'Nächster freier Termin (stündlich gemessen)', nextFreeDesc: 'Tage bis zum nächsten freien Termin je Anliegen, einmal pro Stunde nachgesehen.',
  samples: 'Messungen', noneFree: 'Nichts frei',
  // queue
  queue: 'Wartezeit im Amt', queueDesc: 'Minuten vom Termin (bzw. Ziehen der Nummer) bis zum Aufruf.',
  kind: 'Art', kindBooked: 'Mit Termin', kindWalkIn: 'Ohne Termin', visitors: 'Personen', refused: 'Abgewiesen', called: 'Aufgerufen', minutes: 'Minuten',
  // no-shows
  noShows: 'Nicht erschienen nach Wochentag', noShowsDesc: 'Anteil der fälligen Termine, zu denen niemand kam.',
  weekday: 'Wochentag', noShowCount: 'Nicht erschienen', rate: 'Quote', weekdays: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'],
  // durations
  durations: 'Bearbeitungsdauer: gemessen und geplant', durationsDesc: 'Minuten je Vorsprache (Median); ein Vorschlag, wo die Messung deutlich abweicht.',
  measured: 'Gemessen (Median)', measuredP90: 'Gemessen (90 %)', configured: 'Geplant', suggestion: 'Vorschlag', servedCount: 'Bedient',
  // demand, reminders
  demand: 'Nicht erfüllte Nachfrage', searchesEmpty: 'Suchen ohne freien Termin', walkinsRefused: 'Ohne Termin abgewiesen', conflicts: 'Termin inzwischen vergeben (409)',
  reminders: 'Erinnerungen', sent: 'Gesendet', bounced: 'Unzustellbar', dead: 'Endgültig gescheitert',
  // double opt-in (bookings), waitlist
  optIns: 'Mit Bestätigungslink', optInsConfirmed: 'Davon bestätigt', notConfirmed: 'Nicht bestätigt (verfallen)',
  waitlist: 'Warteliste: Wünsche und wie sie endeten', waitlistDesc: 'Je Zeitraum, in dem der Wunsch eingetragen wurde: Angebote und was daraus wurde.',
  wishes: 'Wünsche', wlOffers: 'Angebote', wlAccepted: 'Angenommen (gebucht)', wlDeclined: 'Abgelehnt', wlWithdrawn: 'Zurückgezogen', wlLapsed: 'Angebot verfallen', wlExpired: 'Ohne Angebot abgelaufen',
};
export type EvalMessages = typeof evalDe;

export const evalEn: EvalMessages = {
  title: 'Evaluation', keyLabel: "Office manager's key (API key)", signIn: 'Sign in', signOut: 'Sign out',
  setupHint: 'The evaluation shows anonymous figures: no names, no booking references. The key stays in this browser only.',
  badKey: 'The key does not match or may not read the evaluation.', network: 'No connection to the server. Please try again later.',
  office: 'Office', view: 'Period', month: 'Month', year: 'Year', monthLabel: 'Month (YYYY-MM)', yearLabel: 'Year (YYYY)', show: 'Show', print: 'Print',
  loading: 'Loading the figures …', noData: 'There are no figures for this period yet.',
  reportTitle: (office: string, period: string) => `Appointments at ${office}: ${period}`,
  reportIntro: 'Anonymous figures from the appointment service. They are counted with every booking, cancellation and call, and are kept when contact data is erased.',
  csv: (what: string) => `${what} as CSV (Excel)`,
  period: 'Period', day: 'Day', total: 'Total',
  capacity: 'Desk time: planned, offered, booked, served', capacityDesc: 'Minutes per period, all desks together.',
  planned: 'Planned (min)', offered: 'Offered ahead (min)', booked: 'Booked (min)', served: 'Served (min)', idle: 'Idle (min)', bookedShare: 'Booked share', servedShare: 'Served share', desk: 'Desk',
  bookings: 'Bookings by channel', bookingsDesc: 'Appointments booked per period by channel.',
  web: 'Online', hotline: 'Phone', kiosk: 'Walk-in at the office', channel: 'Channel', service: 'Service',
  count: 'Bookings', moves: 'Moved', due: 'Visits due', cancellations: 'Cancellations', cx2h: 'Cancelled < 2 h', cx24h: '< 24 h', cx72h: '< 72 h', cxEarlier: 'earlier',
  lead: 'Lead time until the visit', leadDesc: 'Days between booking and visit (median and 90 % of bookings).',
  median: 'Median', p90: '90 %', mean: 'Mean', max: 'At most', sameDay: 'Same day', days: 'days',
  nextFree: 'Next free slot (sampled hourly)', nextFreeDesc: 'Days until the next free slot per service, looked up once an hour.',
  samples: 'Samples', noneFree: 'Nothing free',
  queue: 'Waiting at the office', queueDesc: 'Minutes from the appointment (or taking the ticket) to the call.',
  kind: 'Kind', kindBooked: 'With appointment', kindWalkIn: 'Without appointment', visitors: 'People', refused: 'Turned away', called: 'Called', minutes: 'minutes',
  noShows: 'No-shows by weekday', noShowsDesc: 'Share of visits due at which nobody came.',
  weekday: 'Weekday', noShowCount: 'No-shows', rate: 'Rate', weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  durations: 'Service time: measured and planned', durationsDesc: 'Minutes per visit (median); a suggestion where the measurement differs clearly.',
  measured: 'Measured (median)', measuredP90: 'Measured (90 %)', configured: 'Planned', suggestion: 'Suggestion', servedCount: 'Served',
  demand: 'Unmet demand', searchesEmpty: 'Searches without a free slot', walkinsRefused: 'Walk-ins turned away', conflicts: 'Slot taken meanwhile (409)',
  reminders: 'Reminders', sent: 'Sent', bounced: 'Undeliverable', dead: 'Failed for good',
  optIns: 'With confirmation link', optInsConfirmed: 'Of them confirmed', notConfirmed: 'Not confirmed (lapsed)',
  waitlist: 'Waitlist: wishes and how they ended', waitlistDesc: 'Per period in which the wish was made: offers and what came of them.',
  wishes: 'Wishes', wlOffers: 'Offers', wlAccepted: 'Accepted (booked)', wlDeclined: 'Declined', wlWithdrawn: 'Withdrawn', wlLapsed: 'Offer lapsed', wlExpired: 'Expired without offer',
};

export const evalMessages = (l: 'de' | 'en') => (l === 'en' ? evalEn : evalDe);
