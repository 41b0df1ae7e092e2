// Small helpers shared by the store classes: value conversion between Qt types and SQLite columns
// (UTC milliseconds for times, NULL for absent optionals) and uniform error logging.
#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <limits>
#include <optional>
#include <type_traits>

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

// The select loops of the stores. Each executes the prepared (and bound) query q, logging a failure
// under `what` like exec(), then reads its rows.
//
// forEachRow: onRow(q) for every row; false when the query failed.
template <typename OnRow> bool forEachRow(QSqlQuery& q, const char* what, OnRow&& onRow)
{
    if (!exec(q, what))
        return false;
    while (q.next())
        onRow(std::as_const(q));
    return true;
}

// selectAll: rowFn(q) of every row, in order; empty when the query failed.
template <typename RowFn>
auto selectAll(QSqlQuery& q, const char* what, RowFn&& rowFn)
    -> QList<std::decay_t<std::invoke_result_t<RowFn&, const QSqlQuery&>>>
{
    QList<std::decay_t<std::invoke_result_t<RowFn&, const QSqlQuery&>>> rows;
    forEachRow(q, what, [&](const QSqlQuery& row) { rows.append(rowFn(row)); });
    return rows;
}

// selectOne: rowFn(q) of the first row; nullopt when the query failed or found nothing.
template <typename RowFn>
auto selectOne(QSqlQuery& q, const char* what, RowFn&& rowFn)
    -> std::optional<std::decay_t<std::invoke_result_t<RowFn&, const QSqlQuery&>>>
{
    if (!exec(q, what) || !q.next())
        return std::nullopt;
    return rowFn(std::as_const(q));
}

} // namespace anyrouter::sql
