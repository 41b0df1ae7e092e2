// KeyEditDialog: builds the form for its mode and turns it into a create request or a minimal update.
#include "ui/account/KeyEditDialog.h"

#include "ui/common/Palette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr int kMaxNameLength = 100;

} // namespace

KeyEditDialog::KeyEditDialog(Mode mode, const ApiKeyInfo& key, QWidget* parent)
    : QDialog(parent), m_mode(mode), m_key(key)
{
    switch (mode) {
    case Mode::Create:
        setWindowTitle(tr("New API Key"));
        break;
    case Mode::Rename:
        setWindowTitle(tr("Rename Key “%1”").arg(key.name));
        break;
    case Mode::Limit:
        setWindowTitle(tr("Spend Limit of “%1”").arg(key.name));
        break;
    }
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    layout->addLayout(form);

    if (mode != Mode::Limit) {
        m_name = new QLineEdit(this);
        m_name->setMaxLength(kMaxNameLength);
        m_name->setPlaceholderText(tr("e.g. laptop, ci-runner"));
        m_name->setAccessibleName(tr("Key name"));
        m_name->setText(mode == Mode::Rename ? key.name : QString());
        m_name->setMinimumWidth(280);
        form->addRow(tr("&Name:"), m_name);
        connect(m_name, &QLineEdit::textChanged, this, &KeyEditDialog::validate);
    }

    if (mode != Mode::Rename) {
        auto* limitRow = new QHBoxLayout;
        m_limitCheck = new QCheckBox(tr("&Spend limit:"), this);
        m_limitCheck->setAccessibleName(tr("Set a spend limit"));
        m_limit = new QDoubleSpinBox(this);
        m_limit->setPrefix(u"$"_s);
        m_limit->setDecimals(2);
        m_limit->setRange(0.01, 1'000'000.0);
        m_limit->setSingleStep(5.0);
        m_limit->setValue(key.limit.value_or(10.0));
        m_limit->setAccessibleName(tr("Spend limit in US dollars"));
        m_limit->setToolTip(tr("The key stops working once it has spent this many US dollars."));
        m_reset = new QComboBox(this);
        m_reset->setAccessibleName(tr("Limit reset period"));
        m_reset->addItem(tr("never resets"), QString());
        m_reset->addItem(tr("resets daily"), u"daily"_s);
        m_reset->addItem(tr("resets weekly"), u"weekly"_s);
        m_reset->addItem(tr("resets monthly"), u"monthly"_s);
        const int at = m_reset->findData(key.limitReset);
        m_reset->setCurrentIndex(at >= 0 ? at : 0);
        limitRow->addWidget(m_limit, 1);
        limitRow->addWidget(m_reset);
        m_limitCheck->setChecked(key.limit.has_value());
        auto syncLimit = [this] {
            m_limit->setEnabled(m_limitCheck->isChecked());
            m_reset->setEnabled(m_limitCheck->isChecked());
        };
        syncLimit();
        connect(m_limitCheck, &QCheckBox::toggled, this, syncLimit);
        connect(m_limitCheck, &QCheckBox::toggled, this, &KeyEditDialog::validate);
        connect(m_limit, &QDoubleSpinBox::valueChanged, this, &KeyEditDialog::validate);
        connect(m_reset, &QComboBox::currentIndexChanged, this, &KeyEditDialog::validate);
        form->addRow(m_limitCheck, limitRow);
    }

    if (mode == Mode::Create) {
        m_expiryCheck = new QCheckBox(tr("&Expires on:"), this);
        m_expiryCheck->setAccessibleName(tr("Set an expiry date"));
        m_expiry = new QDateEdit(this);
        m_expiry->setCalendarPopup(true);
        m_expiry->setMinimumDate(QDate::currentDate().addDays(1));
        m_expiry->setDate(QDate::currentDate().addDays(90));
        m_expiry->setDisplayFormat(QLocale().dateFormat(QLocale::ShortFormat));
        m_expiry->setAccessibleName(tr("Expiry date"));
        m_expiry->setEnabled(false);
        connect(m_expiryCheck, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
        form->addRow(m_expiryCheck, m_expiry);
        auto* hint = new QLabel(tr("The key's secret is shown once, right after it is created."), this);
        hint->setWordWrap(true);
        hint->setEnabled(false); // dimmed: a remark, not a field
        layout->addWidget(hint);
    }

    m_problem = new QLabel(this);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setStyleSheet(palette::textCss(palette::Role::Error));
    m_problem->setAccessibleName(tr("Input problem"));
    m_problem->hide();
    layout->addWidget(m_problem);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(mode == Mode::Create ? tr("&Create Key") : tr("&Save"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problemText().isEmpty())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    layout->setSizeConstraint(QLayout::SetFixedSize);
    validate();
}

void KeyEditDialog::setNameTaken(std::function<bool(const QString&)> taken)
{
    m_nameTaken = std::move(taken);
    validate();
}

QString KeyEditDialog::resetValue() const
{
    return m_reset ? m_reset->currentData().toString() : QString();
}

QString KeyEditDialog::problemText() const
{
    if (m_name) {
        const QString name = m_name->text().trimmed();
        if (name.isEmpty())
            return tr("A key needs a name.");
        const bool unchanged = m_mode == Mode::Rename && name == m_key.name;
        if (!unchanged && m_nameTaken && m_nameTaken(name))
            return tr("Another key in this workspace is already named “%1”.").arg(name);
    }
    return {};
}

void KeyEditDialog::validate()
{
    const QString problem = problemText();
    // An empty name right after opening is not an error worth painting red; OK stays disabled.
    const bool quietEmpty = m_name && m_name->text().trimmed().isEmpty();
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty() && !quietEmpty);
    bool changed = true;
    if (m_mode != Mode::Create) {
        const KeyUpdate u = update();
        changed = u.name || u.limit || u.limitReset;
    }
    m_ok->setEnabled(problem.isEmpty() && changed);
}

NewKeyRequest KeyEditDialog::request() const
{
    NewKeyRequest r;
    r.name = m_name ? m_name->text().trimmed() : QString();
    if (m_limitCheck && m_limitCheck->isChecked()) {
        r.limit = m_limit->value();
        r.limitReset = resetValue();
    }
    if (m_expiryCheck && m_expiryCheck->isChecked())
        r.expiresAt = m_expiry->date().endOfDay(); // local end of day: usable through the chosen date
    return r;
}

KeyUpdate KeyEditDialog::update() const
{
    KeyUpdate u;
    if (m_mode == Mode::Rename) {
        const QString name = m_name->text().trimmed();
        if (name != m_key.name)
            u.name = name;
    } else if (m_mode == Mode::Limit) {
        const std::optional<double> limit =
            m_limitCheck->isChecked() ? std::optional<double>(m_limit->value()) : std::nullopt;
        const QString reset = m_limitCheck->isChecked() ? resetValue() : QString();
        // Compare in cents: the spin box rounds to two decimals.
        const auto cents = [](const std::optional<double>& v) {
            return v ? std::optional<qint64>(qRound64(*v * 100)) : std::nullopt;
        };
        if (cents(limit) != cents(m_key.limit))
            u.limit.emplace(limit);
        if (reset != m_key.limitReset)
            u.limitReset = reset;
    }
    return u;
}

} // namespace anyrouter
