// ModelFilterProxy: applies a CatalogFilter to a ModelTableModel. Sorting is forwarded to the table
// model (which sorts numbers numerically, unknowns last): the proxy itself stays unsorted, so a
// filter change is one linear pass over the rows and never a re-sort of 10,000 of them.
#pragma once

#include "core/catalog/CatalogFilter.h"

#include <QSortFilterProxyModel>

namespace anyrouter {

class ModelTableModel;

class ModelFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ModelFilterProxy(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override; // must be a ModelTableModel
    void setFilter(const CatalogFilter& filter);
    const CatalogFilter& filter() const { return m_filter; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override; // sorts the table model

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    ModelTableModel* m_table = nullptr;
    CatalogFilter m_filter;
};

} // namespace anyrouter
