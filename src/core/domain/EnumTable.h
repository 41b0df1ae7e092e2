// EnumTable: one constexpr table per enum for its stable string names (stored in the database,
// written to exports and logs), read both ways, so a name can never be spelled differently on the
// way in and on the way out. A table is checked at compile time (enumTableIsComplete): every value
// from 0 to the last one once, names unique and non-empty.
#pragma once

#include <QString>
#include <QStringView>

#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

namespace anyrouter {

template <typename E> struct EnumName
{
    E value;
    std::u16string_view name;
};

// The name of value, or an empty string if the table lacks it. The QString points at the table's
// static text (no copy).
template <typename E, std::size_t N> QString enumToString(const EnumName<E> (&table)[N], E value)
{
    for (const EnumName<E>& e : table) {
        if (e.value == value)
            return QString::fromRawData(reinterpret_cast<const QChar*>(e.name.data()),
                                        qsizetype(e.name.size()));
    }
    return {};
}

// The same, with fallback's name for a value the table lacks (one cast from a bad integer).
template <typename E, std::size_t N> QString enumToString(const EnumName<E> (&table)[N], E value, E fallback)
{
    QString s = enumToString(table, value);
    return s.isEmpty() ? enumToString(table, fallback) : s;
}

// The value named s (exact, case-sensitive), or nullopt.
template <typename E, std::size_t N>
std::optional<E> enumFromString(const EnumName<E> (&table)[N], QStringView s)
{
    for (const EnumName<E>& e : table) {
        if (s == QStringView(e.name.data(), qsizetype(e.name.size())))
            return e.value;
    }
    return std::nullopt;
}

// True when the table holds each value 0 .. last exactly once (last is the enum's last value, so
// N == last + 1) and its names are non-empty and distinct.
template <typename E, std::size_t N> constexpr bool enumTableIsComplete(const EnumName<E> (&table)[N], E last)
{
    using U = std::underlying_type_t<E>;
    if (static_cast<std::size_t>(static_cast<U>(last)) + 1 != N)
        return false;
    for (std::size_t v = 0; v < N; ++v) {
        int seen = 0;
        for (const EnumName<E>& e : table)
            seen += static_cast<std::size_t>(static_cast<U>(e.value)) == v ? 1 : 0;
        if (seen != 1)
            return false;
    }
    for (std::size_t i = 0; i < N; ++i) {
        if (table[i].name.empty())
            return false;
        for (std::size_t j = i + 1; j < N; ++j) {
            if (table[i].name == table[j].name)
                return false;
        }
    }
    return true;
}

} // namespace anyrouter
