// WorkspaceOverviewPage: what the selected workspace's gateway says right now — connection and key
// state, gateway health per provider, catalog size, credit balance and rate-limit figures. It fetches
// nothing: it observes the workspace's session (the catalog for the models and the connection, the
// AccountStatus for credits and health), so the figures are the same ones every other page shows.
// Endpoints the gateway lacks or the key may not read are told in the shared state sentences.
#pragma once

#include "core/domain/Account.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QTableWidget;

namespace anyrouter {

class AccountStatus;
class AppContext;
class CatalogRepository;
class EndpointStateView;
class WorkspaceSession;

class WorkspaceOverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit WorkspaceOverviewPage(AppContext* context, QWidget* parent = nullptr);

    // For tests: the figures shown. -1 while no catalog is shown.
    qint64 modelCount() const { return m_modelCount; }
    std::optional<double> balance() const;
    QString connectionText() const;

signals:
    // The connection to the gateway was established or failed (not emitted while connecting).
    void connectionStateChanged(const QString& text, bool ok);
    // The user asked to fix the workspace's keys (offered after a 401/403).
    void workspaceSettingsRequested();

private:
    void bindSession(WorkspaceSession* session);
    void updateConnection();
    void updateModels();
    void updateCredits();
    void updateHealth();

    AppContext* m_context;
    QPointer<WorkspaceSession> m_session;
    QPointer<CatalogRepository> m_catalog;
    QPointer<AccountStatus> m_account;
    QLabel* m_title;
    QLabel* m_url;
    QLabel* m_keyState;
    QLabel* m_connection;
    QLabel* m_models;
    QLabel* m_credits;
    EndpointStateView* m_creditsState;
    QLabel* m_health;
    EndpointStateView* m_healthState;
    QTableWidget* m_providers;
    QTableWidget* m_cheapest;
    qint64 m_modelCount = -1;
    QString m_connectionShown; // what connectionStateChanged last said
};

} // namespace anyrouter
