// Forward-only schema migrations of the local database. Internal to storage: use Database.
#pragma once

#include <QSqlDatabase>
#include <QString>

namespace anyrouter::migrations {

int latestVersion();
// Reads the current version (0 when the schema_version table is absent), or -1 on error.
int currentVersion(const QSqlDatabase& db, QString* error = nullptr);
// Applies every migration above the current version, each in its own transaction.
bool migrate(QSqlDatabase& db, QString* error);

} // namespace anyrouter::migrations
