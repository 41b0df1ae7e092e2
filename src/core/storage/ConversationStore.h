// ConversationStore: conversations and their messages, the cheap write path used while a reply
// streams, crash recovery of replies left half-written, and full-text search (FTS5).
#pragma once

#include "core/domain/Conversation.h"

#include <QList>
#include <QSqlError>
#include <QString>

#include <optional>

namespace anyrouter {

class Database;

struct SearchHit
{
    qint64 messageId = 0;
    qint64 conversationId = 0;
    QString conversationTitle;
    // Plain text around the match; matched terms are wrapped in ConversationStore::kMatchStart /
    // kMatchEnd (private-use characters, so they never clash with message text). Use
    // ConversationStore::snippetToHtml() to show it.
    QString snippet;
};

class ConversationStore
{
public:
    static inline constexpr QChar kMatchStart = QChar(u'\uE000');
    static inline constexpr QChar kMatchEnd = QChar(u'\uE001');

    explicit ConversationStore(Database& db);

    // Sets id, and createdAt/updatedAt when they are not valid yet (now, UTC).
    bool createConversation(Conversation& c);
    // Writes every column as given; an invalid updatedAt is stored as now.
    bool updateConversation(const Conversation& c);
    bool deleteConversation(qint64 id);                                  // messages go with it (FK cascade)
    QList<Conversation> conversations(const QString& workspaceId) const; // pinned first, then updated_at desc
    std::optional<Conversation> conversation(qint64 id) const;

    // Sets id, createdAt (when invalid) and updatedAt; touches the conversation's updated_at.
    bool insertMessage(Message& m);
    bool updateMessage(const Message& m); // all columns; sets updated_at to now
    // The streaming write: one UPDATE of the text columns only. A message in status Streaming is
    // not in the search index (so this stays cheap however long the text); it is indexed when its
    // status changes (updateMessage, recoverInterrupted).
    // logFailure false: a retry whose failure was already reported (a full disk) stays quiet.
    bool updateMessageText(qint64 id, const QString& content, const QString& reasoning,
                           bool logFailure = true);
    // When a write of the whole text failed (a full disk): stores the longest prefix of `content`
    // longer than `savedChars` that still fits (reasoning dropped first), leaving the row as it was
    // when none does. Returns how many characters of content the row holds now, or -1 when the
    // failure was not a full disk (nothing tried). The status is left as it is (no index work).
    qsizetype saveTextThatFits(qint64 id, const QString& content, const QString& reasoning,
                               qsizetype savedChars);
    // Marks a reply whose final write failed: status incomplete with the reason, text as stored.
    // Falls back to only the reason (status unchanged) when the index entry does not fit either.
    bool markStorageFailure(qint64 id, const QString& errorText);
    QList<Message> messages(qint64 conversationId) const; // by id ascending
    std::optional<Message> message(qint64 id) const;

    // Replies left 'streaming' by a crash become 'incomplete' with an explanation; returns how many.
    int recoverInterrupted();
    static QString interruptedText();

    // Full-text search over message content. workspaceId empty = all workspaces. The user's text is
    // never parsed as FTS syntax: each word is quoted, words are ANDed, the last one is a prefix.
    // Newest message first.
    QList<SearchHit> search(const QString& workspaceId, const QString& query, int limit = 50) const;
    // Builds the FTS5 MATCH expression search() uses; empty when the text has nothing to search for.
    static QString toMatchExpression(const QString& userText);
    // HTML-escapes a snippet and turns the match markers into <b>…</b>.
    static QString snippetToHtml(const QString& snippet);

    // The driver's error of the last failed write (a null error after a successful one), and the
    // sentence for the user naming the database file and the cause ("the disk is full", …).
    QSqlError lastError() const { return m_lastError; }
    QString lastErrorText() const;
    bool lastErrorWasDiskFull() const;

private:
    Database& m_db;
    mutable QSqlError m_lastError;
};

} // namespace anyrouter
