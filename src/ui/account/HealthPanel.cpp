// HealthPanel: the session's /health answer into a status line and a provider table; rate-limit
// figures from the client.
#include "ui/account/HealthPanel.h"

#include "core/AppContext.h"
#include "core/account/AccountStatus.h"
#include "core/workspace/WorkspaceManager.h"
#include "core/workspace/WorkspaceSession.h"
#include "ui/common/EndpointStateView.h"
#include "ui/common/Palette.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

enum Column
{
    NameColumn,
    StatusColumn,
    LatencyColumn,
    ColumnCount
};

// Sorts by a number in Qt::UserRole (status severity, latency) instead of the displayed text.
class NumericItem : public QTableWidgetItem
{
public:
    NumericItem(const QString& text, double key) : QTableWidgetItem(text) { setData(Qt::UserRole, key); }
    bool operator<(const QTableWidgetItem& other) const override
    {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

// Problems first when sorted ascending: 0 down, 1 degraded, 2 unknown wording, 3 ok.
int severity(const QString& status)
{
    const QString s = status.trimmed().toLower();
    static const QStringList ok = {u"ok"_s, u"up"_s, u"healthy"_s, u"operational"_s, u"online"_s};
    static const QStringList degraded = {u"degraded"_s, u"partial"_s, u"slow"_s, u"warning"_s, u"limited"_s};
    static const QStringList down = {u"down"_s,        u"error"_s,   u"outage"_s,
                                     u"unavailable"_s, u"offline"_s, u"failed"_s};
    if (ok.contains(s))
        return 3;
    if (degraded.contains(s))
        return 1;
    if (down.contains(s))
        return 0;
    return 2;
}

QColor severityColor(int rank)
{
    switch (rank) {
    case 3:
        return palette::color(palette::Role::Success);
    case 1:
        return palette::color(palette::Role::Warning);
    case 0:
        return palette::color(palette::Role::Error);
    default:
        return palette::color(palette::Role::Unknown); // a word we do not know
    }
}

QString statusLabel(const QString& status)
{
    switch (severity(status)) {
    case 3:
        return HealthPanel::tr("OK");
    case 1:
        return HealthPanel::tr("Degraded");
    case 0:
        return HealthPanel::tr("Down");
    default:
        return status.isEmpty() ? HealthPanel::tr("Unknown") : status;
    }
}

QPixmap dot(const QColor& color, qreal dpr)
{
    const int size = 12;
    QPixmap pm(QSize(size, size) * dpr);
    pm.setDevicePixelRatio(dpr);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(color.darker(130));
    p.setBrush(color);
    p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3));
    return pm;
}

// A wall-clock time with seconds (rate-limit windows are a minute long) but without the time zone
// name the long format adds; keeps the locale's 12/24-hour choice.
QString clockTime(const QDateTime& t)
{
    QString format = QLocale().timeFormat(QLocale::LongFormat);
    format.remove(u't');
    return QLocale().toString(t.toLocalTime().time(), format.trimmed());
}

} // namespace

