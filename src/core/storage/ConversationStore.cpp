// ConversationStore: SQL for conversations, messages and message search.
#include "core/storage/ConversationStore.h"

#include "core/storage/Database.h"
#include "core/storage/SqlUtil.h"
#include "core/storage/StorageLog.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

const QString kConversationColumns =
    u"id, workspace_id, title, model, system_prompt, pinned, parameters, routing, created_at, updated_at,"
    " thread_selection, origin"_s;

const QString kMessageColumns =
    u"id, conversation_id, parent_id, role, content, reasoning, status, model, served_model, provider,"
    " generation_id, finish_reason, error_text, error_category, prompt_tokens, completion_tokens,"
    " cached_tokens, reasoning_tokens, cost, ttft_ms, tokens_per_second, key_label, created_at, updated_at,"
    " usage_rejected"_s;

Conversation conversationFromRow(const QSqlQuery& q)
{
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.workspaceId = q.value(1).toString();
    c.title = q.value(2).toString();
    c.model = q.value(3).toString();
    c.systemPrompt = q.value(4).toString();
    c.pinned = q.value(5).toBool();
    c.parameters = sql::toJson(q.value(6));
    c.routing = RoutingPrefs::fromJson(sql::toJson(q.value(7)));
    c.createdAt = sql::toTime(q.value(8));
    c.updatedAt = sql::toTime(q.value(9));
    c.threadSelection = sql::toJson(q.value(10));
    c.origin = originFromString(q.value(11).toString());
    return c;
}

Message messageFromRow(const QSqlQuery& q)
{
    Message m;
    m.id = q.value(0).toLongLong();
    m.conversationId = q.value(1).toLongLong();
    m.parentId = q.value(2).toLongLong();
    m.role = roleFromString(q.value(3).toString());
    m.content = q.value(4).toString();
    m.reasoning = q.value(5).toString();
    m.status = statusFromString(q.value(6).toString());
    m.model = q.value(7).toString();
    m.servedModel = q.value(8).toString();
    m.provider = q.value(9).toString();
    m.generationId = q.value(10).toString();
    m.finishReason = q.value(11).toString();
    m.errorText = q.value(12).toString();
    m.errorCategory = q.value(13).toString();
    m.usage.promptTokens = sql::toOptional<qint64>(q.value(14));
    m.usage.completionTokens = sql::toOptional<qint64>(q.value(15));
    m.usage.cachedTokens = sql::toOptional<qint64>(q.value(16));
    m.usage.reasoningTokens = sql::toOptional<qint64>(q.value(17));
    m.usage.cost = sql::toOptional<double>(q.value(18));
    // What the gateway sent that failed validation, kept as sent (JSON object; NULL when nothing).
    if (const QString rejected = q.value(24).toString(); !rejected.isEmpty())
        m.usage.rejected = QJsonDocument::fromJson(rejected.toUtf8()).object();
    // Rows written before usage was validated may hold -5 tokens or a cost of 1e308: such a figure
    // moves to usage.rejected (shown as "unknown"), and no total is built from it.
    m.usage.sanitize();
    if (m.usage.promptTokens || m.usage.completionTokens)
        m.usage.totalTokens = m.usage.promptTokens.value_or(0) + m.usage.completionTokens.value_or(0);
    m.ttftMs = Usage::validDurationMs(sql::toOptional<double>(q.value(19)));
    m.tokensPerSecond = Usage::validTokensPerSecond(sql::toOptional<double>(q.value(20)));
    m.keyLabel = q.value(21).toString();
    m.createdAt = sql::toTime(q.value(22));
    m.updatedAt = sql::toTime(q.value(23));
    return m;
}

// Binds every message column except id and the timestamps, in kMessageColumns order (usage_rejected,
// listed after the timestamps there, is bound last).
void bindMessageFields(QSqlQuery& q, const Message& m)
{
    q.addBindValue(m.conversationId);
    q.addBindValue(sql::idOrNull(m.parentId));
    q.addBindValue(roleToString(m.role));
    q.addBindValue(sql::text(m.content));
    q.addBindValue(sql::text(m.reasoning));
    q.addBindValue(statusToString(m.status));
    q.addBindValue(sql::text(m.model));
    q.addBindValue(sql::text(m.servedModel));
    q.addBindValue(sql::text(m.provider));
    q.addBindValue(sql::text(m.generationId));
    q.addBindValue(sql::text(m.finishReason));
    q.addBindValue(sql::text(m.errorText));
    q.addBindValue(sql::text(m.errorCategory));
    q.addBindValue(sql::fromOptional(m.usage.promptTokens));
    q.addBindValue(sql::fromOptional(m.usage.completionTokens));
    q.addBindValue(sql::fromOptional(m.usage.cachedTokens));
    q.addBindValue(sql::fromOptional(m.usage.reasoningTokens));
    q.addBindValue(sql::fromOptional(m.usage.cost));
    q.addBindValue(sql::fromOptional(m.ttftMs));
    q.addBindValue(sql::fromOptional(m.tokensPerSecond));
    q.addBindValue(sql::text(m.keyLabel));
    q.addBindValue(
        m.usage.rejected.isEmpty()
            ? QVariant(QMetaType::fromType<QString>())
            : QVariant(QString::fromUtf8(QJsonDocument(m.usage.rejected).toJson(QJsonDocument::Compact))));
}

