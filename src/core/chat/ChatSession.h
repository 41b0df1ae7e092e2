// ChatSession: one conversation's turn-taking, turning a ChatStream into persisted messages.
// Order of events in a turn (the "never lose a word" contract):
//   1. the user's prompt is written to the database before any byte goes to the network;
//   2. an assistant row is created with status `streaming` and its text is saved while it streams
//      (coalesced: at most one write per flush interval);
//   3. the row is finalised as complete / incomplete (stopped, cut off) / error with usage, cost,
//      TTFT, tokens/s, serving provider and generation id, and a usage-ledger row is written.
// A crash leaves the row `streaming`; ConversationStore::recoverInterrupted() marks it incomplete on
// the next start, keeping the prompt and the partial reply.
#pragma once

#include "core/api/ChatStream.h"
#include "core/chat/ConversationThread.h"
#include "core/domain/Conversation.h"
#include "core/domain/ModelInfo.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

namespace anyrouter {

class ApiClient;
class Clock;
class ConversationStore;
class UsageLedger;
class UsageService;

class ChatSession : public QObject
{
    Q_OBJECT
public:
    using PricingLookup = std::function<std::optional<ModelPricing>(const QString& modelId)>;

    ChatSession(ConversationStore* store, UsageLedger* ledger, ApiClient* client, QObject* parent = nullptr);
    ~ChatSession() override;

    void setWorkspaceId(const QString& id) { m_workspaceId = id; }
    QString workspaceId() const { return m_workspaceId; }
    void setDefaultModel(const QString& model) { m_defaultModel = model; }
    // The workspace's routing defaults: used when the conversation sets no routing of its own.
    void setDefaultRouting(const RoutingPrefs& routing) { m_defaultRouting = routing; }
    void setPricingLookup(PricingLookup f) { m_pricing = std::move(f); }
    void setFlushIntervalMs(int ms) { m_flush.setInterval(ms); }
    void setInactivityTimeoutMs(int ms) { m_inactivityMs = ms; }
    // When a reply's usage carries no cost, the gateway is asked (GET /generation/{id}) through
    // `usage` (the workspace's UsageService; none: no look-up) after these delays, once each, until
    // it answers with one; the estimate from model prices stands until then. The delays run on
    // `clock` (default: the ApiClient's), so tests drive them with a ManualClock.
    void setUsageService(UsageService* usage);
    void setClock(Clock* clock) { m_clock = clock; }
    void setCostLookupDelaysMs(QList<int> delays) { m_costLookupDelaysMs = std::move(delays); }

    // Opens an existing conversation (0 = none: the next send() creates one).
    bool open(qint64 conversationId);
    qint64 conversationId() const { return m_conversation.id; }
    const Conversation& conversation() const { return m_conversation; }

    // Stores the prompt, then streams the reply. Returns false (with *error) only when the prompt
    // could not be stored — then nothing was sent and the caller must keep the text.
    bool send(const QString& text, QString* error = nullptr);
    // Streams a new version of the last reply (also the Retry of a failed one); the old one stays
    // reachable as a sibling version.
    bool regenerate(QString* error = nullptr);
    // Stores `text` as a new version of the user message `userMessageId` and streams its reply.
    bool editAndResend(qint64 userMessageId, const QString& text, QString* error = nullptr);
    // Shows another version of a message (‹ n/m ›); persisted with the conversation.
    void selectVersion(qint64 messageId);
    const ConversationThread& thread() const { return m_thread; }
    void stop();
    bool isStreaming() const { return m_stream && !m_stream->isFinished(); }
    ChatStream* stream() const { return m_stream; }
    const Message& currentReply() const { return m_reply; }
    // The model the next message goes to: the conversation's, else the default for new chats.
    QString currentModel() const;

    // Cost figures of the open conversation: the sum of its stored reply costs, the tokens the next
    // message carries as context (the last reply's reported prompt+completion, else chars/4 of the
    // visible thread and system prompt), and what sending that context costs at `modelId`'s input
    // price (nullopt when the pricing lookup knows no input price for it).
    double totalCost() const;
    qint64 contextTokens() const;
    std::optional<double> nextMessageEstimate(const QString& modelId, qint64* contextTokens = nullptr) const;

signals:
    void messageStored(const anyrouter::Message& message); // prompt saved, reply row created
    void threadChanged(); // the visible thread changed (new version, switched version, opened)
    void replyDelta(qint64 messageId, const QString& delta);
    void reasoningDelta(qint64 messageId, const QString& delta); // the model's reasoning, as it streams
    void replyFinished(const anyrouter::Message& message);       // final row as stored
    // A write failed; the sentence names the database file and the cause (e.g. the disk is full).
    void storageFailed(const QString& error);
    // The finished reply could not be stored whole (before replyFinished): `reply` is the full text
    // as it streamed, so the window can still show it and offer to save it elsewhere.
    void replyNotSaved(const anyrouter::Message& reply, const QString& error);
    // The gateway's /generation answered with the cost of a reply whose stream did not carry one.
    void costReconciled(const anyrouter::Message& message);
    // The cost look-up for a reply ended without a cost (no /generation answer with one after every
    // delay, or the workspace changed): its estimate stands.
    void costLookupAbandoned(qint64 messageId);

private:
    bool ensureConversation(const QString& firstPrompt, QString* error);
    bool storeUserMessage(qint64 parentId, const QString& text, QString* error);
    bool startReply(qint64 userMessageId, QString* error);
    void persistSelection();
    ChatRequest buildRequest(qint64 userMessageId) const;
    void flush();
    void finalize();
    void lookUpCost(qint64 messageId, qint64 ledgerId, const QString& generationId, int attempt);

    ConversationStore* m_store;
    UsageLedger* m_ledger;
    ApiClient* m_client;
    QString m_workspaceId;
    QString m_defaultModel;
    RoutingPrefs m_defaultRouting;
    PricingLookup m_pricing;
    Conversation m_conversation;
    ConversationThread m_thread;
    Message m_reply;
    QPointer<ChatStream> m_stream;
    QTimer m_flush;
    bool m_dirty = false;
    qsizetype m_savedChars = 0; // characters of the reply's content known to be in the database
    bool m_flushFailed = false; // told once per reply; later flushes retry quietly
    int m_inactivityMs = 120000;
    QList<int> m_costLookupDelaysMs{1000, 5000};
    QPointer<UsageService> m_usage; // the workspace's, not owned
    Clock* m_clock = nullptr;       // not owned; null: the ApiClient's
};

} // namespace anyrouter
