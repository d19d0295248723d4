// Entry point of the embeddable widget: <termin-booking>.
import './components/termin-booking.js';