// A word the unicode61 tokenizer keeps something of: it has at least one letter, digit or
// private-use character. Others (pure punctuation) would become empty phrases.
bool hasTokenCharacters(QStringView word)
{
    for (const char32_t cp : word.toUcs4()) {
        if (QChar::isLetterOrNumber(cp) || QChar::category(cp) == QChar::Other_PrivateUse)
            return true;
    }
    return false;
}

} // namespace

ConversationStore::ConversationStore(Database& db) : m_db(db) {}

bool ConversationStore::createConversation(Conversation& c)
{
    const QDateTime now = sql::nowUtc();
    const QDateTime created = c.createdAt.isValid() ? c.createdAt : now;
    const QDateTime updated = c.updatedAt.isValid() ? c.updatedAt : created;
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"INSERT INTO conversations (workspace_id, title, model, system_prompt, pinned, parameters, routing,"
        " created_at, updated_at, thread_selection, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(sql::text(c.workspaceId));
    q.addBindValue(sql::text(c.title));
    q.addBindValue(sql::text(c.model));
    q.addBindValue(sql::text(c.systemPrompt));
    q.addBindValue(c.pinned ? 1 : 0);
    q.addBindValue(sql::fromJson(c.parameters));
    q.addBindValue(sql::fromJson(c.routing.toJson()));
    q.addBindValue(sql::fromTime(created));
    q.addBindValue(sql::fromTime(updated));
    q.addBindValue(sql::fromJson(c.threadSelection));
    q.addBindValue(originToString(c.origin));
    if (!sql::exec(q, "create conversation", &m_lastError))
        return false;
    c.id = q.lastInsertId().toLongLong();
    c.createdAt = created;
    c.updatedAt = updated;
    return true;
}

bool ConversationStore::updateConversation(const Conversation& c)
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"UPDATE conversations SET workspace_id = ?, title = ?, model = ?, system_prompt = ?, pinned = ?,"
        " parameters = ?, routing = ?, updated_at = ?, thread_selection = ?, origin = ? WHERE id = ?"_s);
    q.addBindValue(sql::text(c.workspaceId));
    q.addBindValue(sql::text(c.title));
    q.addBindValue(sql::text(c.model));
    q.addBindValue(sql::text(c.systemPrompt));
    q.addBindValue(c.pinned ? 1 : 0);
    q.addBindValue(sql::fromJson(c.parameters));
    q.addBindValue(sql::fromJson(c.routing.toJson()));
    q.addBindValue(sql::fromTime(c.updatedAt.isValid() ? c.updatedAt : sql::nowUtc()));
    q.addBindValue(sql::fromJson(c.threadSelection));
    q.addBindValue(originToString(c.origin));
    q.addBindValue(c.id);
    return sql::exec(q, "update conversation", &m_lastError) && q.numRowsAffected() == 1;
}

bool ConversationStore::deleteConversation(qint64 id)
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"DELETE FROM conversations WHERE id = ?"_s);
    q.addBindValue(id);
    return sql::exec(q, "delete conversation", &m_lastError) && q.numRowsAffected() == 1;
}

QList<Conversation> ConversationStore::conversations(const QString& workspaceId) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT "_s + kConversationColumns +
              u" FROM conversations WHERE workspace_id = ? ORDER BY pinned DESC, updated_at DESC, id DESC"_s);
    q.addBindValue(sql::text(workspaceId));
    return sql::selectAll(q, "list conversations", conversationFromRow);
}

std::optional<Conversation> ConversationStore::conversation(qint64 id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT "_s + kConversationColumns + u" FROM conversations WHERE id = ?"_s);
    q.addBindValue(id);
    return sql::selectOne(q, "read conversation", conversationFromRow);
}

