// Tolerant JSON accessors: the gateway's shapes are partly unconfirmed (see the API reference), so
// numbers may arrive as numbers or numeric strings, any field may be missing or null, and several
// fields have more than one name (AnyRouter, OpenRouter and the CLI spell them differently).
#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <initializer_list>
#include <optional>

namespace anyrouter::json {

using Keys = std::initializer_list<QStringView>;

std::optional<double> toDouble(const QJsonValue& v); // number or numeric string
std::optional<qint64> toInt(const QJsonValue& v);    // integral number or numeric string
std::optional<double> optDouble(const QJsonObject& o, QStringView key);
std::optional<qint64> optInt(const QJsonObject& o, QStringView key);
QString str(const QJsonObject& o, QStringView key); // string, or a number rendered; else empty
std::optional<bool> optBool(const QJsonObject& o, QStringView key);
QStringList stringList(const QJsonValue& v); // array of strings (non-strings skipped)
// Unix seconds, unix milliseconds or an ISO-8601 string; invalid QDateTime when absent.
QDateTime dateTime(const QJsonValue& v);
// The first array among: a bare array document, obj[key] for key in keys (e.g. "data", "models").
QJsonArray listFrom(const QJsonDocument& doc, std::initializer_list<QStringView> keys);
// obj[key] when it is an object, else obj: for envelopes such as {"data": {...}} sent beside bare
// objects.
QJsonObject unwrap(const QJsonObject& obj, QStringView key = u"data");

// Field-name aliases: the keys are tried in order, the first that qualifies wins.
QJsonValue firstOf(const QJsonObject& o, Keys keys);              // first present, non-null value
std::optional<double> optDouble(const QJsonObject& o, Keys keys); // first that reads as a number
std::optional<qint64> optInt(const QJsonObject& o, Keys keys);    // first that reads as an integer
QString str(const QJsonObject& o, Keys keys);                     // first non-empty str()

// Aliases across objects (o.context_length, then o.top_provider.context_length): the first
// candidate that holds a value, or the first non-empty one.
template <typename T> std::optional<T> first(std::initializer_list<std::optional<T>> candidates)
{
    for (const std::optional<T>& c : candidates) {
        if (c)
            return c;
    }
    return std::nullopt;
}

template <typename T> T firstNonEmpty(std::initializer_list<T> candidates)
{
    for (const T& c : candidates) {
        if (!c.isEmpty())
            return c;
    }
    return {};
}

} // namespace anyrouter::json
