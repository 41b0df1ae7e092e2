// ModelDetailPane: the selected model's facts as rich text, and its actions.
#include "ui/catalog/ModelDetailPane.h"

#include "ui/catalog/ModelTableModel.h"
#include "ui/common/Format.h"

#include <QClipboard>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

// Raw pricing keys CatalogService already turns into ModelPricing fields; the rest are shown as given.
const QSet<QString>& knownPriceKeys()
{
    static const QSet<QString> keys{u"input_per_1k"_s,
                                    u"input_per_1m"_s,
                                    u"prompt"_s,
                                    u"input"_s,
                                    u"output_per_1k"_s,
                                    u"output_per_1m"_s,
                                    u"completion"_s,
                                    u"output"_s,
                                    u"cache_read_per_1k"_s,
                                    u"cached_input_per_1k"_s,
                                    u"cache_read_per_1m"_s,
                                    u"input_cache_read"_s,
                                    u"cache_write_per_1k"_s,
                                    u"cache_write_per_1m"_s,
                                    u"input_cache_write"_s,
                                    u"reasoning_per_1k"_s,
                                    u"internal_reasoning"_s,
                                    u"request"_s,
                                    u"image"_s};
    return keys;
}

QString jsonText(const QJsonValue& v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented));
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 12);
    if (v.isBool())
        return v.toBool() ? u"true"_s : u"false"_s;
    return u"null"_s;
}

QString section(const QString& title)
{
    return u"<h4 style='margin-bottom:2px'>"_s + title.toHtmlEscaped() + u"</h4>"_s;
}

} // namespace

ModelDetailPane::ModelDetailPane(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Model details"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_title->setFont(f);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);

    // Two rows: three buttons side by side get clipped in a pane of reading width.
    auto* actions = new QGridLayout;
    m_use = new QPushButton(tr("&Use in new chat"), this);
    m_default = new QPushButton(tr("Set as workspace &default"), this);
    m_copy = new QPushButton(tr("Cop&y id"), this);
    for (QPushButton* b : {m_use, m_default, m_copy})
        b->setAccessibleName(b->text().remove(u'&'));
    actions->addWidget(m_use, 0, 0);
    actions->addWidget(m_copy, 0, 1);
    actions->addWidget(m_default, 1, 0, 1, 2);
    actions->setColumnStretch(2, 1);
    layout->addLayout(actions);

    m_browser = new QTextBrowser(this);
    m_browser->setAccessibleName(tr("Model details text"));
    m_browser->setOpenLinks(false);
    m_browser->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_browser, 1);

    connect(m_use, &QPushButton::clicked, this, [this] {
        if (m_entry)
            emit useInNewChatRequested(m_entry->model.id);
    });
    connect(m_default, &QPushButton::clicked, this, [this] {
        if (m_entry)
            emit setAsDefaultRequested(m_entry->model.id);
    });
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (!m_entry)
            return;
        QGuiApplication::clipboard()->setText(m_entry->model.id);
        emit idCopied(m_entry->model.id);
    });
    setEntry(std::nullopt);
}

QString ModelDetailPane::modelId() const
{
    return m_entry ? m_entry->model.id : QString();
}

void ModelDetailPane::setEntry(const std::optional<CatalogEntry>& entry)
{
    m_entry = entry;
    for (QPushButton* b : {m_use, m_default, m_copy})
        b->setEnabled(entry.has_value());
    if (!entry) {
        m_title->setText(tr("No model selected"));
        m_browser->setHtml(u"<p>"_s + tr("Select a model in the table to see its prices and details.") +
                           u"</p>"_s);
        return;
    }
    const ModelInfo& m = entry->model;
    m_title->setText(m.name.isEmpty() ? m.id : m.name);
    m_browser->setHtml(html(*entry));
}

