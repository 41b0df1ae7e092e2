// Tolerant JSON accessors: the gateway's shapes are partly unconfirmed (see the API reference), so
// numbers may arrive as numbers or numeric strings, and any field may be missing or null.
#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <optional>

namespace anyrouter::json {

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

} // namespace anyrouter::json
