// CatalogRepository: cache-first loading, background refresh, change marks and the status line.
#include "CatalogRepository.h"

#include "CatalogLog.h"
#include "api/CatalogService.h"
#include "app/WorkspaceManager.h"
#include "storage/CatalogCache.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>
#include <QUrl>

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

QString describeAge(qint64 ageMs)
{
    const qint64 minutes = std::max<qint64>(0, ageMs) / 60'000;
    if (minutes < 1)
        return CatalogRepository::tr("just now");
    if (minutes < 60)
        return CatalogRepository::tr("%n min ago", nullptr, int(minutes));
    const qint64 hours = minutes / 60;
    if (hours < 48)
        return CatalogRepository::tr("%n h ago", nullptr, int(hours));
    return CatalogRepository::tr("%n days ago", nullptr, int(hours / 24));
}

} // namespace

CatalogRepository::CatalogRepository(WorkspaceManager* workspaces, CatalogCache* cache, QObject* parent)
    : QObject(parent), m_workspaces(workspaces), m_cache(cache)
{
    m_marksDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/catalog-marks"_s;
    if (m_workspaces) {
        // Keys arrive asynchronously after a workspace switch; a refresh before that would only fail.
        connect(m_workspaces, &WorkspaceManager::keysReady, this, [this](const Workspace& ws) {
            if (ws.id == m_workspaceId && !m_refreshing)
                refresh();
        });
    }
}

CatalogRepository::~CatalogRepository() = default;

const QList<CatalogEntry>& CatalogRepository::entries() const
{
    return m_entries;
}

QDateTime CatalogRepository::fetchedAt() const
{
    return m_fetchedAt;
}

bool CatalogRepository::isRefreshing() const
{
    return m_refreshing;
}

bool CatalogRepository::lastRefreshFailed() const
{
    return m_failed;
}

qint64 CatalogRepository::nowMs() const
{
    if (m_workspaces && m_workspaces->client() && m_workspaces->client()->clock())
        return m_workspaces->client()->clock()->nowMs();
    return QDateTime::currentMSecsSinceEpoch();
}

QString CatalogRepository::statusText() const
{
    if (m_workspaceId.isEmpty())
        return tr("No workspace selected");
    const bool haveData = m_fetchedAt.isValid();
    const QDateTime local = m_fetchedAt.toLocalTime();
    const QString when = local.date() == QDateTime::fromMSecsSinceEpoch(nowMs()).toLocalTime().date()
                             ? QLocale().toString(local.time(), QLocale::ShortFormat)
                             : QLocale().toString(local, QLocale::ShortFormat);
    if (m_refreshing)
        return haveData ? tr("Refreshing… (catalog from %1)").arg(when) : tr("Loading the catalog…");
    if (m_failed) {
        const QString reason =
            m_unreachable ? tr("Gateway unreachable") : tr("Refresh failed: %1").arg(m_failure);
        return haveData ? tr("%1 — showing the catalog from %2").arg(reason, when)
                        : tr("%1 — no stored catalog yet").arg(reason);
    }
    if (!haveData)
        return tr("No catalog yet");
    return tr("Updated %1").arg(describeAge(nowMs() - m_fetchedAt.toMSecsSinceEpoch()));
}

std::optional<CatalogEntry> CatalogRepository::find(const QString& id) const
{
    const auto it = m_index.constFind(id);
    if (it == m_index.constEnd())
        return std::nullopt;
    return m_entries.at(*it);
}

QStringList CatalogRepository::providers() const
{
    return m_providers;
}

QStringList CatalogRepository::capabilities() const
{
    return m_capabilities;
}

QStringList CatalogRepository::modalities() const
{
    return m_modalities;
}

void CatalogRepository::setMarksDirectory(const QString& dir)
{
    m_marksDir = dir;
}

QString CatalogRepository::marksDirectory() const
{
    return m_marksDir;
}

