// CatalogWorker: cache reads, /models parsing, change marks and cache writes off the GUI thread.
#include "core/catalog/CatalogWorker.h"

#include "core/catalog/CatalogLog.h"
#include "core/storage/CatalogCache.h"
#include "core/storage/Database.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// Per-token strings times 1e6 and per-1K numbers times 1e3 leave float noise; a real price change
// is never below a millionth of the price.
bool samePrice(const std::optional<double>& a, const std::optional<double>& b)
{
    if (a.has_value() != b.has_value())
        return false;
    if (!a)
        return true;
    return std::abs(*a - *b) <= 1e-6 * std::max({1e-9, std::abs(*a), std::abs(*b)});
}

bool samePricing(const ModelPricing& a, const ModelPricing& b)
{
    return samePrice(a.inputPerM, b.inputPerM) && samePrice(a.outputPerM, b.outputPerM) &&
           samePrice(a.cacheReadPerM, b.cacheReadPerM);
}

// Gateways in the OpenRouter shape send no "capabilities" array; offer the same filter vocabulary
// from what they do send. Names the gateway gives are never replaced or dropped.
void deriveCapabilities(ModelInfo& m)
{
    if (!m.capabilities.isEmpty())
        return;
    const QStringList& params = m.supportedParameters;
    if (params.contains(u"tools"_s) || params.contains(u"tool_choice"_s))
        m.capabilities.append(u"tool_use"_s);
    if (m.inputModalities.contains(u"image"_s, Qt::CaseInsensitive))
        m.capabilities.append(u"vision"_s);
    if (params.contains(u"reasoning"_s) || params.contains(u"include_reasoning"_s))
        m.capabilities.append(u"reasoning"_s);
    if (params.contains(u"response_format"_s) || params.contains(u"structured_outputs"_s))
        m.capabilities.append(u"json_output"_s);
}

QStringList sortedList(const QSet<QString>& set)
{
    QStringList out(set.begin(), set.end());
    std::sort(out.begin(), out.end(), [](const QString& a, const QString& b) {
        const int c = a.compare(b, Qt::CaseInsensitive);
        return c != 0 ? c < 0 : a < b;
    });
    return out;
}

// The marks of the latest refresh, so a restart (which shows the cache) still shows what changed.
// Kept beside the cache rather than in it: CatalogCache stores the gateway's entries as given.
void saveMarks(const CatalogSnapshot& s, const QString& path)
{
    if (path.isEmpty())
        return;
    QJsonArray added;
    QJsonObject changed;
    for (const CatalogEntry& e : s.entries) {
        if (e.isNew)
            added.append(e.model.id);
        if (e.priceChanged) {
            QJsonObject prev;
            if (e.previousInputPerM)
                prev.insert(u"input"_s, *e.previousInputPerM);
            if (e.previousOutputPerM)
                prev.insert(u"output"_s, *e.previousOutputPerM);
            changed.insert(e.model.id, prev);
        }
    }
    QJsonObject doc;
    doc.insert(u"fetchedAt"_s, double(s.fetchedAt.toMSecsSinceEpoch()));
    doc.insert(u"new"_s, added);
    doc.insert(u"priceChanged"_s, changed);
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        qCWarning(lcCatalog) << "cannot create the folder for catalog change marks";
        return;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(doc).toJson(QJsonDocument::Compact)) < 0 || !file.commit())
        qCWarning(lcCatalog) << "cannot save catalog change marks:" << file.errorString();
}

