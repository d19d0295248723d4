// Entry point of the waitlist offer page: <termin-offer>.
import './components/termin-offer.js';