bool ConversationStore::insertMessage(Message& m)
{
    const QDateTime now = sql::nowUtc();
    const QDateTime created = m.createdAt.isValid() ? m.createdAt : now;
    if (!m_db.transaction()) {
        m_lastError = m_db.lastTransactionError();
        return false;
    }
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, status, model,"
        " served_model, provider, generation_id, finish_reason, error_text, error_category, prompt_tokens,"
        " completion_tokens, cached_tokens, reasoning_tokens, cost, ttft_ms, tokens_per_second, key_label,"
        " usage_rejected, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
    bindMessageFields(q, m);
    q.addBindValue(sql::fromTime(created));
    q.addBindValue(sql::fromTime(now));
    bool ok = sql::exec(q, "insert message", &m_lastError);
    const qint64 id = ok ? q.lastInsertId().toLongLong() : 0;
    if (ok) {
        q.prepare(u"UPDATE conversations SET updated_at = ? WHERE id = ?"_s);
        q.addBindValue(sql::fromTime(now));
        q.addBindValue(m.conversationId);
        ok = sql::exec(q, "touch conversation", &m_lastError);
    }
    q.finish();
    if (!ok || !m_db.commit()) {
        if (!ok)
            m_db.rollback();
        else
            m_lastError = m_db.lastTransactionError();
        return false;
    }
    m.id = id;
    m.createdAt = created;
    m.updatedAt = now;
    return true;
}

bool ConversationStore::updateMessage(const Message& m)
{
    QSqlQuery q(m_db.connection());
    q.prepare(
        u"UPDATE messages SET conversation_id = ?, parent_id = ?, role = ?, content = ?, reasoning = ?,"
        " status = ?, model = ?, served_model = ?, provider = ?, generation_id = ?, finish_reason = ?,"
        " error_text = ?, error_category = ?, prompt_tokens = ?, completion_tokens = ?, cached_tokens = ?,"
        " reasoning_tokens = ?, cost = ?, ttft_ms = ?, tokens_per_second = ?, key_label = ?, usage_rejected "
        "= ?,"
        " created_at = COALESCE(?, created_at), updated_at = ? WHERE id = ?"_s);
    bindMessageFields(q, m);
    q.addBindValue(sql::fromTime(m.createdAt));
    q.addBindValue(sql::fromTime(sql::nowUtc()));
    q.addBindValue(m.id);
    return sql::exec(q, "update message", &m_lastError) && q.numRowsAffected() == 1;
}

bool ConversationStore::updateMessageText(qint64 id, const QString& content, const QString& reasoning,
                                          bool logFailure)
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"UPDATE messages SET content = ?, reasoning = ?, updated_at = ? WHERE id = ?"_s);
    q.addBindValue(sql::text(content));
    q.addBindValue(sql::text(reasoning));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(id);
    if (!logFailure) {
        const bool ok = q.exec();
        m_lastError = ok ? QSqlError() : q.lastError();
        return ok && q.numRowsAffected() == 1;
    }
    return sql::exec(q, "update message text", &m_lastError) && q.numRowsAffected() == 1;
}

qsizetype ConversationStore::saveTextThatFits(qint64 id, const QString& content, const QString& reasoning,
                                              qsizetype savedChars)
{
    if (!lastErrorWasDiskFull())
        return -1;
    if (!reasoning.isEmpty() && updateMessageText(id, content, {}, false))
        return content.size();
    if (!lastErrorWasDiskFull())
        return -1;
    // SQLite writes a changed row anew before freeing the old one, so a prefix shorter than what is
    // stored could fit where it does not: only longer prefixes are tried, and the row keeps its text
    // when none fits. Fitting is monotone in the length, so a binary search finds the longest.
    qsizetype lo = std::max<qsizetype>(savedChars, 0); // known to be stored
    qsizetype hi = content.size();                     // known not to fit
    qsizetype stored = lo;
    while (hi - lo > 1) {
        qsizetype mid = lo + (hi - lo) / 2;
        if (mid > 0 && content.at(mid - 1).isHighSurrogate())
            --mid; // never cut a code point in two
        if (mid <= lo)
            break;
        if (updateMessageText(id, content.left(mid), {}, false)) {
            lo = stored = mid;
        } else if (lastErrorWasDiskFull()) {
            hi = mid;
        } else {
            return -1;
        }
    }
    qCWarning(lcStorage) << "disk full: kept" << stored << "of" << content.size() << "characters of a reply";
    return stored;
}

bool ConversationStore::markStorageFailure(qint64 id, const QString& errorText)
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"UPDATE messages SET status = ?, error_text = ?, error_category = 'storage', updated_at = ?"
              " WHERE id = ?"_s);
    q.addBindValue(statusToString(MessageStatus::Incomplete));
    q.addBindValue(sql::text(errorText));
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(id);
    QSqlError error;
    if (sql::exec(q, "mark storage failure", &error) && q.numRowsAffected() == 1)
        return true;
    // Leaving 'streaming' puts the text into the search index, which may be what does not fit.
    q.prepare(u"UPDATE messages SET error_text = ?, error_category = 'storage' WHERE id = ?"_s);
    q.addBindValue(sql::text(errorText));
    q.addBindValue(id);
    return sql::exec(q, "note storage failure", &error) && q.numRowsAffected() == 1;
}

