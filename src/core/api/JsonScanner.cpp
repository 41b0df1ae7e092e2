// JsonScanner: the recursive part (nested objects and arrays, the rare case on a hot path) and the
// QJsonDocument hand-off for nested objects a decoder wants whole.
#include "core/api/JsonScanner.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace anyrouter::json::scan {

Pos skipObject(Pos p, Pos end, int depth)
{
    if (depth > kMaxDepth)
        return nullptr;
    // Not forEachMember(): any member name is fine here, escaped ones too, since none is read.
    bool closed = false;
    p = openItems(p, end, '}', closed);
    while (p && !closed) {
        if (*p != '"' || !(p = skipStringBody(p + 1, end)))
            return nullptr;
        p = skipWs(p, end);
        if (p >= end || *p != ':')
            return nullptr;
        p = skipWs(p + 1, end);
        if (p >= end || !(p = skipValue(p, end, depth + 1)))
            return nullptr;
        p = afterItem(p, end, '}', closed);
    }
    return p;
}

Pos skipArray(Pos p, Pos end, int depth)
{
    if (depth > kMaxDepth)
        return nullptr;
    return forEachElement(p, end, [end, depth](qsizetype, Pos v) { return skipValue(v, end, depth + 1); });
}

Pos skipValue(Pos p, Pos end, int depth)
{
    switch (*p) {
    case '"':
        return skipStringBody(p + 1, end);
    case '{':
        return skipObject(p, end, depth);
    case '[':
        return skipArray(p, end, depth);
    case 't':
        return skipLiteral(p, end, "true");
    case 'f':
        return skipLiteral(p, end, "false");
    case 'n':
        return skipLiteral(p, end, "null");
    default:
        if (*p == '-' || (*p >= '0' && *p <= '9'))
            return skipNumber(p, end);
        return nullptr;
    }
}

Pos parseObject(Pos p, Pos end, int depth, QJsonObject& obj)
{
    const Pos start = p;
    if (!(p = skipObject(p, end, depth)))
        return nullptr;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(reinterpret_cast<const char*>(start), p - start), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return nullptr;
    obj = doc.object();
    return p;
}

} // namespace anyrouter::json::scan
