// WorkspaceOverviewPage: the session's catalog, credits and health as a page of facts.
#include "ui/workspace/WorkspaceOverviewPage.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/catalog/CatalogRepository.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Format.h"
#include "ui/common/Palette.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QLabel* valueLabel(QWidget* parent, const QString& accessibleName)
{
    auto* l = new QLabel(parent);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    l->setWordWrap(true);
    l->setAccessibleName(accessibleName);
    return l;
}

// A form row's value: the figures, with the endpoint's state sentence under them when it has one.
QWidget* stackedValue(QWidget* parent, QLabel* value, EndpointStateView* state)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    value->setParent(box);
    state->setParent(box);
    layout->addWidget(value);
    layout->addWidget(state);
    return box;
}

} // namespace

WorkspaceOverviewPage::WorkspaceOverviewPage(AppContext* context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    setAccessibleName(tr("Workspace overview"));
    auto* outer = new QVBoxLayout(this);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    m_title->setFont(f);
    m_url = valueLabel(this, tr("Base URL"));
    m_keyState = valueLabel(this, tr("Key state"));
    m_keyState->setStyleSheet(palette::textCss(palette::Role::Warning));
    outer->addWidget(m_title);
    outer->addWidget(m_url);
    outer->addWidget(m_keyState);

    auto* facts = new QGroupBox(tr("Gateway"), this);
    auto* form = new QFormLayout(facts);
    m_connection = valueLabel(facts, tr("Connection"));
    m_models = valueLabel(facts, tr("Models"));
    m_credits = valueLabel(facts, tr("Credits"));
    m_creditsState = new EndpointStateView(tr("the credit balance"), u"/credits"_s, facts);
    m_creditsState->setMessage(EndpointStatus::State::Unsupported,
                               tr("This gateway does not offer a credits endpoint."));
    m_health = valueLabel(facts, tr("Health"));
    m_healthState = new EndpointStateView(tr("the gateway's health"), u"/health"_s, facts);
    m_healthState->setMessage(EndpointStatus::State::Unsupported,
                              tr("This gateway does not offer a health endpoint."));
    form->addRow(tr("Connection:"), m_connection);
    form->addRow(tr("Models:"), m_models);
    form->addRow(tr("Credits:"), stackedValue(facts, m_credits, m_creditsState));
    form->addRow(tr("Health:"), stackedValue(facts, m_health, m_healthState));
    outer->addWidget(facts);

    auto* tables = new QHBoxLayout;
    auto* provBox = new QGroupBox(tr("Providers (from /health)"), this);
    auto* provLayout = new QVBoxLayout(provBox);
    m_providers = new QTableWidget(0, 3, provBox);
    m_providers->setHorizontalHeaderLabels({tr("Provider"), tr("Status"), tr("Latency")});
    m_providers->setAccessibleName(tr("Provider health"));
    provLayout->addWidget(m_providers);
    auto* cheapBox = new QGroupBox(tr("Lowest-priced paid models (USD per 1M tokens)"), this);
    auto* cheapLayout = new QVBoxLayout(cheapBox);
    m_cheapest = new QTableWidget(0, 4, cheapBox);
    m_cheapest->setHorizontalHeaderLabels({tr("Model"), tr("Provider"), tr("Input"), tr("Output")});
    m_cheapest->setAccessibleName(tr("Lowest-priced models"));
    cheapLayout->addWidget(m_cheapest);
    for (QTableWidget* t : {m_providers, m_cheapest}) {
        t->verticalHeader()->hide();
        t->setEditTriggers(QAbstractItemView::NoEditTriggers);
        t->setSelectionBehavior(QAbstractItemView::SelectRows);
        t->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    }
    tables->addWidget(provBox, 2);
    tables->addWidget(cheapBox, 3);
    outer->addLayout(tables, 1);

    for (EndpointStateView* state : {m_creditsState, m_healthState})
        connect(state, &EndpointStateView::settingsRequested, this,
                &WorkspaceOverviewPage::workspaceSettingsRequested);
    connect(m_creditsState, &EndpointStateView::retryRequested, this, [this] {
        if (m_account)
            m_account->refreshCredits();
    });
    connect(m_healthState, &EndpointStateView::retryRequested, this, [this] {
        if (m_account)
            m_account->refreshHealth();
    });
    WorkspaceManager* ws = context->workspaces();
    connect(ws, &WorkspaceManager::keyStateChanged, this,
            [this](WorkspaceManager::KeyState, const QString& msg) {
                m_keyState->setText(msg);
                m_keyState->setVisible(!msg.isEmpty());
            });
    m_keyState->setText(ws->keyStateMessage());
    m_keyState->setVisible(!ws->keyStateMessage().isEmpty());
    connect(context, &AppContext::sessionChanged, this, &WorkspaceOverviewPage::bindSession);
    bindSession(context->session());
}