QString ConversationStore::lastErrorText() const
{
    return m_db.writeErrorText(m_lastError);
}

bool ConversationStore::lastErrorWasDiskFull() const
{
    return Database::sqliteCode(m_lastError) == Database::SqliteFull;
}

QList<Message> ConversationStore::messages(qint64 conversationId) const
{
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT "_s + kMessageColumns + u" FROM messages WHERE conversation_id = ? ORDER BY id"_s);
    q.addBindValue(conversationId);
    return sql::selectAll(q, "list messages", messageFromRow);
}

std::optional<Message> ConversationStore::message(qint64 id) const
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"SELECT "_s + kMessageColumns + u" FROM messages WHERE id = ?"_s);
    q.addBindValue(id);
    return sql::selectOne(q, "read message", messageFromRow);
}

QString ConversationStore::interruptedText()
{
    return u"Interrupted: the app closed while this reply was streaming."_s;
}

int ConversationStore::recoverInterrupted()
{
    QSqlQuery q(m_db.connection());
    q.prepare(u"UPDATE messages SET status = ?, error_text = ?, updated_at = ? WHERE status = ?"_s);
    q.addBindValue(statusToString(MessageStatus::Incomplete));
    q.addBindValue(interruptedText());
    q.addBindValue(QDateTime::currentMSecsSinceEpoch());
    q.addBindValue(statusToString(MessageStatus::Streaming));
    if (!sql::exec(q, "recover interrupted messages", &m_lastError))
        return 0;
    const int n = q.numRowsAffected();
    if (n > 0)
        qCInfo(lcStorage) << "marked" << n << "interrupted streaming message(s) incomplete";
    return n;
}

QString ConversationStore::toMatchExpression(const QString& userText)
{
    // Control characters (NUL in particular ends the string for the FTS5 parser) separate words.
    QString text = userText;
    for (QChar& ch : text) {
        if (ch.category() == QChar::Other_Control)
            ch = u' ';
    }
    static const QRegularExpression whitespace(u"\\s+"_s);
    const QStringList words = text.split(whitespace, Qt::SkipEmptyParts);
    QStringList phrases;
    for (const QString& word : std::as_const(words)) {
        if (!hasTokenCharacters(word))
            continue;
        QString escaped = word;
        escaped.replace(u'"', u"\"\""_s);
        phrases.append(u'"' + escaped + u'"');
    }
    if (phrases.isEmpty())
        return {};
    phrases.last().append(u'*');
    return phrases.join(u' ');
}

QString ConversationStore::snippetToHtml(const QString& snippet)
{
    QString html = snippet.toHtmlEscaped();
    html.replace(kMatchStart, u"<b>"_s);
    html.replace(kMatchEnd, u"</b>"_s);
    return html;
}

QList<SearchHit> ConversationStore::search(const QString& workspaceId, const QString& query, int limit) const
{
    QList<SearchHit> hits;
    const QString match = toMatchExpression(query);
    if (match.isEmpty() || limit <= 0)
        return hits;
    QSqlQuery q(m_db.connection());
    q.setForwardOnly(true);
    q.prepare(u"SELECT m.id, m.conversation_id, c.title, snippet(messages_fts, 0, ?, ?, ?, 16)"
              " FROM messages_fts"
              " JOIN messages m ON m.id = messages_fts.rowid"
              " JOIN conversations c ON c.id = m.conversation_id"
              " WHERE messages_fts MATCH ?"_s +
              (workspaceId.isEmpty() ? QString() : u" AND c.workspace_id = ?"_s)
              // Newest first, read straight off the FTS index: stops after `limit` rows, so the cost
              // does not grow with the number of matches (ranking by bm25 had to score and snippet
              // every match: ~60 ms for a common word in 20k messages, vs. < 1 ms).
              + u" ORDER BY messages_fts.rowid DESC LIMIT ?"_s);
    q.addBindValue(QString(kMatchStart));
    q.addBindValue(QString(kMatchEnd));
    q.addBindValue(u"…"_s);
    q.addBindValue(match);
    if (!workspaceId.isEmpty())
        q.addBindValue(sql::text(workspaceId));
    q.addBindValue(limit);
    return sql::selectAll(q, "search messages", [](const QSqlQuery& row) {
        SearchHit h;
        h.messageId = row.value(0).toLongLong();
        h.conversationId = row.value(1).toLongLong();
        h.conversationTitle = row.value(2).toString();
        h.snippet = row.value(3).toString();
        return h;
    });
}

} // namespace anyrouter
