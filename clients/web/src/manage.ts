// Entry point of the manage page: <termin-manage>.
import './components/termin-manage.js';
