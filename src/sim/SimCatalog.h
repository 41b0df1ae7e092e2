// SimCatalog: the simulator's model catalog. By default a hand-made, realistic catalog (150+
// models, 30+ authors, free and premium prices, 4K..2M contexts, vision/audio/image modalities,
// unusual capabilities); with a model count, a procedurally generated one for scale benchmarks.
// Serialises models in AnyRouter (per-1K numbers) or OpenRouter (per-token strings) pricing and
// leaves optional fields out of some entries so clients' tolerant parsing gets exercised.
#pragma once

#include "sim/SimConfig.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace anyrouter::sim {

struct SimModel
{
    QString id;
    QString name;
    QString author;      // slug before the '/', e.g. "anthropic"
    QString authorName;  // display, e.g. "Anthropic"
    QString description; // empty: omitted from JSON
    QString category;
    qint64 contextLength = 0;
    qint64 maxOutput = 0;
    double inPerM = 0;
    double outPerM = 0;
    double cacheReadPerM = -1; // < 0: no prompt caching
    qint64 created = 0;        // unix seconds; 0: omitted
    bool omitArchitecture = false;
    QStringList capabilities;
    QStringList inputModalities;
    QStringList outputModalities;
    QStringList supportedParameters;
    QStringList upstreams; // serving provider slugs, preferred first
    int index = 0;         // position; Mixed pricing alternates on it

    bool has(const QString& capability) const { return capabilities.contains(capability); }
    bool supportsChat() const { return !has(QStringLiteral("embeddings")); }
    // USD for one request at this model's prices.
    double cost(qint64 promptTokens, qint64 cachedTokens, qint64 completionTokens) const;
};

class SimCatalog
{
public:
    static SimCatalog handMade(quint32 seed, int revision);
    static SimCatalog generated(int count, quint32 seed, int revision);

    const QList<SimModel>& models() const { return m_models; }
    const SimModel* find(const QString& id) const;
    int providerCount() const; // distinct authors

    QJsonObject toJson(const SimModel& m, PricingShape pricing, bool detail = false) const;
    QJsonObject pricingJson(const SimModel& m, PricingShape pricing) const;
    // Models passing the documented filters: provider, category, min_context, capability (repeatable).
    QList<const SimModel*> filtered(const QUrlQuery& query) const;

    // Serving providers (upstreams): slug -> display name, all of them in first-seen order.
    static QString upstreamName(const QString& slug);
    QStringList upstreamSlugs() const;

private:
    void finish(quint32 seed, int revision);
    void applyRevision(int revision);

    QList<SimModel> m_models;
    QHash<QString, qsizetype> m_byId;
};

} // namespace anyrouter::sim
