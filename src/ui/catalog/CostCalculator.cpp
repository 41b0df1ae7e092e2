// CostCalculator: token-count arithmetic and conversation re-pricing, shown as text.
#include "ui/catalog/CostCalculator.h"

#include "ui/common/Format.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QSpinBox* tokenSpin(int value, const QString& accessibleName, QWidget* parent)
{
    auto* spin = new QSpinBox(parent);
    spin->setRange(0, 2'000'000'000);
    spin->setSingleStep(1000);
    spin->setGroupSeparatorShown(true);
    spin->setValue(value);
    spin->setAccessibleName(accessibleName);
    return spin;
}

QString replies(int n)
{
    return n == 1 ? CostCalculator::tr("1 reply") : CostCalculator::tr("%1 replies").arg(n);
}

} // namespace

CostCalculator::CostCalculator(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Cost calculator"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    auto* form = new QFormLayout;
    m_input = tokenSpin(1000, tr("Input tokens"), this);
    m_output = tokenSpin(1000, tr("Output tokens"), this);
    form->addRow(tr("&Input tokens"), m_input);
    form->addRow(tr("Output &tokens"), m_output);
    layout->addLayout(form);
    m_result = new QLabel(this);
    m_result->setAccessibleName(tr("Calculated cost"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_result);
    auto* rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    layout->addWidget(rule);
    m_reprice = new QLabel(this);
    m_reprice->setAccessibleName(tr("Conversation re-price"));
    m_reprice->setWordWrap(true);
    m_reprice->setTextFormat(Qt::PlainText);
    m_reprice->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    layout->addWidget(m_reprice);
    layout->addStretch(1);
    connect(m_input, &QSpinBox::valueChanged, this, &CostCalculator::update);
    connect(m_output, &QSpinBox::valueChanged, this, &CostCalculator::update);
    update();
}

void CostCalculator::setEntry(const std::optional<CatalogEntry>& entry)
{
    m_entry = entry;
    update();
}

void CostCalculator::setConversation(const QString& title, const QList<Message>& messages)
{
    m_conversationTitle = title;
    m_messages = messages;
    update();
}

std::optional<double> CostCalculator::tokenCost() const
{
    if (!m_entry)
        return std::nullopt;
    return costForTokens(m_entry->model.pricing, m_input->value(), m_output->value());
}

std::optional<RepriceResult> CostCalculator::reprice() const
{
    if (!m_entry || m_messages.isEmpty())
        return std::nullopt;
    return repriceConversation(m_messages, m_entry->model.pricing);
}

void CostCalculator::update()
{
    if (!m_entry) {
        m_result->setText(tr("Select a model to price a request."));
        m_reprice->setText(QString());
        return;
    }
    const ModelInfo& m = m_entry->model;
    const QString name = m.name.isEmpty() ? m.id : m.name;
    QString text = tr("%1 input + %2 output tokens on %3: %4")
                       .arg(QLocale().toString(m_input->value()), QLocale().toString(m_output->value()), name,
                            format::usd(*tokenCost()));
    if (!m.pricing.inputPerM || !m.pricing.outputPerM)
        text +=
            u"\n"_s + tr("The gateway did not give every price of this model; missing prices count as zero.");
    if (m.pricing.perRequest && *m.pricing.perRequest > 0)
        text += u"\n"_s + tr("Includes %1 per request.").arg(format::usd(*m.pricing.perRequest));
    m_result->setText(text);

    if (m_conversationTitle.isEmpty() && m_messages.isEmpty()) {
        m_reprice->setText(tr("Open a conversation in Chat to re-price it on this model."));
        return;
    }
    const RepriceResult r = repriceConversation(m_messages, m.pricing);
    if (r.rows.isEmpty()) {
        m_reprice->setText(tr("“%1” has no replies with token counts to re-price.").arg(m_conversationTitle));
        return;
    }
    QString re = tr("“%1”, %2 with token counts:").arg(m_conversationTitle, replies(int(r.rows.size())));
    re += u"\n"_s + tr("%1 on the models that answered").arg(format::usd(r.originalTotal));
    if (r.rowsWithoutOriginalCost > 0)
        re += u" "_s + tr("(%1 without a stored cost not included)").arg(replies(r.rowsWithoutOriginalCost));
    re += u"\n"_s + tr("%1 on %2").arg(format::usd(r.targetTotal), name);
    if (r.messagesWithoutUsage > 0)
        re += u"\n"_s + tr("%1 without token counts not re-priced.").arg(replies(r.messagesWithoutUsage));
    m_reprice->setText(re);
}

} // namespace anyrouter
