#include "core/domain/Workspace.h"

namespace anyrouter {

using namespace Qt::StringLiterals;

QString Workspace::effectiveModel() const
{
    return defaultModel.isEmpty() ? QString::fromUtf16(kDefaultModel) : defaultModel;
}

QUrl Workspace::defaultBaseUrl()
{
    return QUrl(u"https://anyrouter.dev/api/v1"_s);
}

QString secretKeyFor(const QString& workspaceId, KeyKind kind)
{
    return u"workspace/"_s + workspaceId + (kind == KeyKind::Inference ? u"/inference"_s : u"/management"_s);
}

QString maskKey(const QString& key)
{
    if (key.isEmpty())
        return {};
    // At least 16 characters stay hidden, whatever the key's length (short local-server keys too).
    const qsizetype keep = key.startsWith(u"sk-ar-v1-"_s) ? 14 : 8;
    if (key.size() >= keep + 4 + 16)
        return key.left(keep) + u"…"_s + key.right(4);
    if (key.size() >= 4 + 16)
        return u"…"_s + key.right(4);
    return QString(8, u'•');
}

} // namespace anyrouter