void CatalogRepository::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_entries.size());
    QSet<QString> providers, caps, modalities;
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        const ModelInfo& m = m_entries.at(i).model;
        m_index.insert(m.id, i);
        const QString slug = m.providerSlug();
        if (!slug.isEmpty())
            providers.insert(slug);
        for (const QString& c : m.capabilities)
            caps.insert(c);
        for (const QString& x : m.inputModalities)
            modalities.insert(x);
        for (const QString& x : m.outputModalities)
            modalities.insert(x);
    }
    m_providers = sortedList(providers);
    m_capabilities = sortedList(caps);
    m_modalities = sortedList(modalities);
}

void CatalogRepository::loadCache(const QString& workspaceId)
{
    m_workspaceId = workspaceId;
    m_entries.clear();
    m_fetchedAt = {};
    if (m_cache && !workspaceId.isEmpty()) {
        QElapsedTimer timer;
        timer.start();
        if (const auto cached = m_cache->load(workspaceId)) {
            m_entries.reserve(cached->models.size());
            for (const QJsonObject& raw : cached->models) {
                CatalogEntry e;
                e.model = CatalogService::parseModel(raw);
                deriveCapabilities(e.model);
                e.firstSeenAt = cached->firstSeenAt.value(e.model.id);
                e.updateSearchText();
                m_entries.append(std::move(e));
            }
            m_fetchedAt = cached->fetchedAt;
        }
        qCDebug(lcCatalog) << "catalog cache:" << m_entries.size() << "models in" << timer.elapsed() << "ms";
    }
    rebuildIndex();
    applyMarks(workspaceId);
}

void CatalogRepository::loadForCurrentWorkspace()
{
    ++m_generation; // a reply still on its way belongs to what was shown before
    m_refreshing = false;
    m_failed = false;
    m_unreachable = false;
    m_failure.clear();
    loadCache(m_workspaces ? m_workspaces->current().id : QString());
    emit entriesChanged();
    emit statusChanged();
    refresh();
}

void CatalogRepository::refresh()
{
    if (!m_workspaces || m_refreshing)
        return;
    const QString workspaceId = m_workspaces->current().id;
    if (workspaceId.isEmpty()) {
        emit statusChanged();
        return;
    }
    if (workspaceId != m_workspaceId) {
        // The workspace changed under us: show its cache before its live list.
        ++m_generation;
        loadCache(workspaceId);
        emit entriesChanged();
    }
    m_refreshing = true;
    emit statusChanged();
    const quint64 generation = m_generation;
    m_workspaces->catalog()->fetchModels(
        this, [this, generation, workspaceId](const Result<QList<ModelInfo>>& r) {
            if (generation != m_generation || workspaceId != m_workspaceId)
                return; // late answer for a workspace no longer shown
            if (r.ok()) {
                applyFetched(workspaceId, r.value);
                finishRefresh(false, {});
            } else {
                m_unreachable = r.error.category() == ApiError::Category::Network ||
                                r.error.category() == ApiError::Category::Timeout;
                qCInfo(lcCatalog) << "catalog refresh failed:" << ApiError::categoryName(r.error.category());
                finishRefresh(true,
                              r.unsupported ? tr("the gateway does not list models") : r.error.userMessage());
            }
        });
}

void CatalogRepository::finishRefresh(bool failed, const QString& failure)
{
    m_refreshing = false;
    m_failed = failed;
    m_failure = failure;
    if (!failed)
        m_unreachable = false;
    emit statusChanged();
}