QStringList ModelDetailPane::priceLines(const ModelInfo& model)
{
    const ModelPricing& p = model.pricing;
    QStringList lines;
    auto perM = [&](const std::optional<double>& v, const QString& what) {
        if (v)
            lines << tr("%1 per 1M %2").arg(format::usd(*v), what);
    };
    perM(p.inputPerM, tr("input tokens"));
    perM(p.outputPerM, tr("output tokens"));
    perM(p.cacheReadPerM, tr("cached input tokens (cache read)"));
    perM(p.cacheWritePerM, tr("cache-write tokens"));
    perM(p.reasoningPerM, tr("internal reasoning tokens"));
    if (p.perRequest)
        lines << tr("%1 per request").arg(format::usd(*p.perRequest));
    if (p.perImage)
        lines << tr("%1 per image").arg(format::usd(*p.perImage));
    return lines;
}

QString ModelDetailPane::html(const CatalogEntry& e) const
{
    const ModelInfo& m = e.model;
    QString h;
    h += u"<p><code>"_s + m.id.toHtmlEscaped() + u"</code> · "_s +
         (m.provider.isEmpty() ? m.providerSlug() : m.provider).toHtmlEscaped() + u"</p>"_s;
    const QString mark = ModelTableModel::markText(e);
    if (!mark.isEmpty())
        h += u"<p><b>"_s + mark.toHtmlEscaped() + u"</b></p>"_s;
    if (!m.description.isEmpty())
        h += u"<p>"_s + m.description.toHtmlEscaped() + u"</p>"_s;

    h += section(tr("Prices"));
    const QStringList prices = priceLines(m);
    if (m.pricing.isFree() && !prices.isEmpty())
        h += u"<p>"_s + tr("Free to use.") + u"</p>"_s;
    h += u"<ul style='margin-top:0'>"_s;
    for (const QString& line : prices)
        h += u"<li>"_s + line.toHtmlEscaped() + u"</li>"_s;
    if (prices.isEmpty())
        h += u"<li>"_s + tr("The gateway gave no prices for this model.") + u"</li>"_s;
    // Fields this client does not interpret (e.g. web search) are still shown, as the gateway gave them.
    const QJsonObject rawPricing = m.raw.value(u"pricing"_s).toObject();
    for (auto it = rawPricing.begin(); it != rawPricing.end(); ++it) {
        if (!knownPriceKeys().contains(it.key()))
            h += u"<li>"_s +
                 tr("%1: %2 (as given by the gateway)").arg(it.key(), jsonText(it.value())).toHtmlEscaped() +
                 u"</li>"_s;
    }
    h += u"</ul>"_s;

    h += section(tr("Limits"));
    h += u"<p>"_s +
         tr("Context: %1 tokens")
             .arg(m.contextLength > 0 ? QLocale().toString(m.contextLength) : tr("unknown")) +
         u"<br>"_s +
         tr("Max output: %1 tokens")
             .arg(m.maxOutputTokens > 0 ? QLocale().toString(m.maxOutputTokens) : tr("unknown")) +
         u"</p>"_s;

    auto list = [&](const QString& title, const QStringList& items) {
        if (items.isEmpty())
            return;
        h += section(title) + u"<p>"_s + items.join(u", "_s).toHtmlEscaped() + u"</p>"_s;
    };
    list(tr("Input modalities"), m.inputModalities);
    list(tr("Output modalities"), m.outputModalities);
    list(tr("Capabilities"), m.capabilities);
    list(tr("Supported parameters"), m.supportedParameters);
    if (m.created.isValid() || e.firstSeenAt.isValid()) {
        h += section(tr("Dates")) + u"<p>"_s;
        if (m.created.isValid())
            h += tr("Created: %1").arg(QLocale().toString(m.created.toLocalTime(), QLocale::ShortFormat)) +
                 u"<br>"_s;
        if (e.firstSeenAt.isValid())
            h += tr("First seen here: %1")
                     .arg(QLocale().toString(e.firstSeenAt.toLocalTime(), QLocale::ShortFormat));
        h += u"</p>"_s;
    }
    // Routing and provider metadata, when the gateway sends it: shown verbatim.
    for (const QString& key :
         {u"top_provider"_s, u"endpoints"_s, u"providers"_s, u"per_request_limits"_s, u"routing"_s}) {
        const QJsonValue v = m.raw.value(key);
        if (v.isUndefined() || v.isNull())
            continue;
        h += section(key) + u"<pre style='margin-top:0'>"_s + jsonText(v).toHtmlEscaped() + u"</pre>"_s;
    }
    return h;
}

} // namespace anyrouter
