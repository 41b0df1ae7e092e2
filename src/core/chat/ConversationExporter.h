// ConversationExporter: a conversation to a readable Markdown document, and to/from a versioned,
// lossless JSON file that another install can import; also the file work around it (writing an
// export atomically, reading and storing an import, saving a reply the database could not keep)
// with the sentences the user sees when it fails. No widgets: the chat pane only asks and shows;
// the command line and tests share it.
//
// JSON format ("format": "anyrouter-desktop.conversation", "version": 1):
//   { "format", "version", "exported_at", "generator",
//     "conversation": { "title", "model", "system_prompt", "pinned", "parameters", "routing",
//                       "created_at", "updated_at" },
//     "messages": [ { "parent" (index into this array, or null for a root), "role", "content",
//                     "reasoning", "status", "model", "served_model", "provider", "generation_id",
//                     "finish_reason", "error_text", "error_category", "usage" (OpenAI usage shape,
//                     with "cost"), "ttft_ms", "tokens_per_second", "created_at" }, ... ] }
// Every message of the conversation is written, other versions included; parents always precede
// their children. Database ids, the workspace id and keys (not even the masked key label) are never
// written. Times are ISO 8601 UTC with milliseconds. Fields that are empty or unknown are omitted,
// and the reader treats every field except format, version and a message's role as optional.
//
// What an export -> import -> export round trip does not keep: "exported_at" (the time of each
// export) and the database ids. A message still "streaming" when exported is imported as
// "incomplete" (nothing will ever finish it).
#pragma once

#include "core/domain/Conversation.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace anyrouter {

class ConversationStore;
class Database;

// A conversation read from an export file, not stored yet: ids are 0, workspaceId is empty.
struct ImportedConversation
{
    Conversation conversation;
    QList<Message> messages; // in file order; parentId is 0 here, the links are in `parents`
    QList<int> parents;      // parents[i]: index in `messages` of message i's parent, -1 for a root
};

class ConversationExporter
{
    Q_DECLARE_TR_FUNCTIONS(ConversationExporter)
public:
    static inline constexpr char16_t kFormat[] = u"anyrouter-desktop.conversation";
    static inline constexpr int kVersion = 1;

    enum class FileFormat
    {
        Markdown,
        Json
    };

    // A readable document: title heading, model and date, the system prompt if any, then each message
    // of the visible thread (see visibleThread()) under a role heading with its Markdown content
    // verbatim (an unclosed code fence in a partial reply is closed so it cannot swallow the rest),
    // a stats line per reply and a note for stopped or failed replies.
    // `messages` is the conversation's messages as ConversationStore::messages() returns them.
    static QString toMarkdown(const Conversation& conversation, const QList<Message>& messages);

    // The thread a reader sees, root first (ConversationThread): the version chosen in `selection`
    // at every fork, else the newest; other versions are left out. A list of unsaved messages (all
    // ids 0) is returned as is.
    static QList<Message> visibleThread(const QList<Message>& messages, const QJsonObject& selection = {});

    // The lossless export (see the format above). Pretty-printed UTF-8.
    static QByteArray toJson(const Conversation& conversation, const QList<Message>& messages);

    // Parses an export. Unknown fields are ignored and optional ones may be missing; a wrong or
    // missing format, an unsupported version or a broken structure (bad parent link, unknown role
    // or status) gives nullopt and a sentence for the user in *error.
    static std::optional<ImportedConversation> fromJson(const QByteArray& data, QString* error);

    // Stores an imported conversation in `workspaceId`, all or nothing: one transaction on `db` (the
    // database `store` writes to), rolled back on any failure. Parent links are remapped to the new
    // row ids; original creation times are kept. On success *newConversationId is the new id.
    static bool importInto(Database& db, ConversationStore& store, const QString& workspaceId,
                           const ImportedConversation& imported, qint64* newConversationId, QString* error);

    // Files. Each returns false with a sentence for the user in *error (naming the file and the
    // cause); files are written atomically (QSaveFile), so a failed write leaves no half file.
    // Writes the stored conversation `conversationId` (0: none yet) with all its messages.
    static bool exportToFile(const ConversationStore& store, qint64 conversationId, const QString& path,
                             FileFormat format, QString* error);
    // Reads an export file and stores it in `workspaceId` (see fromJson() and importInto()).
    static bool importFile(Database& db, ConversationStore& store, const QString& workspaceId,
                           const QString& path, qint64* newConversationId, QString* error);
    // Writes `text` as UTF-8 (a reply the database could not keep).
    static bool writeText(const QString& path, const QString& text, QString* error);
    // A file name for an export of a conversation titled `title`: word characters, '-' and spaces
    // only ("conversation" when nothing is left), with the format's suffix.
    static QString suggestedFileName(const QString& title, FileFormat format);
};

} // namespace anyrouter
