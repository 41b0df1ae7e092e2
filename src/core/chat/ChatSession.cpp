#include "core/chat/ChatSession.h"

#include "core/api/ApiClient.h"
#include "core/api/Clock.h"
#include "core/api/UsageService.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/UsageLedger.h"

#include <QDateTime>

#include <QLoggingCategory>
#include <climits>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcChat, "anyrouter.chat")

using namespace Qt::StringLiterals;

ChatSession::ChatSession(ConversationStore* store, UsageLedger* ledger, ApiClient* client, QObject* parent)
    : QObject(parent), m_store(store), m_ledger(ledger), m_client(client)
{
    m_flush.setInterval(250);
    m_flush.setSingleShot(false);
    connect(&m_flush, &QTimer::timeout, this, &ChatSession::flush);
}

void ChatSession::setUsageService(UsageService* usage)
{
    m_usage = usage;
}

void ChatSession::lookUpCost(qint64 messageId, qint64 ledgerId, const QString& generationId, int attempt)
{
    // The API client follows the selected workspace: a lookup after a switch would ask another
    // gateway (or with other keys) about an id it never issued.
    const QString workspaceId = m_workspaceId;
    Clock* clock = m_clock ? m_clock : m_client->clock();
    clock->schedule(m_costLookupDelaysMs.at(attempt), this, [=, this] {
        if (workspaceId != m_workspaceId || !m_usage) {
            emit costLookupAbandoned(messageId);
            return;
        }
        m_usage->fetchGeneration(generationId, this, [=, this](const Result<GenerationStats>& r) {
            if (workspaceId != m_workspaceId) {
                emit costLookupAbandoned(messageId);
                return;
            }
            if (!r.ok() || !r.value.totalCost) {
                // Generations can take a moment to be listed; try again while delays are left.
                if (attempt + 1 < m_costLookupDelaysMs.size()) {
                    lookUpCost(messageId, ledgerId, generationId, attempt + 1);
                } else {
                    qCInfo(lcChat) << "no cost from /generation for a reply; the estimate stands";
                    emit costLookupAbandoned(messageId);
                }
                return;
            }
            const double cost = *r.value.totalCost;
            if (m_ledger && ledgerId != 0 && !m_ledger->updateCost(ledgerId, cost, u"gateway"_s))
                qCWarning(lcChat) << "could not update the ledger cost";
            std::optional<Message> stored = m_store->message(messageId);
            if (!stored)
                return; // deleted meanwhile
            stored->usage.cost = cost;
            if (!m_store->updateMessage(*stored)) {
                emit storageFailed(tr("Could not save the cost the gateway reported for a reply."));
                return;
            }
            if (m_reply.id == messageId)
                m_reply.usage.cost = cost;
            if (m_thread.find(messageId)) {
                m_thread.upsert(*stored);
                emit threadChanged();
            }
            emit costReconciled(*stored);
        });
    });
}

ChatSession::~ChatSession()
{
    // Leaving mid-stream (window closed, app quitting): keep what arrived, marked incomplete. Owners
    // may be half-destroyed by now (we are often their child), so nothing is emitted to them and
    // their pricing callback is not called.
    m_pricing = {};
    blockSignals(true);
    if (isStreaming())
        m_stream->abort();
}

bool ChatSession::open(qint64 conversationId)
{
    if (isStreaming())
        stop();
    if (conversationId == 0) {
        m_conversation = Conversation{};
        m_thread = ConversationThread{};
        emit threadChanged();
        return true;
    }
    const auto c = m_store->conversation(conversationId);
    if (!c)
        return false;
    m_conversation = *c;
    m_thread = ConversationThread(m_store->messages(conversationId), m_conversation.threadSelection);
    emit threadChanged();
    return true;
}

bool ChatSession::ensureConversation(const QString& firstPrompt, QString* error)
{
    if (m_conversation.id != 0)
        return true;
    Conversation c;
    c.workspaceId = m_workspaceId;
    c.model = m_defaultModel;
    c.title = firstPrompt.simplified().left(60);
    if (!m_store->createConversation(c)) {
        if (error)
            *error = tr("%1 Your message was not sent.").arg(m_store->lastErrorText());
        return false;
    }
    m_conversation = c;
    m_thread = ConversationThread{};
    return true;
}

bool ChatSession::storeUserMessage(qint64 parentId, const QString& text, QString* error)
{
    Message user;
    user.conversationId = m_conversation.id;
    user.parentId = parentId;
    user.role = MessageRole::User;
    user.content = text;
    user.model = currentModel();
    if (!m_store->insertMessage(user)) {
        if (error)
            *error = tr("%1 Your message was not sent.").arg(m_store->lastErrorText());
        return false;
    }
    m_thread.upsert(user);
    m_thread.select(user.id);
    emit messageStored(user);
    return startReply(user.id, error);
}

