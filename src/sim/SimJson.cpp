// JSON helpers for the simulator's string-templated responses.
#include "sim/SimJson.h"

#include <QJsonDocument>

#include <cmath>

namespace anyrouter::sim::json {

void appendEscaped(QByteArray& out, QByteArrayView s)
{
    static const char hex[] = "0123456789abcdef";
    const char* begin = s.data();
    const char* run = begin;
    const char* end = begin + s.size();
    for (const char* p = begin; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
            out.append(esc, 6);
        }
        }
    }
    out.append(run, end - run);
}

QByteArray quoted(QByteArrayView s)
{
    QByteArray out;
    out.reserve(s.size() + 2);
    out.append('"');
    appendEscaped(out, s);
    out.append('"');
    return out;
}

QByteArray number(double v, int maxDecimals)
{
    if (!std::isfinite(v))
        return QByteArrayLiteral("0");
    QByteArray s = QByteArray::number(v, 'f', maxDecimals);
    if (s.contains('.')) {
        while (s.endsWith('0'))
            s.chop(1);
        if (s.endsWith('.'))
            s.chop(1);
    }
    if (s == "-0")
        s = QByteArrayLiteral("0");
    return s;
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace anyrouter::sim::json