QString WorkspaceOverviewPage::connectionText() const
{
    return m_connection->text();
}

std::optional<double> WorkspaceOverviewPage::balance() const
{
    const std::optional<Credits> c = m_account ? m_account->credits() : std::nullopt;
    return c ? c->balance : std::nullopt;
}

void WorkspaceOverviewPage::bindSession(WorkspaceSession* session)
{
    // The old session is deleted right after this: let go of it first.
    for (QObject* old : {static_cast<QObject*>(m_session.data()), static_cast<QObject*>(m_catalog.data()),
                         static_cast<QObject*>(m_account.data())}) {
        if (old)
            disconnect(old, nullptr, this, nullptr);
    }
    m_session = session;
    m_catalog = session ? session->catalog() : nullptr;
    m_account = session ? session->account() : nullptr;
    m_connectionShown.clear();

    const Workspace ws = session ? session->workspace() : Workspace();
    QString kind;
    if (ws.kind == Workspace::Kind::Demo)
        kind = tr(" — offline demo (local simulated gateway, no key or network needed)");
    else if (ws.kind == Workspace::Kind::Environment)
        kind = tr(" — from ANYROUTER_* environment variables, not saved");
    m_title->setText(ws.name);
    m_url->setText(session ? ws.baseUrl.toDisplayString() + kind : QString());

    if (m_session)
        connect(m_session, &WorkspaceSession::keysBecameReady, this,
                &WorkspaceOverviewPage::updateConnection);
    if (m_catalog) {
        connect(m_catalog, &CatalogRepository::entriesChanged, this, &WorkspaceOverviewPage::updateModels);
        connect(m_catalog, &CatalogRepository::statusChanged, this, [this] {
            updateConnection();
            if (m_modelCount < 0)
                updateModels(); // "Loading…" or why not
        });
    }
    if (m_account) {
        connect(m_account, &AccountStatus::creditsChanged, this, &WorkspaceOverviewPage::updateCredits);
        connect(m_account, &AccountStatus::healthChanged, this, &WorkspaceOverviewPage::updateHealth);
    }
    m_providers->setRowCount(0);
    updateConnection();
    updateModels();
    updateCredits();
    updateHealth();
}

void WorkspaceOverviewPage::updateConnection()
{
    // The catalog refresh is this page's connection check: it starts the moment the keys are ready.
    QString text;
    bool settled = false;
    bool ok = false;
    if (!m_session || !m_catalog) {
        text = QString();
    } else if (!m_session->keysReady() || m_catalog->isRefreshing()) {
        text = tr("Connecting…");
    } else if (m_catalog->lastRefreshFailed()) {
        text = m_catalog->lastFailure();
        settled = true;
    } else {
        text = tr("Connected");
        settled = ok = true;
    }
    m_connection->setText(text);
    m_connection->setStyleSheet(settled ? palette::textCss(ok ? palette::Role::Success : palette::Role::Error)
                                        : QString());
    if (settled && text != m_connectionShown) {
        m_connectionShown = text;
        emit connectionStateChanged(text, ok);
    }
}

