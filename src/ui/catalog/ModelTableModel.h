// ModelTableModel: the catalog entries as table rows (one per model) for the Models page. Numeric
// columns expose raw numbers under SortRole (unknown values as an invalid QVariant). The model sorts
// itself (numbers numerically, unknowns last in either order), so that a filter change in the proxy
// above it never re-sorts; the name column carries the new/price-changed mark with the previous price.
#pragma once

#include "core/catalog/CatalogEntry.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <QList>

namespace anyrouter {

class ModelTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameCol,
        IdCol,
        ProviderCol,
        ContextCol,
        InputCol,
        OutputCol,
        CacheReadCol,
        InputModalitiesCol,
        OutputModalitiesCol,
        CapabilitiesCol,
        CreatedCol,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // number/date/lower-case text; invalid = unknown
        IdRole,                      // the model id, on every column
        MarkRole,                    // "new", "price", or empty
    };

    explicit ModelTableModel(QObject* parent = nullptr);

    void setEntries(const QList<CatalogEntry>& entries);
    const QList<CatalogEntry>& entries() const { return m_entries; }
    const CatalogEntry& entryAt(int row) const { return m_entries.at(row); }
    int rowOf(const QString& id) const; // -1 when absent
    // Lower-cased text of the Name/Id/Provider column, computed once per reset: comparing these
    // with operator< keeps a 10,000-row sort well inside a keystroke's budget.
    const QString& textKey(int row, int column) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    static QVariant sortValue(const CatalogEntry& e, int column); // what SortRole returns
    static QString markText(const CatalogEntry& e);               // tooltip of the mark, empty without one

private:
    QList<int> sortedPermutation() const; // row order for m_sortColumn/m_sortOrder
    void applyPermutation(const QList<int>& order);

    QList<CatalogEntry> m_entries;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QList<QString> m_nameKeys, m_idKeys, m_providerKeys;
    QIcon m_newIcon;
    QIcon m_priceIcon;
};

} // namespace anyrouter
