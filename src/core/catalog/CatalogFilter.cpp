// CatalogFilter: matching and persistence of the Models page filter.
#include "core/catalog/CatalogFilter.h"

#include "core/storage/Settings.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// Every wanted name must be in have. Names are compared case-insensitively because gateways differ
// in spelling ("Image" vs "image"); the sets are tiny, so a linear scan beats building a set.
bool containsAll(const QStringList& have, const QSet<QString>& wanted)
{
    for (const QString& w : wanted) {
        if (!have.contains(w, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

// providerSlug() allocates a section per call; this compares the id's prefix in place.
bool hasProvider(const QString& id, const QSet<QString>& slugs)
{
    for (const QString& slug : slugs) {
        if (id.size() > slug.size() && id.at(slug.size()) == u'/' && id.startsWith(slug))
            return true;
    }
    return false;
}

bool isFreeModel(const ModelInfo& m)
{
    if (m.id.endsWith(u":free"))
        return true;
    // ModelPricing::isFree() treats absent prices as zero; a model whose price is simply unknown
    // must not be offered as free.
    const ModelPricing& p = m.pricing;
    if (!p.inputPerM && !p.outputPerM && !p.perRequest)
        return false;
    return p.isFree();
}

QJsonArray sortedArray(const QSet<QString>& set)
{
    QStringList list(set.begin(), set.end());
    std::sort(list.begin(), list.end());
    return QJsonArray::fromStringList(list);
}

QSet<QString> stringSet(const QJsonValue& v)
{
    QSet<QString> out;
    const QJsonArray arr = v.toArray();
    for (const QJsonValue& x : arr) {
        const QString s = x.toString().trimmed();
        if (!s.isEmpty())
            out.insert(s);
    }
    return out;
}

std::optional<double> nonNegative(const QJsonValue& v)
{
    if (!v.isDouble() || v.toDouble() < 0)
        return std::nullopt;
    return v.toDouble();
}

} // namespace

bool CatalogFilter::matches(const CatalogEntry& e) const
{
    const ModelInfo& m = e.model;
    // Cheap numeric and flag tests first; the text scan over descriptions is the expensive part.
    if (changedOnly && !e.isNew && !e.priceChanged)
        return false;
    if (minContext > 0 && m.contextLength < minContext)
        return false;
    if (maxInputPerM && (!m.pricing.inputPerM || *m.pricing.inputPerM > *maxInputPerM))
        return false;
    if (maxOutputPerM && (!m.pricing.outputPerM || *m.pricing.outputPerM > *maxOutputPerM))
        return false;
    if (freeOnly && !isFreeModel(m))
        return false;
    if (!providers.isEmpty() && !hasProvider(m.id, providers))
        return false;
    if (!containsAll(m.inputModalities, inputModalities) ||
        !containsAll(m.outputModalities, outputModalities) || !containsAll(m.capabilities, capabilities))
        return false;
    if (text.isEmpty())
        return true;
    if (text != m_textSource || m_textSource.isNull()) {
        m_textSource = text;
        m_needle = text.trimmed();
        m_lowerNeedle = m_needle.toLower().toUtf8();
        m_matcher = QStringMatcher(m_needle, Qt::CaseInsensitive);
    }
    if (m_needle.isEmpty())
        return true;
    if (!e.searchText.isEmpty())
        return std::string_view(e.searchText.constData(), size_t(e.searchText.size()))
                   .find(std::string_view(m_lowerNeedle.constData(), size_t(m_lowerNeedle.size()))) !=
               std::string_view::npos;
    // Boyer-Moore pays off only for longer needles; the first keystrokes scan directly.
    if (m_needle.size() <= 3)
        return m.id.contains(m_needle, Qt::CaseInsensitive) ||
               m.name.contains(m_needle, Qt::CaseInsensitive) ||
               m.provider.contains(m_needle, Qt::CaseInsensitive) ||
               m.description.contains(m_needle, Qt::CaseInsensitive);
    return m_matcher.indexIn(m.id) >= 0 || m_matcher.indexIn(m.name) >= 0 ||
           m_matcher.indexIn(m.provider) >= 0 || m_matcher.indexIn(m.description) >= 0;
}

bool CatalogFilter::isEmpty() const
{
    return *this == CatalogFilter{};
}

QJsonObject CatalogFilter::toJson() const
{
    QJsonObject o;
    if (!text.isEmpty())
        o.insert(u"text"_s, text);
    if (!providers.isEmpty())
        o.insert(u"providers"_s, sortedArray(providers));
    if (maxInputPerM)
        o.insert(u"maxInputPerM"_s, *maxInputPerM);
    if (maxOutputPerM)
        o.insert(u"maxOutputPerM"_s, *maxOutputPerM);
    if (minContext > 0)
        o.insert(u"minContext"_s, double(minContext));
    if (!inputModalities.isEmpty())
        o.insert(u"inputModalities"_s, sortedArray(inputModalities));
    if (!outputModalities.isEmpty())
        o.insert(u"outputModalities"_s, sortedArray(outputModalities));
    if (!capabilities.isEmpty())
        o.insert(u"capabilities"_s, sortedArray(capabilities));
    if (freeOnly)
        o.insert(u"freeOnly"_s, true);
    if (changedOnly)
        o.insert(u"changedOnly"_s, true);
    return o;
}

CatalogFilter CatalogFilter::fromJson(const QJsonObject& o)
{
    CatalogFilter f;
    f.text = o.value(u"text"_s).toString();
    f.providers = stringSet(o.value(u"providers"_s));
    f.maxInputPerM = nonNegative(o.value(u"maxInputPerM"_s));
    f.maxOutputPerM = nonNegative(o.value(u"maxOutputPerM"_s));
    // Bounded before the cast: a stored 1e300 (or nan) must not overflow qint64 (undefined behaviour).
    const double minContext = o.value(u"minContext"_s).toDouble();
    f.minContext = std::isfinite(minContext) ? qint64(std::clamp(minContext, 0.0, 1e15)) : 0;
    f.inputModalities = stringSet(o.value(u"inputModalities"_s));
    f.outputModalities = stringSet(o.value(u"outputModalities"_s));
    f.capabilities = stringSet(o.value(u"capabilities"_s));
    f.freeOnly = o.value(u"freeOnly"_s).toBool();
    f.changedOnly = o.value(u"changedOnly"_s).toBool();
    return f;
}

CatalogFilter CatalogFilter::load(const Settings& settings)
{
    const QByteArray json = settings.value(Settings::Key::CatalogFilterState).toByteArray();
    if (json.isEmpty())
        return {};
    return fromJson(QJsonDocument::fromJson(json).object());
}

void CatalogFilter::save(Settings& settings) const
{
    settings.setValue(Settings::Key::CatalogFilterState,
                      QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

bool operator==(const CatalogFilter& a, const CatalogFilter& b)
{
    return a.text == b.text && a.providers == b.providers && a.maxInputPerM == b.maxInputPerM &&
           a.maxOutputPerM == b.maxOutputPerM && a.minContext == b.minContext &&
           a.inputModalities == b.inputModalities && a.outputModalities == b.outputModalities &&
           a.capabilities == b.capabilities && a.freeOnly == b.freeOnly && a.changedOnly == b.changedOnly;
}

} // namespace anyrouter
