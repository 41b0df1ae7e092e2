// CatalogFilter: the combinable criteria of the Models page (text, provider, prices, context,
// modalities, capabilities, free, changed), fast enough to re-run over 10,000 entries per keystroke.
#pragma once

#include "core/catalog/CatalogEntry.h"

#include <QJsonObject>
#include <QSet>
#include <QString>
#include <QStringMatcher>

#include <optional>

namespace anyrouter {

class Settings;

struct CatalogFilter // all criteria combine (AND); empty = no constraint
{
    QString text;            // case-insensitive over id, name, description, provider
    QSet<QString> providers; // provider slugs (ModelInfo::providerSlug())
    std::optional<double> maxInputPerM, maxOutputPerM; // models with unknown price fail a max-price filter
    qint64 minContext = 0;
    QSet<QString> inputModalities; // all must be present (e.g. "image")
    QSet<QString> outputModalities;
    QSet<QString>
        capabilities; // all must be present (open vocabulary, e.g. "tool_use", "vision", "reasoning")
    bool freeOnly = false;
    bool changedOnly = false; // new or price-changed

    bool matches(const CatalogEntry& e) const; // must be fast: 10,000 entries re-filtered in <= 5 ms total
    bool isEmpty() const;                      // no constraint at all
    QJsonObject toJson() const;
    static CatalogFilter fromJson(const QJsonObject& o); // tolerant: unknown or malformed fields are ignored

    // Persisted in Settings::Key::CatalogFilterState (survives restarts).
    static CatalogFilter load(const Settings& settings);
    void save(Settings& settings) const;

    friend bool operator==(const CatalogFilter& a, const CatalogFilter& b); // compares the criteria only

    // Cache of matches(), not a criterion: the trimmed text and its case-insensitive Boyer-Moore
    // matcher, rebuilt when text changes. Makes matches() unsafe to call on one filter from two threads.
    mutable QString m_textSource, m_needle;
    mutable QByteArray m_lowerNeedle; // UTF-8, against CatalogEntry::searchText
    mutable QStringMatcher m_matcher;
};

} // namespace anyrouter