void applyMarks(CatalogSnapshot& s, const QString& path)
{
    if (s.entries.isEmpty() || path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
    // Marks describe one refresh; if the cache holds another (another instance refreshed, or the
    // marks could not be written), they would describe the wrong change.
    if (qint64(doc.value(u"fetchedAt"_s).toDouble()) != s.fetchedAt.toMSecsSinceEpoch())
        return;
    const QJsonArray added = doc.value(u"new"_s).toArray();
    for (const QJsonValue& v : added) {
        const auto it = s.index.constFind(v.toString());
        if (it != s.index.constEnd())
            s.entries[*it].isNew = true;
    }
    const QJsonObject changed = doc.value(u"priceChanged"_s).toObject();
    for (auto c = changed.constBegin(); c != changed.constEnd(); ++c) {
        const auto it = s.index.constFind(c.key());
        if (it == s.index.constEnd())
            continue;
        CatalogEntry& e = s.entries[*it];
        const QJsonObject prev = c.value().toObject();
        e.priceChanged = true;
        if (prev.value(u"input"_s).isDouble())
            e.previousInputPerM = prev.value(u"input"_s).toDouble();
        if (prev.value(u"output"_s).isDouble())
            e.previousOutputPerM = prev.value(u"output"_s).toDouble();
    }
}

} // namespace

void CatalogSnapshot::rebuildIndex()
{
    index.clear();
    index.reserve(entries.size());
    providerNames.clear();
    QSet<QString> providerSet, capSet, modalitySet;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const ModelInfo& m = entries.at(i).model;
        index.insert(m.id, i);
        const QString slug = m.providerSlug();
        if (!slug.isEmpty()) {
            providerSet.insert(slug);
            if (!m.provider.isEmpty() && m.provider != slug && !providerNames.contains(slug))
                providerNames.insert(slug, m.provider);
        }
        for (const QString& c : m.capabilities)
            capSet.insert(c);
        for (const QString& x : m.inputModalities)
            modalitySet.insert(x);
        for (const QString& x : m.outputModalities)
            modalitySet.insert(x);
    }
    providers = sortedList(providerSet);
    capabilities = sortedList(capSet);
    modalities = sortedList(modalitySet);
}

CatalogWorker::CatalogWorker(CatalogCache* cache, const QString& databasePath)
    : m_inlineCache(cache), m_worker(databasePath, u"catalog-worker"_s)
{}

CatalogWorker::~CatalogWorker() = default;

void CatalogWorker::post(const CancelToken& cancelled, Job job)
{
    m_worker.post(cancelled, [this, job = std::move(job)](Database* db) {
        if (!m_worker.isThreaded()) {
            job(m_inlineCache);
            return;
        }
        if (!db) {
            job(nullptr);
            return;
        }
        CatalogCache cache(*db); // a view over the worker's own connection
        job(&cache);
    });
}

CatalogSnapshot CatalogWorker::readCache(CatalogCache* cache, const QString& workspaceId,
                                         const QString& marksPath, Unit unit, qsizetype limit)
{
    CatalogSnapshot s;
    s.workspaceId = workspaceId;
    QElapsedTimer timer;
    timer.start();
    if (const auto cached = cache ? cache->load(workspaceId, limit) : std::nullopt) {
        s.entries.reserve(cached->models.size());
        for (const QJsonObject& raw : cached->models) {
            CatalogEntry e;
            e.model = CatalogService::parseModel(raw, unit);
            deriveCapabilities(e.model);
            e.firstSeenAt = cached->firstSeenAt.value(e.model.id);
            e.updateSearchText();
            s.entries.append(std::move(e));
        }
        s.fetchedAt = cached->fetchedAt;
    }
    s.rebuildIndex();
    applyMarks(s, marksPath);
    s.totalCount = s.entries.size();
    qCDebug(lcCatalog) << "catalog cache:" << s.entries.size() << "models in" << timer.elapsed() << "ms";
    return s;
}

