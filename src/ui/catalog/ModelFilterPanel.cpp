// ModelFilterPanel: filter widgets <-> CatalogFilter.
#include "ui/catalog/ModelFilterPanel.h"

#include <QCheckBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QHash>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

QListWidget* makeCheckList(const QString& accessibleName, int maxHeight, QWidget* parent)
{
    auto* list = new QListWidget(parent);
    list->setAccessibleName(accessibleName);
    list->setMaximumHeight(maxHeight);
    list->setUniformItemSizes(true);
    return list;
}

QSet<QString> checkedNames(const QListWidget* list)
{
    QSet<QString> out;
    for (int i = 0; i < list->count(); ++i) {
        const QListWidgetItem* item = list->item(i);
        if (item->checkState() == Qt::Checked)
            out.insert(item->data(Qt::UserRole).toString());
    }
    return out;
}

// Rebuilds the list from the offered names plus the checked ones (never drop what the user chose).
// labels: what to show for a name (provider display names); the name itself stays the item's data.
void fillCheckList(QListWidget* list, QStringList names, const QSet<QString>& checked,
                   const QHash<QString, QString>& labels = {})
{
    for (const QString& c : checked) {
        if (!names.contains(c))
            names.append(c);
    }
    const auto label = [&labels](const QString& name) {
        const QString l = labels.value(name);
        return l.isEmpty() ? name : l;
    };
    std::sort(names.begin(), names.end(), [&label](const QString& a, const QString& b) {
        return label(a).compare(label(b), Qt::CaseInsensitive) < 0;
    });
    list->clear();
    for (const QString& name : std::as_const(names)) {
        auto* item = new QListWidgetItem(label(name), list);
        item->setData(Qt::UserRole, name);
        if (label(name) != name)
            item->setToolTip(name);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(name) ? Qt::Checked : Qt::Unchecked);
    }
}

void setChecked(QListWidget* list, const QSet<QString>& checked)
{
    QStringList names;
    QHash<QString, QString> labels;
    for (int i = 0; i < list->count(); ++i) {
        const QString name = list->item(i)->data(Qt::UserRole).toString();
        names << name;
        labels.insert(name, list->item(i)->text());
    }
    fillCheckList(list, names, checked, labels);
}

std::optional<double> priceFrom(const QLineEdit* edit)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    double v = QLocale().toDouble(text, &ok);
    if (!ok)
        v = text.toDouble(&ok); // "0.5" typed in a locale with a decimal comma
    return ok && v >= 0 ? std::optional<double>(v) : std::nullopt;
}

QString priceText(const std::optional<double>& v)
{
    return v ? QLocale().toString(*v, 'g', 6) : QString();
}

} // namespace

