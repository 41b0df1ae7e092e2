// Small helpers shared by the store classes: value conversion between Qt types and SQLite columns
// (UTC milliseconds for times, NULL for absent optionals) and uniform error logging.
#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>
#include <optional>

namespace anyrouter::sql {

using namespace Qt::StringLiterals;

inline QVariant fromTime(const QDateTime& t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

inline QDateTime toTime(const QVariant& v)
{
    if (v.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

// Bounds of an "at >= ? AND at <= ?" range; an invalid time leaves that end open.
inline qint64 lowerBound(const QDateTime& from)
{
    return from.isValid() ? from.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

inline qint64 upperBound(const QDateTime& to)
{
    return to.isValid() ? to.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
}

// Millisecond precision is what the file keeps; callers that compare times use this.
inline QDateTime nowUtc()
{
    return QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), Qt::UTC);
}

template <typename T> QVariant fromOptional(const std::optional<T>& v)
{
    return v ? QVariant::fromValue(*v) : QVariant(QMetaType::fromType<T>());
}

template <typename T> std::optional<T> toOptional(const QVariant& v)
{
    if (v.isNull())
        return std::nullopt;
    return v.value<T>();
}

// QSQLITE binds a null QString as SQL NULL, which NOT NULL text columns reject; empty is meant.
inline QVariant text(const QString& s)
{
    return s.isNull() ? QVariant(QString(u""_s)) : QVariant(s);
}

inline QVariant idOrNull(qint64 id)
{
    return id > 0 ? QVariant(id) : QVariant(QMetaType::fromType<qint64>());
}

inline QString fromJson(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

inline QJsonObject toJson(const QVariant& v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

// Executes a prepared query; logs the driver error (never the bound values, which may be user
// text) under `what`.
bool exec(QSqlQuery& q, const char* what);
// The same, handing the driver's error to the caller (which tells a full disk from damage).
bool exec(QSqlQuery& q, const char* what, QSqlError* error);

} // namespace anyrouter::sql