bool ChatSession::send(const QString& text, QString* error)
{
    if (isStreaming()) {
        if (error)
            *error = tr("A reply is still streaming. Stop it first.");
        return false;
    }
    if (text.trimmed().isEmpty()) {
        if (error)
            *error = tr("The message is empty.");
        return false;
    }
    if (!ensureConversation(text, error))
        return false;
    return storeUserMessage(m_thread.leafId(), text, error);
}

bool ChatSession::editAndResend(qint64 userMessageId, const QString& text, QString* error)
{
    const Message* original = m_thread.find(userMessageId);
    if (isStreaming() || !original || original->role != MessageRole::User || text.trimmed().isEmpty()) {
        if (error)
            *error = isStreaming() ? tr("A reply is still streaming. Stop it first.")
                                   : tr("Only a non-empty message of yours can be edited and resent.");
        return false;
    }
    return storeUserMessage(original->parentId, text, error);
}

bool ChatSession::regenerate(QString* error)
{
    if (isStreaming()) {
        if (error)
            *error = tr("A reply is still streaming. Stop it first.");
        return false;
    }
    // The prompt to answer again: the leaf itself when it is a prompt, else the leaf reply's parent.
    const Message* leaf = m_thread.find(m_thread.leafId());
    if (!leaf) {
        if (error)
            *error = tr("There is no reply to regenerate.");
        return false;
    }
    const qint64 promptId = leaf->role == MessageRole::User ? leaf->id : leaf->parentId;
    const Message* prompt = m_thread.find(promptId);
    if (!prompt || prompt->role != MessageRole::User) {
        if (error)
            *error = tr("There is no reply to regenerate.");
        return false;
    }
    return startReply(promptId, error);
}

void ChatSession::selectVersion(qint64 messageId)
{
    if (!m_thread.find(messageId) || isStreaming())
        return;
    m_thread.select(messageId);
    persistSelection();
    emit threadChanged();
}

void ChatSession::persistSelection()
{
    m_conversation.threadSelection = m_thread.selection();
    if (m_conversation.id != 0 && !m_store->updateConversation(m_conversation))
        emit storageFailed(tr("Could not save which version is shown."));
}

bool ChatSession::startReply(qint64 userMessageId, QString* error)
{
    Q_UNUSED(error)
    const Message* user = m_thread.find(userMessageId);
    m_reply = Message{};
    m_reply.conversationId = m_conversation.id;
    m_reply.parentId = userMessageId;
    m_reply.role = MessageRole::Assistant;
    m_reply.status = MessageStatus::Streaming;
    m_reply.model = user && !user->model.isEmpty() ? user->model : currentModel();
    m_reply.keyLabel = m_client->keyLabel(KeyRole::Inference);
    m_savedChars = 0;
    m_flushFailed = false;
    if (!m_store->insertMessage(m_reply)) {
        // The prompt is safe; the reply streams on screen and is written at the end if possible.
        m_flushFailed = true;
        emit storageFailed(tr("%1 The reply is shown, but may not be kept.").arg(m_store->lastErrorText()));
    } else {
        m_thread.upsert(m_reply);
        m_thread.select(m_reply.id);
        persistSelection();
    }
    emit messageStored(m_reply);
    emit threadChanged();

    ChatRequest req = buildRequest(userMessageId);
    auto* stream = new ChatStream(m_client, std::move(req), this);
    stream->setInactivityTimeoutMs(m_inactivityMs);
    m_stream = stream;
    connect(stream, &ChatStream::contentReceived, this, [this](const QString& delta) {
        m_reply.content += delta;
        m_dirty = true;
        if (!m_flush.isActive())
            m_flush.start();
        emit replyDelta(m_reply.id, delta);
    });
    connect(stream, &ChatStream::reasoningReceived, this, [this](const QString& delta) {
        m_reply.reasoning += delta;
        m_dirty = true;
        if (!m_flush.isActive())
            m_flush.start();
        emit reasoningDelta(m_reply.id, delta);
    });
    connect(stream, &ChatStream::finished, this, &ChatSession::finalize);
    stream->start();
    return true;
}