ModelFilterPanel::ModelFilterPanel(QWidget* parent) : QWidget(parent)
{
    setAccessibleName(tr("Model filters"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search id, name, description"));
    m_search->setAccessibleName(tr("Search models"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(50); // coalesces a burst of keystrokes into one re-filter
    connect(m_search, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, &ModelFilterPanel::emitChanged);

    m_count = new QLabel(this);
    m_count->setAccessibleName(tr("Matching models"));
    auto* countRow = new QHBoxLayout;
    countRow->addWidget(m_count, 1);
    m_clear = new QPushButton(tr("C&lear filters"), this);
    m_clear->setAccessibleName(tr("Clear filters"));
    countRow->addWidget(m_clear);
    layout->addLayout(countRow);
    connect(m_clear, &QPushButton::clicked, this, &ModelFilterPanel::clear);

    auto* providerLabel = new QLabel(tr("&Providers"), this);
    layout->addWidget(providerLabel);
    m_providerSearch = new QLineEdit(this);
    m_providerSearch->setPlaceholderText(tr("Find a provider"));
    m_providerSearch->setAccessibleName(tr("Find a provider"));
    m_providerSearch->setClearButtonEnabled(true);
    providerLabel->setBuddy(m_providerSearch);
    layout->addWidget(m_providerSearch);
    m_providers = makeCheckList(tr("Providers"), 150, this);
    layout->addWidget(m_providers);
    connect(m_providerSearch, &QLineEdit::textChanged, this, &ModelFilterPanel::filterProviderList);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto* validator = new QDoubleValidator(0, 1e9, 6, this);
    validator->setNotation(QDoubleValidator::StandardNotation);
    m_maxInput = new QLineEdit(this);
    m_maxInput->setValidator(validator);
    m_maxInput->setPlaceholderText(tr("any"));
    m_maxInput->setAccessibleName(tr("Maximum input price, USD per 1M tokens"));
    m_maxInput->setClearButtonEnabled(true);
    form->addRow(tr("Max &input $/1M"), m_maxInput);
    m_maxOutput = new QLineEdit(this);
    m_maxOutput->setValidator(validator);
    m_maxOutput->setPlaceholderText(tr("any"));
    m_maxOutput->setAccessibleName(tr("Maximum output price, USD per 1M tokens"));
    m_maxOutput->setClearButtonEnabled(true);
    form->addRow(tr("Max &output $/1M"), m_maxOutput);
    m_minContext = new QSpinBox(this);
    m_minContext->setRange(0, 100'000'000);
    m_minContext->setSingleStep(8000);
    m_minContext->setSpecialValueText(tr("any"));
    m_minContext->setGroupSeparatorShown(true);
    m_minContext->setAccessibleName(tr("Minimum context, tokens"));
    form->addRow(tr("Min &context"), m_minContext);
    layout->addLayout(form);
    connect(m_maxInput, &QLineEdit::textChanged, this, &ModelFilterPanel::emitChanged);
    connect(m_maxOutput, &QLineEdit::textChanged, this, &ModelFilterPanel::emitChanged);
    connect(m_minContext, &QSpinBox::valueChanged, this, &ModelFilterPanel::emitChanged);

    m_freeOnly = new QCheckBox(tr("&Free models only"), this);
    m_changedOnly = new QCheckBox(tr("&New or price changed only"), this);
    layout->addWidget(m_freeOnly);
    layout->addWidget(m_changedOnly);
    connect(m_freeOnly, &QCheckBox::toggled, this, &ModelFilterPanel::emitChanged);
    connect(m_changedOnly, &QCheckBox::toggled, this, &ModelFilterPanel::emitChanged);

    layout->addWidget(new QLabel(tr("Input modalities"), this));
    m_inputModalities = makeCheckList(tr("Input modalities"), 90, this);
    layout->addWidget(m_inputModalities);
    layout->addWidget(new QLabel(tr("Output modalities"), this));
    m_outputModalities = makeCheckList(tr("Output modalities"), 90, this);
    layout->addWidget(m_outputModalities);
    layout->addWidget(new QLabel(tr("Capabilities"), this));
    m_capabilities = makeCheckList(tr("Capabilities"), 130, this);
    layout->addWidget(m_capabilities);
    layout->addStretch(1);
    for (QListWidget* list : {m_providers, m_inputModalities, m_outputModalities, m_capabilities})
        connect(list, &QListWidget::itemChanged, this, &ModelFilterPanel::emitChanged);
}

void ModelFilterPanel::setTextDebounceMs(int ms)
{
    m_debounce->setInterval(ms);
}

void ModelFilterPanel::setOptions(const QStringList& providers, const QStringList& modalities,
                                  const QStringList& capabilities,
                                  const QHash<QString, QString>& providerNames)
{
    m_updating = true;
    fillCheckList(m_providers, providers, checkedNames(m_providers), providerNames);
    fillCheckList(m_inputModalities, modalities, checkedNames(m_inputModalities));
    fillCheckList(m_outputModalities, modalities, checkedNames(m_outputModalities));
    fillCheckList(m_capabilities, capabilities, checkedNames(m_capabilities));
    filterProviderList(m_providerSearch->text());
    m_updating = false;
}

void ModelFilterPanel::setFilter(const CatalogFilter& f)
{
    m_updating = true;
    m_search->setText(f.text);
    m_debounce->stop();
    setChecked(m_providers, f.providers);
    m_maxInput->setText(priceText(f.maxInputPerM));
    m_maxOutput->setText(priceText(f.maxOutputPerM));
    m_minContext->setValue(int(qBound<qint64>(0, f.minContext, qint64(m_minContext->maximum()))));
    setChecked(m_inputModalities, f.inputModalities);
    setChecked(m_outputModalities, f.outputModalities);
    setChecked(m_capabilities, f.capabilities);
    m_freeOnly->setChecked(f.freeOnly);
    m_changedOnly->setChecked(f.changedOnly);
    filterProviderList(m_providerSearch->text());
    m_updating = false;
}

CatalogFilter ModelFilterPanel::filter() const
{
    CatalogFilter f;
    f.text = m_search->text().trimmed();
    f.providers = checkedNames(m_providers);
    f.maxInputPerM = priceFrom(m_maxInput);
    f.maxOutputPerM = priceFrom(m_maxOutput);
    f.minContext = m_minContext->value();
    f.inputModalities = checkedNames(m_inputModalities);
    f.outputModalities = checkedNames(m_outputModalities);
    f.capabilities = checkedNames(m_capabilities);
    f.freeOnly = m_freeOnly->isChecked();
    f.changedOnly = m_changedOnly->isChecked();
    return f;
}

void ModelFilterPanel::setCount(int shown, int total)
{
    const QLocale locale;
    m_count->setText(shown == total
                         ? (total == 1 ? tr("1 model") : tr("%1 models").arg(locale.toString(total)))
                         : tr("%1 of %2 models").arg(locale.toString(shown), locale.toString(total)));
    m_clear->setEnabled(!filter().isEmpty());
}

void ModelFilterPanel::clear()
{
    const bool wasSet = !filter().isEmpty();
    setFilter(CatalogFilter{});
    m_providerSearch->clear();
    if (wasSet)
        emit filterChanged(filter());
}

void ModelFilterPanel::emitChanged()
{
    if (m_updating)
        return;
    m_debounce->stop(); // a checkbox click also applies pending search text
    emit filterChanged(filter());
}

void ModelFilterPanel::filterProviderList(const QString& text)
{
    for (int i = 0; i < m_providers->count(); ++i) {
        QListWidgetItem* item = m_providers->item(i);
        const QString t = text.trimmed();
        item->setHidden(!t.isEmpty() && !item->text().contains(t, Qt::CaseInsensitive) &&
                        !item->data(Qt::UserRole).toString().contains(t, Qt::CaseInsensitive));
    }
}

} // namespace anyrouter
