// ConversationExporter: Markdown and JSON export of a conversation, JSON import into the store.
#include "core/chat/ConversationExporter.h"

#include "core/chat/ConversationThread.h"

#include "core/domain/JsonUtil.h"
#include "core/storage/ConversationStore.h"
#include "core/storage/Database.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace anyrouter {

Q_LOGGING_CATEGORY(lcExport, "anyrouter.chat.export")

using namespace Qt::StringLiterals;

namespace {

QString isoTime(const QDateTime& t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

// Index of each message's parent in `messages`, -1 for a root or a parent not in the list.
QList<int> parentIndexes(const QList<Message>& messages)
{
    QHash<qint64, int> indexById;
    for (int i = 0; i < messages.size(); ++i) {
        if (messages.at(i).id != 0)
            indexById.insert(messages.at(i).id, i);
    }
    QList<int> parents(messages.size(), -1);
    for (int i = 0; i < messages.size(); ++i) {
        const qint64 pid = messages.at(i).parentId;
        if (pid != 0 && pid != messages.at(i).id)
            parents[i] = indexById.value(pid, -1);
    }
    return parents;
}

// The fence ("```", "~~~~", ...) a line opens or closes, or empty. Up to three spaces of indent,
// as CommonMark allows.
QStringView fenceOf(QStringView line)
{
    qsizetype i = 0;
    while (i < line.size() && i < 3 && line.at(i) == u' ')
        ++i;
    if (i >= line.size() || (line.at(i) != u'`' && line.at(i) != u'~'))
        return {};
    const QChar c = line.at(i);
    qsizetype j = i;
    while (j < line.size() && line.at(j) == c)
        ++j;
    return j - i >= 3 ? line.mid(i, j - i) : QStringView();
}

// A partial reply can stop inside a fenced code block; left open, it would turn the rest of the
// document into code. Returns the fence that closes it, or empty when every fence is closed.
QString unclosedFence(const QString& content)
{
    QString open;
    const QList<QStringView> lines = QStringView(content).split(u'\n');
    for (QStringView line : lines) {
        const QStringView fence = fenceOf(line);
        if (fence.isEmpty())
            continue;
        if (open.isEmpty()) {
            open = fence.toString();
        } else if (fence.at(0) == open.at(0) && fence.size() >= open.size() &&
                   line.trimmed().size() == fence.size()) {
            open.clear();
        }
    }
    return open;
}

QString roleHeading(const Message& m)
{
    switch (m.role) {
    case MessageRole::User:
        return ConversationExporter::tr("You");
    case MessageRole::System:
        return ConversationExporter::tr("System");
    case MessageRole::Tool:
        return ConversationExporter::tr("Tool");
    case MessageRole::Assistant:
        break;
    }
    const QString model = m.servedModel.isEmpty() ? m.model : m.servedModel;
    QStringList detail;
    if (!model.isEmpty())
        detail.append(model);
    if (!m.provider.isEmpty())
        detail.append(m.provider);
    const QString name = ConversationExporter::tr("Assistant");
    return detail.isEmpty() ? name : name + u" ("_s + detail.join(u", "_s) + u')';
}

QString formatCost(double usd)
{
    // Sub-cent costs are common per reply; six decimals keep them readable instead of "$0.00".
    return u"$"_s + QString::number(usd, 'f', usd < 0.01 ? 6 : 4);
}

QString statsLine(const Message& m)
{
    QStringList parts;
    const Usage& u = m.usage;
    if (u.promptTokens || u.completionTokens) {
        QString tokens = ConversationExporter::tr("Tokens: %1 in / %2 out")
                             .arg(u.promptTokens ? QString::number(*u.promptTokens) : u"?"_s,
                                  u.completionTokens ? QString::number(*u.completionTokens) : u"?"_s);
        QStringList extra;
        if (u.cachedTokens && *u.cachedTokens > 0)
            extra.append(ConversationExporter::tr("%1 cached").arg(*u.cachedTokens));
        if (u.reasoningTokens && *u.reasoningTokens > 0)
            extra.append(ConversationExporter::tr("%1 reasoning").arg(*u.reasoningTokens));
        if (!extra.isEmpty())
            tokens += u" ("_s + extra.join(u", "_s) + u')';
        parts.append(tokens);
    }
    if (u.cost)
        parts.append(ConversationExporter::tr("Cost: %1").arg(formatCost(*u.cost)));
    if (m.ttftMs)
        parts.append(ConversationExporter::tr("TTFT: %1 ms").arg(qRound64(*m.ttftMs)));
    if (m.tokensPerSecond)
        parts.append(ConversationExporter::tr("%1 tokens/s").arg(*m.tokensPerSecond, 0, 'f', 1));
    return parts.isEmpty() ? QString() : u'*' + parts.join(u" · "_s) + u'*';
}

QString statusNote(const Message& m)
{
    switch (m.status) {
    case MessageStatus::Complete:
        return {};
    case MessageStatus::Streaming:
        return ConversationExporter::tr("> *Still streaming when exported; the text may be partial.*");
    case MessageStatus::Incomplete:
        if (m.errorCategory == u"cancelled"_s)
            return ConversationExporter::tr("> **Stopped** before the reply was finished.");
        return ConversationExporter::tr("> **Incomplete:** %1")
            .arg(m.errorText.isEmpty() ? ConversationExporter::tr("the reply was cut off.") : m.errorText);
    case MessageStatus::Error:
        return ConversationExporter::tr("> **Error:** %1")
            .arg(m.errorText.isEmpty() ? ConversationExporter::tr("the request failed.") : m.errorText);
    }
    return {};
}

QString quoted(const QString& text)
{
    QStringList out;
    const QStringList lines = text.split(u'\n');
    for (const QString& line : lines)
        out.append(line.isEmpty() ? u">"_s : u"> "_s + line);
    return out.join(u'\n');
}

QString withoutTrailingNewlines(const QString& s)
{
    qsizetype n = s.size();
    while (n > 0 && (s.at(n - 1) == u'\n' || s.at(n - 1) == u'\r'))
        --n;
    return s.left(n);
}

std::optional<MessageRole> parseRole(const QString& s)
{
    if (s == u"user"_s)
        return MessageRole::User;
    if (s == u"assistant"_s)
        return MessageRole::Assistant;
    if (s == u"system"_s)
        return MessageRole::System;
    if (s == u"tool"_s)
        return MessageRole::Tool;
    return std::nullopt;
}

std::optional<MessageStatus> parseStatus(const QString& s)
{
    if (s == u"complete"_s)
        return MessageStatus::Complete;
    if (s == u"incomplete"_s)
        return MessageStatus::Incomplete;
    if (s == u"error"_s)
        return MessageStatus::Error;
    if (s == u"streaming"_s)
        return MessageStatus::Streaming;
    return std::nullopt;
}

// Content as a string; an OpenAI-style array of parts keeps its text parts.
QString contentText(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    QString text;
    const QJsonArray parts = v.toArray();
    for (const QJsonValue& p : parts) {
        if (p.isString())
            text += p.toString();
        else if (p.toObject().value(u"text"_s).isString())
            text += p.toObject().value(u"text"_s).toString();
    }
    return text;
}

void insertIfNotEmpty(QJsonObject& o, const QString& key, const QString& value)
{
    if (!value.isEmpty())
        o.insert(key, value);
}

} // namespace

QList<Message> ConversationExporter::visibleThread(const QList<Message>& messages,
                                                   const QJsonObject& selection)
{
    const bool stored =
        std::any_of(messages.cbegin(), messages.cend(), [](const Message& m) { return m.id != 0; });
    if (!stored)
        return messages; // not saved yet, so no links to follow: the list is the thread
    return ConversationThread(messages, selection).visible();
}

QString ConversationExporter::toMarkdown(const Conversation& conversation, const QList<Message>& messages)
{
    QString md;
    const QString title = conversation.title.simplified();
    md += u"# "_s + (title.isEmpty() ? tr("Untitled conversation") : title) + u"\n\n"_s;

    QStringList meta;
    if (!conversation.model.isEmpty())
        meta.append(tr("**Model:** `%1`").arg(conversation.model));
    if (conversation.createdAt.isValid())
        meta.append(
            tr("**Date:** %1").arg(conversation.createdAt.toUTC().toString(u"yyyy-MM-dd HH:mm 'UTC'"_s)));
    if (!meta.isEmpty())
        md += meta.join(u" · "_s) + u"\n\n"_s;

    if (!conversation.systemPrompt.trimmed().isEmpty())
        md += u"## "_s + tr("System prompt") + u"\n\n"_s +
              quoted(withoutTrailingNewlines(conversation.systemPrompt)) + u"\n\n"_s;

    // Versions share a parent; "2 of 3" tells the reader other versions exist in the JSON export.
    QHash<qint64, QList<qint64>> siblings;
    for (const Message& m : messages)
        siblings[m.parentId].append(m.id);

    // The thread the user is looking at: their chosen version at every fork.
    const QList<Message> thread = visibleThread(messages, conversation.threadSelection);
    for (const Message& m : thread) {
        md += u"## "_s + roleHeading(m);
        const QList<qint64> versions = siblings.value(m.parentId);
        if (versions.size() > 1)
            md += u" — "_s + tr("version %1 of %2").arg(versions.indexOf(m.id) + 1).arg(versions.size());
        md += u"\n\n"_s;
        const QString content = withoutTrailingNewlines(m.content);
        if (!content.isEmpty()) {
            md += content + u'\n';
            const QString fence = unclosedFence(content);
            if (!fence.isEmpty())
                md += fence + u'\n';
            md += u'\n';
        }
        if (!m.reasoning.trimmed().isEmpty() && m.role == MessageRole::Assistant) {
            // Collapsed by renderers that know <details> (GitHub, most editors); readable anywhere.
            md += u"<details><summary>"_s + tr("Reasoning") + u"</summary>\n\n"_s +
                  withoutTrailingNewlines(m.reasoning) + u"\n\n</details>\n\n"_s;
        }
        if (m.role == MessageRole::Assistant) {
            const QString stats = statsLine(m);
            if (!stats.isEmpty())
                md += stats + u"\n\n"_s;
        }
        const QString note = statusNote(m);
        if (!note.isEmpty())
            md += note + u"\n\n"_s;
    }
    return withoutTrailingNewlines(md) + u'\n';
}

QByteArray ConversationExporter::toJson(const Conversation& conversation, const QList<Message>& messages)
{
    // Parents first: with ids ascending they already are; the walk below also copes with lists
    // that are not (and with a corrupt cycle, whose looping link is dropped).
    const QList<int> parents = parentIndexes(messages);
    QList<int> order;
    order.reserve(messages.size());
    QList<int> state(messages.size(), 0); // 0 new, 1 on the current walk, 2 emitted
    for (int i = 0; i < messages.size(); ++i) {
        QList<int> walk;
        for (int j = i; j >= 0 && state.at(j) == 0; j = parents.at(j)) {
            state[j] = 1;
            walk.append(j);
        }
        for (auto it = walk.crbegin(); it != walk.crend(); ++it) {
            state[*it] = 2;
            order.append(*it);
        }
    }
    QList<int> outIndex(messages.size(), -1);
    for (int k = 0; k < order.size(); ++k)
        outIndex[order.at(k)] = k;

    QJsonArray out;
    for (int k = 0; k < order.size(); ++k) {
        const int i = order.at(k);
        const Message& m = messages.at(i);
        QJsonObject o;
        const int p = parents.at(i) >= 0 ? outIndex.at(parents.at(i)) : -1;
        o.insert(u"parent"_s, p >= 0 && p < k ? QJsonValue(p) : QJsonValue(QJsonValue::Null));
        o.insert(u"role"_s, roleToString(m.role));
        o.insert(u"content"_s, m.content);
        insertIfNotEmpty(o, u"reasoning"_s, m.reasoning);
        o.insert(u"status"_s, statusToString(m.status));
        insertIfNotEmpty(o, u"model"_s, m.model);
        insertIfNotEmpty(o, u"served_model"_s, m.servedModel);
        insertIfNotEmpty(o, u"provider"_s, m.provider);
        insertIfNotEmpty(o, u"generation_id"_s, m.generationId);
        insertIfNotEmpty(o, u"finish_reason"_s, m.finishReason);
        insertIfNotEmpty(o, u"error_text"_s, m.errorText);
        insertIfNotEmpty(o, u"error_category"_s, m.errorCategory);
        const QJsonObject usage = m.usage.toJson();
        if (!usage.isEmpty())
            o.insert(u"usage"_s, usage);
        if (m.ttftMs)
            o.insert(u"ttft_ms"_s, *m.ttftMs);
        if (m.tokensPerSecond)
            o.insert(u"tokens_per_second"_s, *m.tokensPerSecond);
        if (m.createdAt.isValid())
            o.insert(u"created_at"_s, isoTime(m.createdAt));
        // keyLabel is deliberately absent: exports travel, and even a masked key says too much.
        out.append(o);
    }

    QJsonObject c;
    c.insert(u"title"_s, conversation.title);
    insertIfNotEmpty(c, u"model"_s, conversation.model);
    insertIfNotEmpty(c, u"system_prompt"_s, conversation.systemPrompt);
    c.insert(u"pinned"_s, conversation.pinned);
    if (!conversation.parameters.isEmpty())
        c.insert(u"parameters"_s, conversation.parameters);
    if (!conversation.routing.isEmpty())
        c.insert(u"routing"_s, conversation.routing.toJson());
    if (conversation.createdAt.isValid())
        c.insert(u"created_at"_s, isoTime(conversation.createdAt));
    if (conversation.updatedAt.isValid())
        c.insert(u"updated_at"_s, isoTime(conversation.updatedAt));

    QJsonObject root;
    root.insert(u"format"_s, QString::fromUtf16(kFormat));
    root.insert(u"version"_s, kVersion);
    root.insert(u"generator"_s, QString(u"AnyRouter Desktop "_s + QStringLiteral(ANYROUTER_VERSION)));
    root.insert(u"exported_at"_s, isoTime(QDateTime::currentDateTimeUtc()));
    root.insert(u"conversation"_s, c);
    root.insert(u"messages"_s, out);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

std::optional<ImportedConversation> ConversationExporter::fromJson(const QByteArray& data, QString* error)
{
    auto fail = [error](const QString& message) -> std::optional<ImportedConversation> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(tr("The file is not valid JSON (%1 at byte %2).")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return fail(tr("The file is not an AnyRouter Desktop conversation export (no JSON object)."));
    const QJsonObject root = doc.object();
    const QJsonValue format = root.value(u"format"_s);
    if (format.toString() != QString::fromUtf16(kFormat)) {
        return fail(
            format.isUndefined()
                ? tr("The file is not an AnyRouter Desktop conversation export (it has no \"format\").")
                : tr("The file is not an AnyRouter Desktop conversation export (format \"%1\").")
                      .arg(format.isString() ? format.toString() : tr("not a string")));
    }
    const QJsonValue version = root.value(u"version"_s);
    if (!version.isDouble() || version.toDouble() != double(version.toInteger()))
        return fail(tr("The export has no valid format version."));
    if (version.toInteger() > kVersion)
        return fail(tr("The export is format version %1, written by a newer AnyRouter Desktop; this version "
                       "reads format version %2. Update the app to import it.")
                        .arg(version.toInteger())
                        .arg(kVersion));
    if (version.toInteger() < 1)
        return fail(tr("The export's format version %1 is not supported.").arg(version.toInteger()));

    ImportedConversation result;
    const QJsonValue cv = root.value(u"conversation"_s);
    if (!cv.isUndefined() && !cv.isNull() && !cv.isObject())
        return fail(tr("The export is damaged: \"conversation\" is not an object."));
    const QJsonObject co = cv.toObject();
    Conversation& c = result.conversation;
    c.title = json::str(co, u"title"_s);
    c.model = json::str(co, u"model"_s);
    c.systemPrompt = json::str(co, u"system_prompt"_s);
    c.pinned = json::optBool(co, u"pinned"_s).value_or(false);
    c.parameters = co.value(u"parameters"_s).toObject();
    c.routing = RoutingPrefs::fromJson(co.value(u"routing"_s).toObject());
    c.createdAt = json::dateTime(co.value(u"created_at"_s));
    c.updatedAt = json::dateTime(co.value(u"updated_at"_s));

    const QJsonValue mv = root.value(u"messages"_s);
    if (!mv.isUndefined() && !mv.isNull() && !mv.isArray())
        return fail(tr("The export is damaged: \"messages\" is not a list."));
    const QJsonArray list = mv.toArray();
    result.messages.reserve(list.size());
    result.parents.reserve(list.size());
    for (int i = 0; i < list.size(); ++i) {
        const int number = i + 1; // people count from one
        if (!list.at(i).isObject())
            return fail(tr("The export is damaged: message %1 is not an object.").arg(number));
        const QJsonObject o = list.at(i).toObject();
        const auto role = parseRole(o.value(u"role"_s).toString());
        if (!role)
            return fail(tr("The export is damaged: message %1 has no known role (\"%2\").")
                            .arg(number)
                            .arg(json::str(o, u"role"_s)));
        const QJsonValue pv = o.value(u"parent"_s);
        int parent = -1;
        if (!pv.isUndefined() && !pv.isNull()) {
            const auto p = json::toInt(pv);
            if (!p || *p < 0 || *p >= i)
                return fail(
                    tr("The export is damaged: message %1 names a parent that does not come before it.")
                        .arg(number));
            parent = int(*p);
        }
        Message m;
        m.role = *role;
        m.content = contentText(o.value(u"content"_s));
        m.reasoning = json::str(o, u"reasoning"_s);
        const QString status = json::str(o, u"status"_s);
        if (!status.isEmpty()) {
            const auto s = parseStatus(status);
            if (!s)
                return fail(tr("The export is damaged: message %1 has an unknown status \"%2\".")
                                .arg(number)
                                .arg(status));
            m.status = *s;
        }
        m.model = json::str(o, u"model"_s);
        m.servedModel = json::str(o, u"served_model"_s);
        m.provider = json::str(o, u"provider"_s);
        m.generationId = json::str(o, u"generation_id"_s);
        m.finishReason = json::str(o, u"finish_reason"_s);
        m.errorText = json::str(o, u"error_text"_s);
        m.errorCategory = json::str(o, u"error_category"_s);
        m.usage = Usage::fromJson(o.value(u"usage"_s).toObject());
        m.ttftMs = json::optDouble(o, u"ttft_ms"_s);
        m.tokensPerSecond = json::optDouble(o, u"tokens_per_second"_s);
        m.createdAt = json::dateTime(o.value(u"created_at"_s));
        result.messages.append(m);
        result.parents.append(parent);
    }
    return result;
}

bool ConversationExporter::importInto(Database& db, ConversationStore& store, const QString& workspaceId,
                                      const ImportedConversation& imported, qint64* newConversationId,
                                      QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (imported.parents.size() != imported.messages.size())
        return fail(
            tr("The imported conversation is inconsistent (parent links do not match the messages)."));
    for (int i = 0; i < imported.parents.size(); ++i) {
        if (imported.parents.at(i) < -1 || imported.parents.at(i) >= i)
            return fail(tr("The imported conversation is inconsistent (message %1 has a bad parent link).")
                            .arg(i + 1));
    }
    if (!db.transaction())
        return fail(tr("%1 Nothing was imported.").arg(db.writeErrorText(db.lastTransactionError())));
    auto rollback = [&db, &fail](const QString& message) {
        db.rollback();
        qCWarning(lcExport) << "import rolled back:" << message;
        return fail(message);
    };

    Conversation c = imported.conversation;
    c.id = 0;
    c.workspaceId = workspaceId;
    if (!store.createConversation(c))
        return rollback(tr("%1 Nothing was imported.").arg(store.lastErrorText()));

    QList<qint64> newIds(imported.messages.size(), 0);
    for (int i = 0; i < imported.messages.size(); ++i) {
        Message m = imported.messages.at(i);
        m.id = 0;
        m.conversationId = c.id;
        const int p = imported.parents.at(i);
        m.parentId = p >= 0 ? newIds.at(p) : 0;
        m.keyLabel.clear();
        if (m.status == MessageStatus::Streaming) {
            // Nothing will ever finish it here; the same outcome as crash recovery.
            m.status = MessageStatus::Incomplete;
            if (m.errorText.isEmpty())
                m.errorText = tr("The export was made while this reply was still streaming.");
        }
        if (!store.insertMessage(m))
            return rollback(
                tr("%1 It failed at message %2 of the imported conversation. Nothing was imported.")
                    .arg(store.lastErrorText(), QString::number(i + 1)));
        newIds[i] = m.id;
    }
    // Each inserted message touched updated_at; the conversation keeps its own history instead.
    if (imported.conversation.updatedAt.isValid()) {
        c.updatedAt = imported.conversation.updatedAt;
        if (!store.updateConversation(c))
            return rollback(tr("Could not save the imported conversation. Nothing was imported."));
    }
    if (!db.commit()) {
        // The outermost commit rolls itself back; a failed savepoint release needs it done here.
        const QString cause = db.writeErrorText(db.lastTransactionError());
        db.rollback();
        return fail(tr("%1 Nothing was imported.").arg(cause));
    }
    if (newConversationId)
        *newConversationId = c.id;
    return true;
}

namespace {

bool writeAtomically(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size() || !f.commit()) {
        if (error)
            *error = ConversationExporter::tr("Could not write %1: %2")
                         .arg(QDir::toNativeSeparators(path), f.errorString());
        return false;
    }
    return true;
}

} // namespace

bool ConversationExporter::exportToFile(const ConversationStore& store, qint64 conversationId,
                                        const QString& path, FileFormat format, QString* error)
{
    if (conversationId == 0) {
        if (error)
            *error = tr("There is nothing to export yet.");
        return false;
    }
    const auto c = store.conversation(conversationId);
    if (!c) {
        if (error)
            *error = tr("The conversation is gone.");
        return false;
    }
    const QList<Message> messages = store.messages(conversationId);
    const QByteArray data =
        format == FileFormat::Markdown ? toMarkdown(*c, messages).toUtf8() : toJson(*c, messages);
    return writeAtomically(path, data, error);
}

bool ConversationExporter::importFile(Database& db, ConversationStore& store, const QString& workspaceId,
                                      const QString& path, qint64* newConversationId, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Could not read %1: %2").arg(QDir::toNativeSeparators(path), f.errorString());
        return false;
    }
    const auto imported = fromJson(f.readAll(), error);
    if (!imported)
        return false;
    return importInto(db, store, workspaceId, *imported, newConversationId, error);
}

bool ConversationExporter::writeText(const QString& path, const QString& text, QString* error)
{
    return writeAtomically(path, text.toUtf8(), error);
}

QString ConversationExporter::suggestedFileName(const QString& title, FileFormat format)
{
    static const QRegularExpression unsafe(u"[^\\w\\- ]+"_s);
    QString base = title.simplified();
    base.replace(unsafe, QString());
    base = base.trimmed();
    if (base.isEmpty())
        base = u"conversation"_s;
    return base + (format == FileFormat::Markdown ? u".md"_s : u".json"_s);
}

} // namespace anyrouter
