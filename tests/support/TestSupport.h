// Helpers shared by every test: hermetic environment set-up.
#pragma once

#include <QString>

namespace anyrouter::test {

// Puts QStandardPaths in test mode and points app data/config at a fresh temp dir, so no test
// reads or writes the user's files. Call from initTestCase().
void initHermeticEnvironment();

} // namespace anyrouter::test
