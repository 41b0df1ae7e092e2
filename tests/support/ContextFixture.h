// ContextFixture: the AppContext a UI or service test runs against — a fresh SQLite file in a
// temporary directory of the fixture's own, an in-memory secret store (unless the test brings
// one), opened. One per test class; every make() gives a new, empty database, so test functions
// never see each other's rows. Replaces the set-up each test file wrote by hand.
#pragma once

#include "core/AppContext.h"
#include "core/domain/Workspace.h"

#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace anyrouter::test {

class ContextFixture
{
public:
    // `prefix` names the database files ("<prefix><n>.sqlite"), for reading a failure's leftovers.
    explicit ContextFixture(QString prefix = QStringLiteral("context"));

    // A new, opened context; aborts the test run when the database cannot be opened (nothing
    // after it could mean anything). Empty fields of `options` are filled in: the database path,
    // and a MemorySecretStore for the secret store.
    std::unique_ptr<AppContext> make(AppContext::Options options = {});
    std::unique_ptr<AppContext> make(std::unique_ptr<SecretStore> secrets);
    // Where the next make() puts its database, for a test that prepares the file first.
    QString nextDatabasePath() const;
    QString filePath(const QString& name) const { return m_dir.filePath(name); }
    QString directory() const { return m_dir.path(); }
    int count() const { return m_counter; } // contexts made so far

private:
    QTemporaryDir m_dir;
    QString m_prefix;
    int m_counter = 0;
};

// The Demo workspace (the simulator's place in the app) on `baseUrl`.
Workspace demoWorkspace(const QUrl& baseUrl, const QString& name = QStringLiteral("Demo"));

} // namespace anyrouter::test
