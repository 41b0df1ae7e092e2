#include "ui/workspace/WorkspaceOverviewPage.h"

#include "core/workspace/WorkspaceManager.h"
#include "ui/common/Format.h"

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

} // namespace

WorkspaceOverviewPage::WorkspaceOverviewPage(WorkspaceManager* workspaces, QWidget* parent)
    : QWidget(parent), m_workspaces(workspaces)
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
    m_keyState->setStyleSheet(u"color: #9a6700;"_s);
    outer->addWidget(m_title);
    outer->addWidget(m_url);
    outer->addWidget(m_keyState);

    auto* facts = new QGroupBox(tr("Gateway"), this);
    auto* form = new QFormLayout(facts);
    m_connection = valueLabel(facts, tr("Connection"));
    m_models = valueLabel(facts, tr("Models"));
    m_credits = valueLabel(facts, tr("Credits"));
    m_health = valueLabel(facts, tr("Health"));
    form->addRow(tr("Connection:"), m_connection);
    form->addRow(tr("Models:"), m_models);
    form->addRow(tr("Credits:"), m_credits);
    form->addRow(tr("Health:"), m_health);
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

    connect(m_workspaces, &WorkspaceManager::currentChanged, this, &WorkspaceOverviewPage::showWorkspace);
    connect(m_workspaces, &WorkspaceManager::keysReady, this, [this] { refresh(); });
    connect(m_workspaces, &WorkspaceManager::keyStateChanged, this,
            [this](WorkspaceManager::KeyState, const QString& msg) {
                m_keyState->setText(msg);
                m_keyState->setVisible(!msg.isEmpty());
            });
    m_keyState->hide();
}

QString WorkspaceOverviewPage::connectionText() const
{
    return m_connection->text();
}

void WorkspaceOverviewPage::setConnection(const QString& text, bool ok)
{
    m_connection->setText(text);
    m_connection->setStyleSheet(ok ? u"color: #1a7f37;"_s : u"color: #cf222e;"_s);
    emit connectionStateChanged(text, ok);
}

void WorkspaceOverviewPage::showWorkspace(const Workspace& ws)
{
    QString kind;
    if (ws.kind == Workspace::Kind::Demo)
        kind = tr(" — offline demo (local simulated gateway, no key or network needed)");
    else if (ws.kind == Workspace::Kind::Environment)
        kind = tr(" — from ANYROUTER_* environment variables, not saved");
    m_title->setText(ws.name);
    m_url->setText(ws.baseUrl.toDisplayString() + kind);
    m_connection->setText(tr("Connecting…"));
    m_connection->setStyleSheet({});
    m_models->setText(tr("Loading…"));
    m_credits->setText(tr("Loading…"));
    m_health->setText(tr("Loading…"));
    m_providers->setRowCount(0);
    m_cheapest->setRowCount(0);
    m_modelCount = -1;
    m_balance.reset();
}

void WorkspaceOverviewPage::refresh()
{
    const quint64 gen = ++m_refreshGeneration;
    auto stale = [this, gen] { return gen != m_refreshGeneration; };

    m_workspaces->catalog()->fetchModels(this, [this, stale](const Result<QList<ModelInfo>>& r) {
        if (stale())
            return;
        if (!r.ok()) {
            m_models->setText(r.error.userMessage());
            setConnection(r.error.userMessage(), false);
            return;
        }
        setConnection(tr("Connected"), true);
        showModels(r.value);
    });
    m_workspaces->account()->fetchCredits(this, [this, stale](const Result<Credits>& r) {
        if (stale())
            return;
        if (r.unsupported) {
            m_credits->setText(tr("This gateway does not offer a credits endpoint."));
        } else if (!r.ok()) {
            m_credits->setText(r.error.userMessage());
        } else {
            m_balance = r.value.balance;
            QString text = tr("%1 remaining").arg(format::usd(r.value.balance.value_or(0)));
            if (r.value.totalUsage)
                text += tr(" · %1 used in total").arg(format::usd(*r.value.totalUsage));
            m_credits->setText(text);
        }
    });
    m_workspaces->health()->fetchHealth(this, [this, stale](const Result<HealthStatus>& r) {
        if (stale())
            return;
        if (r.unsupported) {
            m_health->setText(tr("This gateway does not offer a health endpoint."));
            return;
        }
        if (!r.ok()) {
            m_health->setText(r.error.userMessage());
            return;
        }
        int degraded = 0;
        m_providers->setRowCount(int(r.value.providers.size()));
        for (int i = 0; i < r.value.providers.size(); ++i) {
            const ProviderHealth& p = r.value.providers.at(i);
            const bool ok = p.status.compare(u"ok"_s, Qt::CaseInsensitive) == 0;
            degraded += ok ? 0 : 1;
            m_providers->setItem(i, 0, new QTableWidgetItem(p.label()));
            auto* status = new QTableWidgetItem(p.status);
            status->setForeground(ok ? QColor(0x1a, 0x7f, 0x37) : QColor(0x9a, 0x67, 0x00));
            m_providers->setItem(i, 1, status);
            m_providers->setItem(
                i, 2,
                new QTableWidgetItem(p.latencyMs ? tr("%1 ms").arg(*p.latencyMs, 0, 'f', 0) : QString()));
        }
        m_health->setText(
            degraded == 0
                ? tr("Gateway %1; all %2 providers OK").arg(r.value.status).arg(r.value.providers.size())
                : tr("Gateway %1; %2 of %3 providers degraded or down")
                      .arg(r.value.status)
                      .arg(degraded)
                      .arg(r.value.providers.size()));
    });
}

void WorkspaceOverviewPage::showModels(const QList<ModelInfo>& models)
{
    m_modelCount = models.size();
    QMap<QString, int> providers;
    for (const ModelInfo& m : models)
        ++providers[m.providerSlug()];
    QList<const ModelInfo*> paid;
    int free = 0;
    for (const ModelInfo& m : models) {
        if (m.pricing.isFree())
            ++free;
        else if (m.pricing.inputPerM && m.pricing.outputPerM)
            paid.append(&m);
    }
    m_models->setText(tr("%1 from %2 providers (%3 free)")
                          .arg(QLocale().toString(qlonglong(models.size())))
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

} // namespace anyrouter
