// WorkspaceStore: the saved workspaces (name, base URL, defaults). Never their keys: those live in
// the SecretStore under secretKeyFor(id, kind). Ephemeral workspaces (env, demo) are refused.
#pragma once

#include "core/domain/Workspace.h"

#include <QList>
#include <QStringList>

#include <optional>

namespace anyrouter {

class Database;

class WorkspaceStore
{
public:
    explicit WorkspaceStore(Database& db);

    QList<Workspace> list() const; // in the user's order (sort_order), then oldest first
    // Insert or update by id; a new workspace goes to the end of the list. Returns false for
    // Workspace::isEphemeral(), an empty id, or a database error.
    bool save(const Workspace& w);
    // Removes the workspace row and its cached catalog/balance data. Conversations and usage ledger
    // rows are kept (they are the user's history), so the caller decides whether to delete them.
    bool remove(const QString& id);
    std::optional<Workspace> find(const QString& id) const;
    // Persists a new order; ids not listed keep their relative order after the listed ones.
    bool setOrder(const QStringList& ids);

private:
    Database& m_db;
};

} // namespace anyrouter