void CatalogWorker::load(const CancelToken& cancelled, const QString& workspaceId, const QString& marksPath,
                         Unit unit, qsizetype headCount, Deliver deliver)
{
    if (workspaceId.isEmpty())
        return;
    post(cancelled, [=, this](CatalogCache* cache) {
        if (headCount > 0 && cache) {
            const qsizetype total = cache->count(workspaceId);
            if (total > headCount) {
                CatalogSnapshot head = readCache(cache, workspaceId, marksPath, unit, headCount);
                head.complete = false;
                head.totalCount = total;
                deliver(std::move(head));
                if (cancelled && cancelled->load())
                    return;
            }
        }
        CatalogSnapshot full = readCache(cache, workspaceId, marksPath, unit, -1);
        m_baseline = full;
        deliver(std::move(full));
    });
}

CatalogSnapshot CatalogWorker::diffAndStore(CatalogCache* cache, const QString& workspaceId,
                                            const QList<ModelInfo>& models, const QDateTime& fetchedAt,
                                            const QString& marksPath, Unit unit)
{
    if (m_baseline.workspaceId != workspaceId) // a refresh before any load of this workspace
        m_baseline = readCache(cache, workspaceId, marksPath, unit, -1);
    const CatalogSnapshot& prev = m_baseline;
    // The first catalog ever seen has nothing to compare with: marking all of it "new" says nothing.
    const bool firstEver = !prev.fetchedAt.isValid();

    CatalogSnapshot next;
    next.workspaceId = workspaceId;
    next.fetchedAt = fetchedAt;
    next.entries.reserve(models.size());
    QList<QJsonObject> raws;
    raws.reserve(models.size());
    QSet<QString> seen;
    for (const ModelInfo& model : models) {
        if (model.id.isEmpty() || seen.contains(model.id))
            continue; // the cache keys rows by id; a duplicate would only overwrite the first
        seen.insert(model.id);
        CatalogEntry e;
        e.model = model;
        deriveCapabilities(e.model);
        const auto it = prev.index.constFind(model.id);
        if (it != prev.index.constEnd()) {
            const CatalogEntry& before = prev.entries.at(*it);
            e.firstSeenAt = before.firstSeenAt.isValid() ? before.firstSeenAt : fetchedAt;
            // Equal signatures are the common case and skip the numeric comparison; a different
            // signature may only be a different shape (per-1K vs per-token) for the same prices.
            if (CatalogCache::priceSignature(before.model.raw) != CatalogCache::priceSignature(model.raw) &&
                !samePricing(before.model.pricing, model.pricing)) {
                e.priceChanged = true;
                e.previousInputPerM = before.model.pricing.inputPerM;
                e.previousOutputPerM = before.model.pricing.outputPerM;
            }
        } else {
            e.firstSeenAt = fetchedAt;
            e.isNew = !firstEver;
        }
        e.updateSearchText();
        raws.append(model.raw);
        next.entries.append(std::move(e));
    }
    next.rebuildIndex();
    next.totalCount = next.entries.size();
    QElapsedTimer timer;
    timer.start();
    next.stored = cache && cache->store(workspaceId, raws, fetchedAt);
    if (!next.stored) {
        // Shown all the same; the baseline stays what the cache holds, so the next refresh (and a
        // restart) compares with the stored list, not with one that was never kept.
        qCWarning(lcCatalog) << "could not store the catalog in the local cache";
        return next;
    }
    qCDebug(lcCatalog) << "catalog stored:" << raws.size() << "models in" << timer.elapsed() << "ms";
    saveMarks(next, marksPath);
    m_baseline = next;
    return next;
}

void CatalogWorker::applyFetched(const CancelToken& cancelled, const QString& workspaceId,
                                 const QByteArray& body, const QDateTime& fetchedAt, const QString& marksPath,
                                 Unit unit, Deliver deliver, std::function<void(QString)> failed)
{
    post(cancelled, [=, this](CatalogCache* cache) {
        Result<QList<ModelInfo>> parsed;
        CatalogService::parseModelList(body, unit, parsed);
        if (!parsed.ok()) {
            failed(parsed.error.userMessage());
            return;
        }
        deliver(diffAndStore(cache, workspaceId, parsed.value, fetchedAt, marksPath, unit));
    });
}

} // namespace anyrouter
