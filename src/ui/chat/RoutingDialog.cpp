// RoutingDialog: form and mapping to RoutingPrefs.
#include "ui/chat/RoutingDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QWidget* priceRow(QWidget* parent, QCheckBox* check, QDoubleSpinBox* spin, const std::optional<double>& v)
{
    auto* w = new QWidget(parent);
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    spin->setRange(0.0, 10000.0);
    spin->setDecimals(3);
    spin->setPrefix(u"$"_s);
    spin->setValue(v.value_or(0.0));
    check->setChecked(v.has_value());
    spin->setEnabled(v.has_value());
    QObject::connect(check, &QCheckBox::toggled, spin, &QWidget::setEnabled);
    l->addWidget(check);
    l->addWidget(spin, 1);
    return w;
}

} // namespace

QStringList RoutingDialog::parseList(const QString& text)
{
    static const QRegularExpression kSep(u"[,;\\s]+"_s);
    return text.split(kSep, Qt::SkipEmptyParts);
}

RoutingDialog::RoutingDialog(const RoutingPrefs& prefs, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Provider routing"));
    setAccessibleName(tr("Provider routing"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("Which upstream providers may serve this conversation. Provider names are "
                                "slugs such as <i>openai</i> or <i>anthropic</i>, separated by commas. "
                                "Leave a field empty for the gateway's default."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    auto line = [this](const QStringList& v, const QString& name) {
        auto* e = new QLineEdit(v.join(u", "_s), this);
        e->setAccessibleName(name);
        e->setClearButtonEnabled(true);
        return e;
    };
    m_order = line(prefs.order, tr("Provider order"));
    m_only = line(prefs.only, tr("Only these providers"));
    m_ignore = line(prefs.ignore, tr("Never these providers"));
    form->addRow(tr("&Order:"), m_order);
    form->addRow(tr("O&nly:"), m_only);
    form->addRow(tr("&Ignore:"), m_ignore);

    m_sort = new QComboBox(this);
    m_sort->setAccessibleName(tr("Sort providers by"));
    m_sort->addItem(tr("Gateway default"), QString());
    m_sort->addItem(tr("Price"), u"price"_s);
    m_sort->addItem(tr("Throughput"), u"throughput"_s);
    m_sort->addItem(tr("Latency"), u"latency"_s);
    m_sort->setCurrentIndex(qMax(0, m_sort->findData(prefs.sort)));
    form->addRow(tr("&Sort by:"), m_sort);

    m_fallbacks = new QComboBox(this);
    m_fallbacks->setAccessibleName(tr("Allow fallbacks"));
    m_fallbacks->addItem(tr("Gateway default (yes)"), 0);
    m_fallbacks->addItem(tr("Yes"), 1);
    m_fallbacks->addItem(tr("No — fail instead"), 2);
    m_fallbacks->setCurrentIndex(!prefs.allowFallbacks ? 0 : (*prefs.allowFallbacks ? 1 : 2));
    form->addRow(tr("Allow &fallbacks:"), m_fallbacks);

    m_useMaxPrompt = new QCheckBox(tr("Limit"), this);
    m_useMaxPrompt->setAccessibleName(tr("Limit input price"));
    m_maxPrompt = new QDoubleSpinBox(this);
    m_maxPrompt->setAccessibleName(tr("Max input price per 1M tokens"));
    form->addRow(tr("Max input $/1M:"),
                 priceRow(this, m_useMaxPrompt, m_maxPrompt, prefs.maxPromptPricePerM));
    m_useMaxCompletion = new QCheckBox(tr("Limit"), this);
    m_useMaxCompletion->setAccessibleName(tr("Limit output price"));
    m_maxCompletion = new QDoubleSpinBox(this);
    m_maxCompletion->setAccessibleName(tr("Max output price per 1M tokens"));
    form->addRow(tr("Max output $/1M:"),
                 priceRow(this, m_useMaxCompletion, m_maxCompletion, prefs.maxCompletionPricePerM));

    m_pin = new QLineEdit(prefs.pinnedProvider, this);
    m_pin->setAccessibleName(tr("Pinned provider"));
    m_pin->setPlaceholderText(tr("none"));
    m_pin->setToolTip(tr("Always use this upstream provider (X-AnyRouter-Provider header)"));
    form->addRow(tr("&Pin provider:"), m_pin);
    layout->addLayout(form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

RoutingPrefs RoutingDialog::prefs() const
{
    RoutingPrefs p;
    p.order = parseList(m_order->text());
    p.only = parseList(m_only->text());
    p.ignore = parseList(m_ignore->text());
    p.sort = m_sort->currentData().toString();
    const int fb = m_fallbacks->currentData().toInt();
    if (fb != 0)
        p.allowFallbacks = fb == 1;
    if (m_useMaxPrompt->isChecked())
        p.maxPromptPricePerM = m_maxPrompt->value();
    if (m_useMaxCompletion->isChecked())
        p.maxCompletionPricePerM = m_maxCompletion->value();
    p.pinnedProvider = m_pin->text().trimmed();
    return p;
}

} // namespace anyrouter