void CatalogRepository::applyFetched(const QString& workspaceId, const QList<ModelInfo>& models)
{
    const QDateTime fetchedAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    // The first catalog ever seen has nothing to compare with: marking all of it "new" says nothing.
    const bool firstEver = !m_fetchedAt.isValid();

    QList<CatalogEntry> next;
    next.reserve(models.size());
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
        const auto it = m_index.constFind(model.id);
        if (it != m_index.constEnd()) {
            const CatalogEntry& prev = m_entries.at(*it);
            e.firstSeenAt = prev.firstSeenAt.isValid() ? prev.firstSeenAt : fetchedAt;
            // Equal signatures are the common case and skip the numeric comparison; a different
            // signature may only be a different shape (per-1K vs per-token) for the same prices.
            if (CatalogCache::priceSignature(prev.model.raw) != CatalogCache::priceSignature(model.raw) &&
                !samePricing(prev.model.pricing, model.pricing)) {
                e.priceChanged = true;
                e.previousInputPerM = prev.model.pricing.inputPerM;
                e.previousOutputPerM = prev.model.pricing.outputPerM;
            }
        } else {
            e.firstSeenAt = fetchedAt;
            e.isNew = !firstEver;
        }
        e.updateSearchText();
        raws.append(model.raw);
        next.append(std::move(e));
    }
    if (m_cache && !m_cache->store(workspaceId, raws, fetchedAt))
        qCWarning(lcCatalog) << "could not store the catalog in the local cache";
    m_entries = std::move(next);
    m_fetchedAt = fetchedAt;
    rebuildIndex();
    saveMarks(workspaceId);
    emit entriesChanged();
}

QString CatalogRepository::marksPath(const QString& workspaceId) const
{
    // Workspace ids are ours (uuids, "demo", "env"), but percent-encoding keeps any id a safe file name.
    return m_marksDir + u'/' + QString::fromLatin1(QUrl::toPercentEncoding(workspaceId)) + u".json"_s;
}

// The marks of the latest refresh, so a restart (which shows the cache) still shows what changed.
// Kept beside the cache rather than in it: CatalogCache stores the gateway's entries as given.
void CatalogRepository::saveMarks(const QString& workspaceId) const
{
    QJsonArray added;
    QJsonObject changed;
    for (const CatalogEntry& e : m_entries) {
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
    doc.insert(u"fetchedAt"_s, double(m_fetchedAt.toMSecsSinceEpoch()));
    doc.insert(u"new"_s, added);
    doc.insert(u"priceChanged"_s, changed);
    if (!QDir().mkpath(m_marksDir)) {
        qCWarning(lcCatalog) << "cannot create the folder for catalog change marks";
        return;
    }
    QSaveFile file(marksPath(workspaceId));
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(doc).toJson(QJsonDocument::Compact)) < 0 || !file.commit())
        qCWarning(lcCatalog) << "cannot save catalog change marks:" << file.errorString();
}

void CatalogRepository::applyMarks(const QString& workspaceId)
{
    if (m_entries.isEmpty() || workspaceId.isEmpty())
        return;
    QFile file(marksPath(workspaceId));
    if (!file.open(QIODevice::ReadOnly))
        return;
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
    // Marks describe one refresh; if the cache holds another (another instance refreshed, or the
    // marks could not be written), they would describe the wrong change.
    if (qint64(doc.value(u"fetchedAt"_s).toDouble()) != m_fetchedAt.toMSecsSinceEpoch())
        return;
    const QJsonArray added = doc.value(u"new"_s).toArray();
    for (const QJsonValue& v : added) {
        const auto it = m_index.constFind(v.toString());
        if (it != m_index.constEnd())
            m_entries[*it].isNew = true;
    }
    const QJsonObject changed = doc.value(u"priceChanged"_s).toObject();
    for (auto c = changed.constBegin(); c != changed.constEnd(); ++c) {
        const auto it = m_index.constFind(c.key());
        if (it == m_index.constEnd())
            continue;
        CatalogEntry& e = m_entries[*it];
        const QJsonObject prev = c.value().toObject();
        e.priceChanged = true;
        if (prev.value(u"input"_s).isDouble())
            e.previousInputPerM = prev.value(u"input"_s).toDouble();
        if (prev.value(u"output"_s).isDouble())
            e.previousOutputPerM = prev.value(u"output"_s).toDouble();
    }
}

} // namespace anyrouter