HealthPanel::HealthPanel(AppContext* context, QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Gateway health"));
    auto* outer = new QVBoxLayout(this);

    auto* header = new QHBoxLayout;
    m_title = new QLabel(tr("Gateway health"), this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    f.setBold(true);
    m_title->setFont(f);
    m_refreshButton = new QPushButton(tr("&Check Now"), this);
    m_refreshButton->setToolTip(tr("Ask the gateway for its status again"));
    header->addWidget(m_title, 1);
    header->addWidget(m_refreshButton);
    outer->addLayout(header);

    auto* statusRow = new QHBoxLayout;
    m_dot = new QLabel(this);
    m_dot->setFixedSize(16, 16);
    m_dot->setAlignment(Qt::AlignCenter);
    m_gateway = new QLabel(this);
    m_gateway->setWordWrap(true);
    m_gateway->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_gateway->setAccessibleName(tr("Gateway status"));
    QFont bold = m_gateway->font();
    bold.setBold(true);
    m_gateway->setFont(bold);
    statusRow->addWidget(m_dot, 0, Qt::AlignTop);
    statusRow->addWidget(m_gateway, 1);
    outer->addLayout(statusRow);
    m_state = new EndpointStateView(tr("the gateway's health"), u"/health"_s, this);
    m_state->setMessage(EndpointStatus::State::Unsupported,
                        tr("This gateway does not offer a health endpoint (/health), so gateway and provider "
                           "status are unknown."));
    m_state->setMessage(EndpointStatus::State::Offline, tr("The health check failed: %1"));
    m_state->setMessage(EndpointStatus::State::Failed, tr("The health check failed: %1"));
    outer->addWidget(m_state);

    m_checked = new QLabel(this);
    m_checked->setAccessibleName(tr("Last checked"));
    m_checked->setStyleSheet(palette::textCss(palette::Role::Muted));
    outer->addWidget(m_checked);

    m_rateLimit = new QLabel(this);
    m_rateLimit->setWordWrap(true);
    m_rateLimit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_rateLimit->setAccessibleName(tr("Rate limit"));
    outer->addWidget(m_rateLimit);

    m_table = new QTableWidget(0, ColumnCount, this);
    m_table->setHorizontalHeaderLabels({tr("Provider"), tr("Status"), tr("Latency")});
    m_table->setAccessibleName(tr("Provider health"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(LatencyColumn, QHeaderView::ResizeToContents);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(StatusColumn, Qt::AscendingOrder); // problems first
    outer->addWidget(m_table, 1);

    connect(m_refreshButton, &QPushButton::clicked, this, &HealthPanel::refresh);
    connect(m_state, &EndpointStateView::retryRequested, this, &HealthPanel::refresh);

    showRateLimit({});
    connect(context->workspaces()->client(), &ApiClient::rateLimitChanged, this, &HealthPanel::showRateLimit);
    connect(context, &AppContext::sessionChanged, this, &HealthPanel::bindSession);
    bindSession(context->session());
}

void HealthPanel::setAutoRefreshInterval(int ms)
{
    m_interval = std::max(1, ms);
    if (m_account)
        m_account->setHealthIntervalMs(m_interval);
}

int HealthPanel::autoRefreshInterval() const
{
    return m_interval;
}

bool HealthPanel::isAutoRefreshActive() const
{
    return m_account && m_account->isHealthPolling();
}

QDateTime HealthPanel::lastChecked() const
{
    return m_account ? m_account->healthCheckedAt() : QDateTime();
}

QString HealthPanel::gatewayStatusText() const
{
    return m_state->isHidden() ? m_gateway->text() : m_state->text();
}

QString HealthPanel::rateLimitText() const
{
    return m_rateLimit->text();
}

void HealthPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_account)
        m_account->setHealthWatched(this, true); // checks at once when the last check is due
}

void HealthPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    if (m_account)
        m_account->setHealthWatched(this, false); // no polling for a page nobody looks at
}

void HealthPanel::bindSession(WorkspaceSession* session)
{
    if (m_account) {
        m_account->setHealthWatched(this, false);
        disconnect(m_account, nullptr, this, nullptr); // the old session is deleted right after this
    }
    m_account = session ? session->account() : nullptr;
    const QString name = session ? session->workspace().name : QString();
    m_title->setText(name.isEmpty() ? tr("Gateway health") : tr("Gateway health — %1").arg(name));
    m_table->setRowCount(0);
    showRateLimit({}); // the figures so far belong to the previous workspace's key
    if (m_account) {
        m_account->setHealthIntervalMs(m_interval);
        connect(m_account, &AccountStatus::healthChanged, this, &HealthPanel::onHealthChanged);
        connect(m_account, &AccountStatus::healthRead, this, &HealthPanel::refreshFinished);
        if (isVisible())
            m_account->setHealthWatched(this, true);
    }
    onHealthChanged();
}

void HealthPanel::refresh()
{
    if (m_account)
        m_account->refreshHealth();
}

void HealthPanel::onHealthChanged()
{
    m_refreshButton->setEnabled(m_account != nullptr);
    const EndpointStatus status = m_account ? m_account->healthStatus() : EndpointStatus::idle();
    m_state->setStatus(status.isProblem() ? status : EndpointStatus::ready());
    const bool problem = status.isProblem();
    m_dot->setVisible(!problem);
    m_gateway->setVisible(!problem);
    const std::optional<HealthStatus> health = m_account ? m_account->health() : std::nullopt;
    if (!health) {
        m_table->setRowCount(0);
        showMessage(m_account ? tr("Checking…") : tr("No workspace selected."), severityColor(2));
    } else if (!m_account->isReadingHealth()) {
        // Refilled once per answer, not when a new check starts: the rows stay put meanwhile.
        showHealth(*health);
    }
    updateChecked();
}

