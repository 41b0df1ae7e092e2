// ModelFilterProxy: CatalogFilter over the table rows; sorting delegated to the table model.
#include "ui/catalog/ModelFilterProxy.h"

#include "ui/catalog/ModelTableModel.h"

namespace anyrouter {

ModelFilterProxy::ModelFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ModelTableModel::SortRole);
}

void ModelFilterProxy::setSourceModel(QAbstractItemModel* model)
{
    m_table = qobject_cast<ModelTableModel*>(model);
    Q_ASSERT(m_table || !model);
    QSortFilterProxyModel::setSourceModel(model);
}

void ModelFilterProxy::setFilter(const CatalogFilter& filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    // invalidate(), not invalidateFilter(): the latter emits rowsRemoved/rowsInserted per scattered
    // range (thousands of signals for a keystroke over 10,000 rows); one layout change is far cheaper.
    invalidate();
}

void ModelFilterProxy::sort(int column, Qt::SortOrder order)
{
    if (m_table)
        m_table->sort(column, order); // the proxy follows the source's order (its own sort column is -1)
}

bool ModelFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_table || sourceParent.isValid())
        return false;
    return m_filter.matches(m_table->entryAt(sourceRow));
}

} // namespace anyrouter