void WorkspaceOverviewPage::updateModels()
{
    const bool shown = m_catalog && m_catalog->fetchedAt().isValid() && m_catalog->isComplete();
    if (!shown) {
        m_modelCount = -1;
        m_cheapest->setRowCount(0);
        if (!m_catalog)
            m_models->clear();
        else if (m_catalog->lastRefreshFailed() && !m_catalog->isLoading())
            m_models->setText(m_catalog->lastFailure());
        else
            m_models->setText(tr("Loading…"));
        return;
    }
    const QList<CatalogEntry>& entries = m_catalog->entries();
    m_modelCount = entries.size();
    QMap<QString, int> providers;
    QList<const ModelInfo*> paid;
    int free = 0;
    for (const CatalogEntry& e : entries) {
        const ModelInfo& m = e.model;
        ++providers[m.providerSlug()];
        if (m.pricing.isFree())
            ++free;
        else if (m.pricing.inputPerM && m.pricing.outputPerM)
            paid.append(&m);
    }
    m_models->setText(tr("%1 from %2 providers (%3 free)")
                          .arg(QLocale().toString(qlonglong(entries.size())))
                          .arg(providers.size())
                          .arg(free));
    std::sort(paid.begin(), paid.end(), [](const ModelInfo* a, const ModelInfo* b) {
        const double pa = *a->pricing.inputPerM + *a->pricing.outputPerM;
        const double pb = *b->pricing.inputPerM + *b->pricing.outputPerM;
        return pa != pb ? pa < pb : a->id < b->id;
    });
    const int rows = int(std::min<qsizetype>(paid.size(), 25));
    m_cheapest->setRowCount(rows);
    for (int i = 0; i < rows; ++i) {
        const ModelInfo* m = paid.at(i);
        auto* name = new QTableWidgetItem(m->name);
        name->setToolTip(m->id);
        m_cheapest->setItem(i, 0, name);
        m_cheapest->setItem(i, 1, new QTableWidgetItem(m->provider));
        m_cheapest->setItem(i, 2, new QTableWidgetItem(format::pricePerM(m->pricing.inputPerM)));
        m_cheapest->setItem(i, 3, new QTableWidgetItem(format::pricePerM(m->pricing.outputPerM)));
    }
}

void WorkspaceOverviewPage::updateCredits()
{
    const EndpointStatus status = m_account ? m_account->creditsStatus() : EndpointStatus::idle();
    const std::optional<Credits> c = m_account ? m_account->credits() : std::nullopt;
    m_creditsState->setStatus(status.isProblem() ? status : EndpointStatus::ready());
    if (c) {
        QString text = tr("%1 remaining").arg(format::usd(c->balance.value_or(0)));
        if (c->totalUsage)
            text += tr(" · %1 used in total").arg(format::usd(*c->totalUsage));
        m_credits->setText(text);
    } else {
        m_credits->setText(m_account ? tr("Loading…") : QString());
    }
    m_credits->setVisible(c || !status.isProblem()); // the state sentence says why there is none
}

void WorkspaceOverviewPage::updateHealth()
{
    const EndpointStatus status = m_account ? m_account->healthStatus() : EndpointStatus::idle();
    const std::optional<HealthStatus> h = m_account ? m_account->health() : std::nullopt;
    m_healthState->setStatus(status.isProblem() ? status : EndpointStatus::ready());
    m_health->setVisible(h || !status.isProblem());
    if (!h) {
        m_health->setText(m_account ? tr("Loading…") : QString());
        m_providers->setRowCount(0);
        return;
    }
    if (m_account->isReadingHealth())
        return; // a new check is on its way: the last answer stays as it is until it comes
    int degraded = 0;
    m_providers->setRowCount(int(h->providers.size()));
    for (int i = 0; i < h->providers.size(); ++i) {
        const ProviderHealth& p = h->providers.at(i);
        const bool ok = p.status.compare(u"ok"_s, Qt::CaseInsensitive) == 0;
        degraded += ok ? 0 : 1;
        m_providers->setItem(i, 0, new QTableWidgetItem(p.label()));
        auto* statusItem = new QTableWidgetItem(p.status);
        statusItem->setForeground(palette::color(ok ? palette::Role::Success : palette::Role::Warning));
        m_providers->setItem(i, 1, statusItem);
        m_providers->setItem(
            i, 2, new QTableWidgetItem(p.latencyMs ? tr("%1 ms").arg(*p.latencyMs, 0, 'f', 0) : QString()));
    }
    m_health->setText(degraded == 0
                          ? tr("Gateway %1; all %2 providers OK").arg(h->status).arg(h->providers.size())
                          : tr("Gateway %1; %2 of %3 providers degraded or down")
                                .arg(h->status)
                                .arg(degraded)
                                .arg(h->providers.size()));
}

} // namespace anyrouter