ChatRequest ChatSession::buildRequest(qint64 userMessageId) const
{
    ChatRequest req;
    req.model = currentModel();
    req.sessionId = u"desk-%1-%2"_s.arg(m_workspaceId).arg(m_conversation.id);
    const QJsonObject p = m_conversation.parameters;
    if (p.contains(u"temperature"_s))
        req.temperature = p.value(u"temperature"_s).toDouble();
    if (p.contains(u"top_p"_s))
        req.topP = p.value(u"top_p"_s).toDouble();
    if (p.contains(u"max_tokens"_s))
        req.maxTokens = p.value(u"max_tokens"_s).toInteger();
    if (p.contains(u"seed"_s))
        req.seed = p.value(u"seed"_s).toInteger();
    if (p.value(u"reasoning"_s).isObject())
        req.reasoning = p.value(u"reasoning"_s).toObject();
    req.routing = m_conversation.routing.isEmpty() ? m_defaultRouting : m_conversation.routing;

    // The thread is the parent chain ending at the prompt; other versions are not sent.
    const QList<Message> chain = m_thread.pathTo(userMessageId);
    if (!m_conversation.systemPrompt.isEmpty())
        req.messages.append({u"system"_s, m_conversation.systemPrompt});
    for (const Message& m : chain) {
        if (m.role == MessageRole::Assistant && (m.status == MessageStatus::Error || m.content.isEmpty()))
            continue;
        req.messages.append({roleToString(m.role), m.content});
    }
    return req;
}

QString ChatSession::currentModel() const
{
    return m_conversation.model.isEmpty() ? m_defaultModel : m_conversation.model;
}

double ChatSession::totalCost() const
{
    double sum = 0;
    for (const Message& m : m_thread.all())
        if (m.role == MessageRole::Assistant && m.usage.cost)
            sum += *m.usage.cost;
    return sum;
}

qint64 ChatSession::contextTokens() const
{
    // The last reply's own prompt+completion tokens when the gateway reported them (exact), else a
    // chars/4 estimate of the visible thread.
    const QList<Message> visible = m_thread.visible();
    for (auto it = visible.crbegin(); it != visible.crend(); ++it) {
        if (it->role == MessageRole::Assistant && it->usage.promptTokens && it->usage.completionTokens)
            return *it->usage.promptTokens + *it->usage.completionTokens;
    }
    qint64 chars = m_conversation.systemPrompt.size();
    for (const Message& m : visible)
        chars += m.content.size();
    return chars / 4;
}

std::optional<double> ChatSession::nextMessageEstimate(const QString& modelId, qint64* contextTokensOut) const
{
    const qint64 tokens = contextTokens();
    if (contextTokensOut)
        *contextTokensOut = tokens;
    const std::optional<ModelPricing> pricing = m_pricing ? m_pricing(modelId) : std::nullopt;
    if (!pricing || !pricing->inputPerM)
        return std::nullopt;
    return double(tokens) * *pricing->inputPerM / 1e6;
}

void ChatSession::flush()
{
    if (!m_dirty) {
        m_flush.stop();
        return;
    }
    m_dirty = false;
    if (m_reply.id == 0)
        return;
    if (m_store->updateMessageText(m_reply.id, m_reply.content, m_reply.reasoning, !m_flushFailed)) {
        m_savedChars = m_reply.content.size();
        return;
    }
    if (m_flushFailed)
        return; // already said; the next flush (or the final write) tries again
    m_flushFailed = true;
    const QString cause = m_store->lastErrorText();
    // A full disk: keep as much of the text as still fits, so a crash now loses less.
    if (const qsizetype fit =
            m_store->saveTextThatFits(m_reply.id, m_reply.content, m_reply.reasoning, m_savedChars);
        fit >= 0)
        m_savedChars = fit;
    emit storageFailed(tr("%1 The reply goes on streaming; only part of it may be kept.").arg(cause));
}

void ChatSession::stop()
{
    if (isStreaming())
        m_stream->abort(); // finalize() runs from finished()
}

