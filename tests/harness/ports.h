// Free loopback ports for servers started by tests.
//
// Thread safety: free functions, safe from any thread.
#ifndef TERMIN_TESTS_HARNESS_PORTS_H_
#define TERMIN_TESTS_HARNESS_PORTS_H_

namespace termin::testing {

// Binds 127.0.0.1:0, reads the port the kernel chose and releases it. Another
// process may take it before the caller binds: callers retry with a new port
// when their server fails to start. Returns 0 if no socket could be bound.
int FreeLoopbackPort();

}  // namespace termin::testing

#endif  // TERMIN_TESTS_HARNESS_PORTS_H_
