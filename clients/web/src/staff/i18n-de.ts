// Texts of the staff screens, German (the default).
export const de = {
  keyLabel: 'Schlüssel (API-Key)', officeLabel: 'Amt', deskLabel: 'Schalter (Kennung, z. B. schalter-1)', signIn: 'Anmelden', signOut: 'Abmelden',
  setupHint: 'Einmal einrichten. Der Schlüssel bleibt nur in diesem Browser.', badKey: 'Der Schlüssel passt nicht. Bitte prüfen.', network: 'Keine Verbindung zum Server. Bitte später noch einmal versuchen.',
  // kiosk
  kioskTitle: 'Willkommen', kioskCheckin: 'Ich habe einen Termin', refLabel: 'Buchungsnummer eingeben oder QR-Code scannen', refHint: 'z. B. K7QM-4XPR', checkin: 'Einchecken',
  kioskWalkin: 'Ich habe keinen Termin', walkinHint: 'Wählen Sie Ihr Anliegen. Sie bekommen eine Wartenummer.',
  yourNumber: 'Ihre Wartenummer', waitAbout: (m: number) => m <= 0 ? 'Sie sind gleich an der Reihe.' : `Wartezeit etwa ${m} Minuten`,
  checkedIn: (t: string) => `Sie sind eingecheckt. Ihr Termin: ${t} Uhr.`, watchDisplay: 'Bitte achten Sie auf die Anzeige im Wartebereich.',
  print: 'Nummer drucken', done: 'Fertig', back: 'Zurück zum Start', noTicket: 'Heute keine Wartenummer mehr', nextAppt: (d: string) => `Nächster freier Termin: ${d}. Buchen Sie online oder an der Information.`,
  notFound: 'Diese Buchungsnummer kennen wir hier nicht. Bitte prüfen Sie die Eingabe oder fragen Sie an der Information.', notToday: 'Ihr Termin ist nicht heute. Bitte prüfen Sie das Datum in Ihrer Bestätigung.',
  refEmpty: 'Bitte geben Sie Ihre Buchungsnummer ein.', autoBack: 'Zurück zum Start in wenigen Sekunden ohne Eingabe.',
  // desk
  close: 'Schließen', deskTitle: 'Schalter-Konsole', open: 'Schalter öffnen', closed: 'Der Schalter ist geschlossen.', current: 'Am Schalter', nobody: 'Niemand am Schalter.',
  callNext: 'Nächste Person aufrufen', recall: 'Erneut aufrufen', start: 'Bearbeitung beginnen', finish: 'Fertig', noShow: 'Nicht erschienen', requeue: 'Zurück in die Warteschlange', transfer: 'Weitergeben an', transferTo: 'Ziel-Schalter', deskOpen: 'geöffnet', deskClosed: 'geschlossen',
  queue: 'Warteschlange', ticket: 'Nummer', kind: 'Art', services: 'Anliegen', due: 'Fällig', wait: 'Wartezeit', forThisDesk: 'Für diesen Schalter',
  appointment: 'Termin', walkIn: 'Ohne Termin', yes: 'ja', no: 'nein', minutes: (m: number | null) => m == null ? 'heute nicht' : `${m} Min.`,
  expected: (n: number) => `Heute noch erwartet: ${n} Termin(e), nicht eingecheckt.`, queueEmpty: 'Niemand wartet, den dieser Schalter bedienen kann.',
  state: { waiting: 'wartet', called: 'aufgerufen', serving: 'in Bearbeitung', done: 'fertig', no_show: 'nicht erschienen' } as Record<string, string>,
  called: (t: string) => `${t} aufgerufen.`, stepDone: 'Erledigt.', reference: 'Buchungsnummer', calls: 'Aufrufe', shortcuts: 'Tastenkürzel',
  ahead: 'Anstehende Termine heute', timeCol: 'Uhrzeit', noneAhead: 'Heute keine Termine mehr.', checkedInCol: 'Eingecheckt', arrivedAs: (t: string) => `ja, Nummer ${t}`, notArrived: 'noch nicht', noNotes: 'keine', thisDeskYes: 'für diesen Schalter', thisDeskNo: 'nicht für diesen Schalter',
  // display
  displayTitle: 'Aufruf', displayDesk: 'Schalter', lastCalls: 'Zuletzt aufgerufen', noCalls: 'Noch kein Aufruf heute.', gongOn: 'an', gongOff: 'aus',
  announce: (t: string, d: string) => `Nummer ${t}, bitte zu ${d}.`, numberLabel: 'Nummer', goTo: 'bitte zu',
  // hotline
  hotlineTitle: 'Hotline-Konsole', findTitle: 'Freie Termine finden', service: 'Anliegen', anyOffice: 'Alle Ämter', find: 'Suchen', freeStarts: 'Nächste freie Termine', noneFree: 'Keine freien Termine gefunden.',
  bookTitle: 'Für die anrufende Person buchen', name: 'Vor- und Nachname', phone: 'Telefonnummer', email: 'E-Mail-Adresse (freiwillig)', language: 'Sprache der Nachrichten', book: 'Termin buchen',
  booked: 'Gebucht. Buchungsnummer zum Vorlesen:', spelled: 'Buchstabiert', searchTitle: 'Termin suchen', by: 'Suchen nach', byRef: 'Buchungsnummer', byPhone: 'Telefonnummer', byName: 'Name', term: 'Suchbegriff', results: 'Treffer', noResults: 'Keine Termine gefunden.',
  show: 'Öffnen', status: 'Status', when: 'Wann', where: 'Wo', contact: 'Kontakt', notes: 'Notizen', addNote: 'Notiz speichern', note: 'Neue Notiz', move: 'Verschieben', moveTo: 'Neue Zeit wählen', cancel: 'Absagen', cancelYes: 'Ja, Termin absagen', cancelled: 'Der Termin ist abgesagt.', moved: 'Der Termin ist verschoben.', taken: 'Diese Zeit ist inzwischen vergeben. Bitte eine andere wählen.', required: 'Bitte Name und Telefonnummer angeben.',
  statuses: { confirmed: 'bestätigt', checked_in: 'eingecheckt', done: 'erledigt', cancelled: 'abgesagt', no_show: 'nicht erschienen', held: 'reserviert' } as Record<string, string>,
  // admin
  adminTitle: 'Amt verwalten', load: 'Laden', closures: 'Schließtage', date: 'Datum', reason: 'Grund', addClosure: 'Schließtag hinzufügen', remove: 'Entfernen', desks: 'Schalter', hoursHint: 'Zeiten wie 08:00-12:00, 13:00-16:00. Öffnungszeiten leer: an dem Tag geschlossen. Pausen leer: keine Pause.',
  week: 'Öffnungszeiten und Pausen', day: 'Tag', hours: 'Öffnungszeiten', breaks: 'Pausen', copyTimes: 'Diese Zeiten für alle Schalter übernehmen', timesCopied: (n: string) => `Zeiten von ${n} für alle Schalter übernommen (noch nicht gespeichert).`,
  exceptions: 'Ausnahmen an einzelnen Tagen', noExceptions: 'Keine Ausnahmen.', exceptionDate: 'Datum der Ausnahme', exceptionHours: 'Zeiten an diesem Tag (leer: geschlossen)', addException: 'Ausnahme hinzufügen', closedDay: 'geschlossen',
  addDesk: 'Schalter hinzufügen', newDeskId: 'Kennung des neuen Schalters (z. B. schalter-8)', newDeskName: 'Name des neuen Schalters', deskName: 'Name des Schalters', addDeskHint: 'Ein neuer Schalter übernimmt die Zeiten des ersten Schalters und alle Anliegen des Amts; bitte anpassen und speichern.',
  removeDesk: 'Schalter entfernen', deskAdded: (n: string) => `${n} hinzugefügt (noch nicht gespeichert).`, deskRemoved: (n: string) => `${n} entfernt (noch nicht gespeichert).`, newDesk: 'neu', neverOpen: 'nie geöffnet', servicesN: (n: number) => `${n} Anliegen`, exceptionsN: (n: number) => `${n} Ausnahme(n)`,
  badDeskId: 'Kennung bitte nur aus Kleinbuchstaben, Ziffern und Bindestrich, z. B. schalter-8.', deskExists: (id: string) => `Einen Schalter ${id} gibt es schon.`,
  discard: 'Änderungen verwerfen', discarded: 'Änderungen verworfen; der gespeicherte Stand ist geladen.', notSaved: 'Nicht gespeichert. Ihre Änderungen stehen noch im Formular.',
  save: 'Änderungen speichern', saved: 'Gespeichert.', affected: 'Diese Änderung betrifft gebuchte Termine:', affectedAsk: 'Wenn Sie trotzdem speichern, werden diese Termine abgesagt und die Personen benachrichtigt.', saveCancel: 'Speichern und diese Termine absagen', keep: 'Nicht speichern', cancelledN: (n: number) => `${n} Termin(e) abgesagt.`, badHours: 'Zeiten bitte als HH:MM-HH:MM angeben.',
  days: { mon: 'Montag', tue: 'Dienstag', wed: 'Mittwoch', thu: 'Donnerstag', fri: 'Freitag', sat: 'Samstag', sun: 'Sonntag' } as Record<string, string>,
};
export type StaffMessages = typeof de;