void ChatSession::finalize()
{
    ChatStream* s = m_stream;
    if (!s)
        return;
    m_flush.stop();
    m_dirty = false;

    m_reply.content = s->content();
    m_reply.reasoning = s->reasoning();
    m_reply.servedModel = s->servedModel();
    m_reply.provider = s->provider();
    m_reply.generationId = s->generationId();
    m_reply.finishReason = s->finishReason();
    m_reply.usage = s->usage();
    m_reply.ttftMs = Usage::validDurationMs(s->ttftMs());
    m_reply.tokensPerSecond = Usage::validTokensPerSecond(s->tokensPerSecond());
    switch (s->state()) {
    case ChatStream::State::Completed:
        m_reply.status = MessageStatus::Complete;
        break;
    case ChatStream::State::Cancelled:
        m_reply.status = MessageStatus::Incomplete;
        m_reply.errorText = tr("Stopped.");
        m_reply.errorCategory = ApiError::categoryName(ApiError::Category::Cancelled);
        break;
    default:
        // A reply that broke after some text keeps it as incomplete; one with nothing is an error.
        m_reply.status = m_reply.content.isEmpty() ? MessageStatus::Error : MessageStatus::Incomplete;
        m_reply.errorText = s->error().userMessage();
        m_reply.errorCategory = ApiError::categoryName(s->error().category());
        break;
    }
    std::optional<double> estimate;
    if (!m_reply.usage.cost && m_pricing && (m_reply.usage.promptTokens || m_reply.usage.completionTokens)) {
        if (const auto p = m_pricing(m_reply.servedModel.isEmpty() ? m_reply.model : m_reply.servedModel))
            estimate =
                p->costFor(m_reply.usage.promptTokens.value_or(0), m_reply.usage.completionTokens.value_or(0),
                           m_reply.usage.cachedTokens.value_or(0));
    }
    bool stored = false;
    m_thread.upsert(m_reply);
    if (m_reply.id != 0) {
        // Twice: a lock held a moment too long, or space freed meanwhile, should not cost the reply.
        stored = m_store->updateMessage(m_reply) || m_store->updateMessage(m_reply);
    } else {
        stored = m_store->insertMessage(m_reply);
        if (!stored) {
            // No row yet (its creation failed): an empty one may still fit, and then part of the text.
            Message row = m_reply;
            row.content.clear();
            row.reasoning.clear();
            row.status = MessageStatus::Streaming;
            if (m_store->insertMessage(row)) {
                m_reply.id = row.id;
                m_reply.createdAt = row.createdAt;
                m_savedChars = 0;
                stored = m_store->updateMessage(m_reply);
            }
        }
    }
    if (!stored) {
        const QString cause = m_store->lastErrorText();
        qsizetype saved = m_savedChars;
        if (m_reply.id != 0) {
            if (const qsizetype fit =
                    m_store->saveTextThatFits(m_reply.id, m_reply.content, m_reply.reasoning, m_savedChars);
                fit >= 0)
                saved = fit;
            m_store->markStorageFailure(m_reply.id,
                                        tr("Only part of this reply could be saved: %1").arg(cause));
        }
        const QString error = saved <= 0 ? tr("%1 The reply could not be saved.").arg(cause)
                                         : tr("%1 Only %n of the reply's %2 characters were saved.", nullptr,
                                              int(std::min<qsizetype>(saved, INT_MAX)))
                                               .arg(cause, QString::number(m_reply.content.size()));
        emit storageFailed(error);
        emit replyNotSaved(m_reply, error);
    }

    LedgerEntry e;
    e.at = QDateTime::currentDateTimeUtc();
    e.workspaceId = m_workspaceId;
    e.keyLabel = s->keyLabel();
    e.endpoint = u"/chat/completions"_s;
    e.model = m_reply.servedModel.isEmpty() ? m_reply.model : m_reply.servedModel;
    e.provider = m_reply.provider;
    e.generationId = m_reply.generationId;
    e.promptTokens = m_reply.usage.promptTokens.value_or(0);
    e.completionTokens = m_reply.usage.completionTokens.value_or(0);
    e.cachedTokens = m_reply.usage.cachedTokens.value_or(0);
    e.reasoningTokens = m_reply.usage.reasoningTokens.value_or(0);
    if (m_reply.usage.cost) {
        e.cost = m_reply.usage.cost;
        e.costSource = u"gateway"_s;
    } else if (estimate) {
        e.cost = estimate;
        e.costSource = u"estimate"_s;
    }
    e.latencyMs = s->elapsedMs();
    e.ttftMs = s->ttftMs();
    e.status = s->state() == ChatStream::State::Completed   ? u"ok"_s
               : s->state() == ChatStream::State::Cancelled ? u"cancelled"_s
                                                            : u"error"_s;
    e.errorCategory = s->state() == ChatStream::State::Completed
                          ? QString()
                          : ApiError::categoryName(s->error().category());
    e.messageId = m_reply.id;
    if (m_ledger && !m_ledger->record(e))
        qCWarning(lcChat) << "could not write the usage ledger row";
    // Reference client rule: no usage.cost -> ask GET /generation/{id}, else the estimate stands.
    if (!m_reply.usage.cost && !m_reply.generationId.isEmpty() && m_reply.id != 0 && m_usage &&
        !m_costLookupDelaysMs.isEmpty())
        lookUpCost(m_reply.id, e.id, m_reply.generationId, 0);

    m_stream = nullptr;
    s->deleteLater();
    emit replyFinished(m_reply);
}

} // namespace anyrouter
