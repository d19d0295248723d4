// The plain API keys of tests/fixtures/keys.json (which holds only their
// SHA-256). Test-only secrets: they open nothing outside a test server.
#ifndef TERMIN_TESTS_HARNESS_TEST_KEYS_H_
#define TERMIN_TESTS_HARNESS_TEST_KEYS_H_

namespace termin::testing {

inline constexpr char kAdminKey[] = "termin-test-admin-5b1e9c";
inline constexpr char kHotlineAllKey[] = "termin-test-hotline-all-0d7a44";
inline constexpr char kHotlineMitteKey[] = "termin-test-hotline-mitte-93c2f1";  // test-mitte only
inline constexpr char kKioskMitteKey[] = "termin-test-kiosk-mitte-4e8b20";
inline constexpr char kKioskNordKey[] = "termin-test-kiosk-nord-a61f3d";
inline constexpr char kDeskMitteKey[] = "termin-test-desk-mitte-7c21d9";     // any desk of test-mitte
inline constexpr char kDeskMitteAKey[] = "termin-test-desk-mitte-a-2f90b4";  // desk a only
inline constexpr char kDeskNordKey[] = "termin-test-desk-nord-e03a5c";

// The offices the keys name (data/test-city.json).
inline constexpr char kOfficeMitte[] = "test-mitte";
inline constexpr char kOfficeNord[] = "test-nord";

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_TEST_KEYS_H_
