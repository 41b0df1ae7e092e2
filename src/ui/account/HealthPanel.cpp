// HealthPanel: /health into a status line and a provider table; rate-limit figures from the client.
#include "ui/account/HealthPanel.h"

#include "core/workspace/WorkspaceManager.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QTableWidget>
#include <QTimer>
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
        return QColor(0x1a, 0x7f, 0x37); // green
    case 1:
        return QColor(0xbf, 0x87, 0x00); // amber
    case 0:
        return QColor(0xcf, 0x22, 0x2e); // red
    default:
        return QColor(0x8c, 0x95, 0x9f); // grey: a word we do not know
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

HealthPanel::HealthPanel(WorkspaceManager* workspaces, QWidget* parent)
    : QWidget(parent), m_workspaces(workspaces)
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

    m_checked = new QLabel(this);
    m_checked->setAccessibleName(tr("Last checked"));
    m_checked->setStyleSheet(u"color: #57606a;"_s);
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

    m_timer = new QTimer(this);
    m_timer->setInterval(kDefaultIntervalMs);
    connect(m_timer, &QTimer::timeout, this, &HealthPanel::refresh);
    connect(m_refreshButton, &QPushButton::clicked, this, &HealthPanel::refresh);

    showRateLimit({});
    if (m_workspaces) {
        connect(m_workspaces, &WorkspaceManager::currentChanged, this, &HealthPanel::showWorkspace);
        connect(m_workspaces, &WorkspaceManager::keysReady, this, [this](const Workspace& ws) {
            if (ws.id != m_workspaceId)
                return;
            if (isVisible())
                refresh();
            else
                m_stale = true;
        });
        connect(m_workspaces->client(), &ApiClient::rateLimitChanged, this, &HealthPanel::showRateLimit);
        showWorkspace(m_workspaces->current());
    }
}

void HealthPanel::setAutoRefreshInterval(int ms)
{
    m_timer->setInterval(std::max(1, ms));
}

int HealthPanel::autoRefreshInterval() const
{
    return m_timer->interval();
}

bool HealthPanel::isAutoRefreshActive() const
{
    return m_timer->isActive();
}

QString HealthPanel::gatewayStatusText() const
{
    return m_gateway->text();
}

QString HealthPanel::rateLimitText() const
{
    return m_rateLimit->text();
}

void HealthPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_timer->start();
    const bool due = !m_lastChecked.isValid() ||
                     m_lastChecked.msecsTo(QDateTime::currentDateTimeUtc()) >= m_timer->interval();
    if (m_stale || due)
        refresh();
}

void HealthPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_timer->stop(); // no polling for a page nobody looks at
}

void HealthPanel::showWorkspace(const Workspace& ws)
{
    ++m_generation;
    m_workspaceId = ws.id;
    m_lastChecked = {};
    m_stale = true;
    m_title->setText(ws.name.isEmpty() ? tr("Gateway health") : tr("Gateway health — %1").arg(ws.name));
    m_table->setRowCount(0);
    m_refreshButton->setEnabled(!ws.id.isEmpty());
    showMessage(ws.id.isEmpty() ? tr("No workspace selected.") : tr("Checking…"), severityColor(2));
    updateChecked();
    showRateLimit({}); // the figures so far belong to the previous workspace's key
}

void HealthPanel::refresh()
{
    if (!m_workspaces || m_workspaceId.isEmpty())
        return;
    if (m_workspaces->keyState() == WorkspaceManager::KeyState::Loading)
        return; // keysReady calls back
    m_stale = false;
    const quint64 gen = ++m_generation;
    const QString wsId = m_workspaceId;
    m_workspaces->health()->fetchHealth(this, [this, gen, wsId](const Result<HealthStatus>& r) {
        if (gen != m_generation || wsId != m_workspaceId)
            return;
        m_lastChecked = QDateTime::currentDateTimeUtc();
        if (r.unsupported) {
            m_table->setRowCount(0);
            showMessage(tr("This gateway does not offer a health endpoint (/health), so gateway and provider "
                           "status are unknown."),
                        severityColor(2));
        } else if (!r.ok()) {
            // Keep the last table: it is labelled with the time it was checked.
            showMessage(tr("The health check failed: %1").arg(r.error.userMessage()), severityColor(0));
        } else {
            showHealth(r.value);
        }
        updateChecked();
        emit refreshFinished(r.ok());
    });
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
    if (!m_lastChecked.isValid()) {
        m_checked->setText(tr("Not checked yet."));
        return;
    }
    const int secs = m_timer->interval() / 1000;
    const QString every = secs == 60 ? tr("every minute") : tr("every %1 s").arg(secs);
    m_checked->setText(tr("Last checked at %1 · checked again %2 while this page is open.")
                           .arg(clockTime(m_lastChecked), every));
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
