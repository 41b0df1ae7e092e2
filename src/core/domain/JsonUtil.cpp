#include "core/domain/JsonUtil.h"

#include <QJsonDocument>

#include <cmath>

namespace anyrouter::json {

std::optional<double> toDouble(const QJsonValue& v)
{
    if (v.isDouble())
        return v.toDouble();
    if (v.isString()) {
        bool ok = false;
        const double d = v.toString().trimmed().toDouble(&ok);
        if (ok && std::isfinite(d))
            return d;
    }
    return std::nullopt;
}

std::optional<qint64> toInt(const QJsonValue& v)
{
    if (const auto d = toDouble(v); d && std::abs(*d) < 9.0e15)
        return static_cast<qint64>(std::llround(*d));
    return std::nullopt;
}

std::optional<double> optDouble(const QJsonObject& o, QStringView key)
{
    return toDouble(o.value(key));
}

std::optional<qint64> optInt(const QJsonObject& o, QStringView key)
{
    return toInt(o.value(key));
}

QString str(const QJsonObject& o, QStringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 15);
    return {};
}

std::optional<bool> optBool(const QJsonObject& o, QStringView key)
{
    const QJsonValue v = o.value(key);
    if (v.isBool())
        return v.toBool();
    if (v.isDouble())
        return v.toDouble() != 0.0;
    if (v.isString()) {
        const QString s = v.toString().toLower();
        if (s == QLatin1String("true") || s == QLatin1String("1"))
            return true;
        if (s == QLatin1String("false") || s == QLatin1String("0"))
            return false;
    }
    return std::nullopt;
}

QStringList stringList(const QJsonValue& v)
{
    QStringList out;
    const QJsonArray a = v.toArray();
    for (const QJsonValue& e : a) {
        if (e.isString())
            out.append(e.toString());
    }
    return out;
}

QDateTime dateTime(const QJsonValue& v)
{
    if (v.isString()) {
        const QString s = v.toString();
        QDateTime dt = QDateTime::fromString(s, Qt::ISODateWithMs);
        if (!dt.isValid())
            dt = QDateTime::fromString(s, Qt::ISODate);
        if (dt.isValid())
            return dt.toUTC();
    }
    if (const auto n = toInt(v); n && *n > 0) {
        // Heuristic shared with X-RateLimit-Reset: > 1e11 cannot be seconds in this era.
        return *n > 100'000'000'000LL ? QDateTime::fromMSecsSinceEpoch(*n, Qt::UTC)
                                      : QDateTime::fromSecsSinceEpoch(*n, Qt::UTC);
    }
    return {};
}

QJsonArray listFrom(const QJsonDocument& doc, std::initializer_list<QStringView> keys)
{
    if (doc.isArray())
        return doc.array();
    const QJsonObject o = doc.object();
    for (QStringView k : keys) {
        const QJsonValue v = o.value(k);
        if (v.isArray())
            return v.toArray();
        if (v.isObject()) { // e.g. {"data": {"data": [...]}} seen on some gateways
            const QJsonArray inner = v.toObject().value(k).toArray();
            if (!inner.isEmpty())
                return inner;
        }
    }
    return {};
}

QJsonObject unwrap(const QJsonObject& obj, QStringView key)
{
    const QJsonValue v = obj.value(key);
    return v.isObject() ? v.toObject() : obj;
}

QJsonValue firstOf(const QJsonObject& o, Keys keys)
{
    for (QStringView k : keys) {
        const QJsonValue v = o.value(k);
        if (!v.isUndefined() && !v.isNull())
            return v;
    }
    return QJsonValue(QJsonValue::Undefined);
}

std::optional<double> optDouble(const QJsonObject& o, Keys keys)
{
    for (QStringView k : keys) {
        if (const auto d = optDouble(o, k))
            return d;
    }
    return std::nullopt;
}

std::optional<qint64> optInt(const QJsonObject& o, Keys keys)
{
    for (QStringView k : keys) {
        if (const auto n = optInt(o, k))
            return n;
    }
    return std::nullopt;
}

QString str(const QJsonObject& o, Keys keys)
{
    for (QStringView k : keys) {
        if (QString s = str(o, k); !s.isEmpty())
            return s;
    }
    return {};
}

} // namespace anyrouter::json
