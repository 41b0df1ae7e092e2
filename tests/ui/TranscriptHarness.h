// TranscriptHarness: the transcript stack the UI tests drive — a real SQLite database, store,
// ledger, ApiClient, ChatSession and a shown TranscriptView — built for one test function and torn
// down in reverse order. Test classes inherit it (after QObject) and keep their own temp dir.
#pragma once

#include "core/api/ApiClient.h"
#include "core/chat/ChatSession.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"
#include "core/storage/UsageLedger.h"
#include "ui/chat/TranscriptView.h"

#include <QNetworkAccessManager>
#include <QSize>
#include <QTest>

#include <memory>

namespace anyrouter::test {

class TranscriptHarness
{
protected:
    // Opens a database at dbPath and shows a transcript of viewSize bound to a fresh session.
    // False (with *error set) when the database does not open or the window is never exposed.
    bool openTranscript(const QString& dbPath, QSize viewSize, QString* error)
    {
        m_db = std::make_unique<Database>(dbPath);
        if (!m_db->open(error))
            return false;
        m_store = std::make_unique<ConversationStore>(*m_db);
        m_ledger = std::make_unique<UsageLedger>(*m_db);
        m_client = std::make_unique<ApiClient>(&m_nam);
        m_session = std::make_unique<ChatSession>(m_store.get(), m_ledger.get(), m_client.get());
        m_view = std::make_unique<TranscriptView>();
        m_view->resize(viewSize);
        m_view->setSession(m_session.get());
        m_view->show();
        if (!QTest::qWaitForWindowExposed(m_view.get())) {
            *error = QStringLiteral("the transcript window was never exposed");
            return false;
        }
        return true;
    }

    void closeTranscript()
    {
        m_view.reset();
        m_session.reset();
        m_client.reset();
        m_ledger.reset();
        m_store.reset();
        m_db.reset();
    }

    QNetworkAccessManager m_nam;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<ConversationStore> m_store;
    std::unique_ptr<UsageLedger> m_ledger;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<ChatSession> m_session;
    std::unique_ptr<TranscriptView> m_view;
};

} // namespace anyrouter::test
