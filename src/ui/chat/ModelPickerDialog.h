// ModelPickerDialog: the workspace's catalog as a searchable table (name, provider, price per 1M
// input/output tokens, context). Type to filter by name, id or provider; Enter picks. It shows the
// workspace session's CatalogRepository (the same list as the Models page): opening it fetches
// nothing; while the catalog is still loading it says so and fills in when the list arrives.
#pragma once

#include "core/domain/ModelInfo.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace anyrouter {

class CatalogRepository;

class ModelPickerDialog : public QDialog
{
    Q_OBJECT
public:
    // `catalog` may be nullptr (no workspace selected).
    ModelPickerDialog(CatalogRepository* catalog, const QString& currentModelId, QWidget* parent = nullptr);

    void setModels(const QList<ModelInfo>& models);
    QString selectedModelId() const;
    int visibleModelCount() const;
    bool isLoading() const { return m_loading; }

    QLineEdit* filterEdit() const { return m_filter; }
    QTableView* table() const { return m_table; }
    QLabel* stateLabel() const { return m_state; }

signals:
    void modelPicked(const QString& modelId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showCatalog();
    void applyFilter(const QString& text);

    QPointer<CatalogRepository> m_catalog;
    QString m_currentId;
    QLineEdit* m_filter;
    QTableView* m_table;
    QLabel* m_state;
    QStandardItemModel* m_source;
    QSortFilterProxyModel* m_proxy;
    bool m_loading = false;
};

} // namespace anyrouter
