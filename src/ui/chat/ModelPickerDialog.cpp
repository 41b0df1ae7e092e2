// ModelPickerDialog: catalog table, filter, the catalog's loading and error states.
#include "ui/chat/ModelPickerDialog.h"

#include "ui/common/Format.h"

#include "core/catalog/CatalogRepository.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace anyrouter {

using namespace Qt::StringLiterals;

namespace {

constexpr int kSortRole = Qt::UserRole + 1;
constexpr int kIdRole = Qt::UserRole + 2;
constexpr int kSearchRole = Qt::UserRole + 3;

enum Column
{
    NameCol,
    ProviderCol,
    InputCol,
    OutputCol,
    ContextCol,
    ColumnCount
};

// Matches every word of the filter against name, id and provider (not against prices).
class ModelFilter : public QSortFilterProxyModel
{
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setWords(const QStringList& words)
    {
        m_words = words;
        invalidateFilter();
    }

protected:
    bool filterAcceptsRow(int row, const QModelIndex& parent) const override
    {
        const QString hay = sourceModel()->index(row, NameCol, parent).data(kSearchRole).toString();
        return std::all_of(m_words.begin(), m_words.end(),
                           [&](const QString& w) { return hay.contains(w, Qt::CaseInsensitive); });
    }

private:
    QStringList m_words;
};

QStandardItem* priceItem(const std::optional<double>& perM)
{
    auto* item = new QStandardItem(format::pricePerM(perM));
    item->setData(perM ? *perM : -1.0, kSortRole);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

ModelPickerDialog::ModelPickerDialog(CatalogRepository* catalog, const QString& currentModelId,
                                     QWidget* parent)
    : QDialog(parent), m_catalog(catalog), m_currentId(currentModelId)
{
    setWindowTitle(tr("Choose a model"));
    setAccessibleName(tr("Model picker"));
    resize(760, 480);
    auto* layout = new QVBoxLayout(this);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by name, id or provider"));
    m_filter->setAccessibleName(tr("Filter models"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    layout->addWidget(m_filter);
    m_state = new QLabel(this);
    m_state->setAccessibleName(tr("Catalog state"));
    m_state->setWordWrap(true);
    layout->addWidget(m_state);

    m_source = new QStandardItemModel(0, ColumnCount, this);
    m_source->setHorizontalHeaderLabels(
        {tr("Name"), tr("Provider"), tr("Input $/1M"), tr("Output $/1M"), tr("Context")});
    auto* proxy = new ModelFilter(this);
    m_proxy = proxy;
    m_proxy->setSourceModel(m_source);
    m_proxy->setSortRole(kSortRole);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setAccessibleName(tr("Models"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(NameCol, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(NameCol, QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    layout->addWidget(m_table, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Use model"));
    buttons->button(QDialogButtonBox::Ok)->setDefault(true);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!selectedModelId().isEmpty()) {
            emit modelPicked(selectedModelId());
            accept();
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_table, &QTableView::doubleClicked, buttons, &QDialogButtonBox::accepted);
    connect(m_filter, &QLineEdit::textChanged, this, &ModelPickerDialog::applyFilter);

    if (m_catalog) {
        connect(m_catalog, &CatalogRepository::entriesChanged, this, &ModelPickerDialog::showCatalog);
        connect(m_catalog, &CatalogRepository::statusChanged, this, [this] {
            if (m_source->rowCount() == 0)
                showCatalog(); // still nothing to list: the state line follows the catalog's
        });
    }
    showCatalog();
}

void ModelPickerDialog::showCatalog()
{
    if (!m_catalog) {
        m_loading = false;
        m_state->setText(tr("No workspace is selected."));
        return;
    }
    if (!m_catalog->entries().isEmpty()) {
        m_loading = false;
        QList<ModelInfo> models;
        models.reserve(m_catalog->entries().size());
        for (const CatalogEntry& e : m_catalog->entries())
            models.append(e.model);
        setModels(models);
        return;
    }
    m_loading = m_catalog->isLoading() || m_catalog->isRefreshing();
    if (m_loading)
        m_state->setText(tr("Loading the catalog…"));
    else if (m_catalog->lastRefreshFailed())
        m_state->setText(tr("Could not load the catalog: %1").arg(m_catalog->statusText()));
    else
        setModels({});
}

void ModelPickerDialog::setModels(const QList<ModelInfo>& models)
{
    m_source->removeRows(0, m_source->rowCount());
    m_table->setSortingEnabled(false);
    for (const ModelInfo& m : models) {
        auto* name = new QStandardItem(m.name.isEmpty() ? m.id : m.name);
        name->setData(name->text().toLower(), kSortRole);
        name->setData(m.id, kIdRole);
        name->setData(QString(m.name + u' ' + m.id + u' ' + m.provider + u' ' + m.providerSlug()),
                      kSearchRole);
        name->setToolTip(m.id);
        auto* provider = new QStandardItem(m.provider.isEmpty() ? m.providerSlug() : m.provider);
        provider->setData(provider->text().toLower(), kSortRole);
        auto* context =
            new QStandardItem(m.contextLength > 0 ? QLocale().toString(m.contextLength) : tr("—"));
        context->setData(m.contextLength, kSortRole);
        context->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_source->appendRow(
            {name, provider, priceItem(m.pricing.inputPerM), priceItem(m.pricing.outputPerM), context});
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setSectionResizeMode(NameCol, QHeaderView::Stretch);
    m_state->setText(models.isEmpty() ? tr("The gateway lists no models.")
                                      : tr("%n model(s)", nullptr, int(models.size())));
    applyFilter(m_filter->text());
    // Start on the model in use, so Enter without typing keeps it.
    for (int r = 0; r < m_proxy->rowCount(); ++r) {
        if (m_proxy->index(r, NameCol).data(kIdRole).toString() == m_currentId) {
            m_table->selectRow(r);
            m_table->scrollTo(m_proxy->index(r, NameCol), QAbstractItemView::PositionAtCenter);
            break;
        }
    }
}

void ModelPickerDialog::applyFilter(const QString& text)
{
    static_cast<ModelFilter*>(m_proxy)->setWords(text.split(u' ', Qt::SkipEmptyParts));
    if (!text.isEmpty() && m_proxy->rowCount() > 0)
        m_table->selectRow(0);
    if (!m_loading && m_source->rowCount() > 0)
        m_state->setText(
            text.isEmpty()
                ? tr("%n model(s)", nullptr, m_source->rowCount())
                : tr("%n of %1 model(s) match", nullptr, m_proxy->rowCount()).arg(m_source->rowCount()));
}

QString ModelPickerDialog::selectedModelId() const
{
    QModelIndex idx = m_table->currentIndex();
    if (!idx.isValid() || !m_table->selectionModel()->isRowSelected(idx.row(), {})) {
        if (m_proxy->rowCount() == 0)
            return {};
        idx = m_proxy->index(0, NameCol);
    }
    return m_proxy->index(idx.row(), NameCol).data(kIdRole).toString();
}

int ModelPickerDialog::visibleModelCount() const
{
    return m_proxy->rowCount();
}

bool ModelPickerDialog::eventFilter(QObject* watched, QEvent* event)
{
    // Up/Down in the filter move through the table, so typing and picking need no Tab.
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Down || key->key() == Qt::Key_Up || key->key() == Qt::Key_PageDown ||
            key->key() == Qt::Key_PageUp) {
            QKeyEvent copy(key->type(), key->key(), key->modifiers(), key->text());
            m_table->setFocus();
            QCoreApplication::sendEvent(m_table, &copy);
            m_filter->setFocus();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace anyrouter