void HealthPanel::showHealth(const HealthStatus& h)
{
    int ok = 0, degraded = 0, down = 0;
    m_table->setSortingEnabled(false); // filling a sorting table would move rows under our hands
    m_table->clearContents();
    m_table->setRowCount(int(h.providers.size()));
    const qreal dpr = devicePixelRatioF();
    for (int row = 0; row < h.providers.size(); ++row) {
        const ProviderHealth& p = h.providers.at(row);
        const int rank = severity(p.status);
        ok += rank == 3;
        degraded += rank == 1;
        down += rank == 0;
        auto* name = new QTableWidgetItem(p.label());
        name->setToolTip(p.name);
        m_table->setItem(row, NameColumn, name);
        auto* status = new NumericItem(statusLabel(p.status), rank);
        status->setIcon(QIcon(dot(severityColor(rank), dpr)));
        status->setToolTip(tr("Reported as \"%1\"").arg(p.status));
        m_table->setItem(row, StatusColumn, status);
        const double latencyKey = p.latencyMs ? *p.latencyMs : std::numeric_limits<double>::max();
        auto* latency = new NumericItem(
            p.latencyMs ? tr("%1 ms").arg(QLocale().toString(*p.latencyMs, 'f', 0)) : tr("—"), latencyKey);
        latency->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, LatencyColumn, latency);
    }
    m_table->setSortingEnabled(true); // re-sorts by the header's current column and order

    const int rank = h.status.isEmpty() ? (down ? 0 : degraded ? 1 : 3) : severity(h.status);
    const QString gateway =
        h.status.isEmpty() ? tr("Gateway answered") : tr("Gateway: %1").arg(statusLabel(h.status));
    QString providers;
    const qsizetype n = h.providers.size();
    if (n == 0)
        providers = tr("no providers listed");
    else if (ok == n)
        providers = n == 1 ? tr("the provider is OK") : tr("all %1 providers OK").arg(n);
    else {
        QStringList parts;
        parts << tr("%1 OK").arg(ok);
        if (degraded)
            parts << tr("%1 degraded").arg(degraded);
        if (down)
            parts << tr("%1 down").arg(down);
        if (const qsizetype other = n - ok - degraded - down)
            parts << tr("%1 unknown").arg(other);
        providers = tr("%1 providers: %2").arg(n).arg(parts.join(u", "_s));
    }
    showMessage(tr("%1 — %2").arg(gateway, providers), severityColor(rank));
}

void HealthPanel::showMessage(const QString& text, const QColor& color)
{
    m_gateway->setText(text);
    m_dot->setPixmap(dot(color, devicePixelRatioF()));
}

void HealthPanel::updateChecked()
{
    const QDateTime checked = lastChecked();
    if (!checked.isValid()) {
        m_checked->setText(tr("Not checked yet."));
        return;
    }
    const int secs = m_interval / 1000;
    const QString every = secs == 60 ? tr("every minute") : tr("every %1 s").arg(secs);
    m_checked->setText(
        tr("Last checked at %1 · checked again %2 while this page is open.").arg(clockTime(checked), every));
}

void HealthPanel::showRateLimit(const RateLimitInfo& info)
{
    m_rateLimit->setText(tr("Rate limit: %1").arg(describeRateLimit(info)));
}

QString HealthPanel::describeRateLimit(const RateLimitInfo& info)
{
    if (!info.isValid())
        return tr("no figures yet (the gateway sends them with its replies).");
    QStringList parts;
    if (info.remaining && info.limit)
        parts << tr("%1 of %2 requests left in this window")
                     .arg(QLocale().toString(*info.remaining), QLocale().toString(*info.limit));
    else if (info.remaining)
        parts << tr("%1 requests left in this window").arg(QLocale().toString(*info.remaining));
    else if (info.limit)
        parts << tr("%1 requests per window").arg(QLocale().toString(*info.limit));
    if (info.resetAt.isValid())
        parts << tr("resets at %1").arg(clockTime(info.resetAt));
    if (info.upstreamRemaining)
        parts << tr("upstream provider: %1 left").arg(QLocale().toString(*info.upstreamRemaining));
    QString text = parts.join(u"; "_s);
    if (info.capturedAt.isValid())
        text += tr(" (as of %1)").arg(clockTime(info.capturedAt));
    return text + u'.';
}

} // namespace anyrouter
