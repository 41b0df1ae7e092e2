// ModelPickerDialog: the workspace's catalog as a searchable table (name, provider, price per 1M
// input/output tokens, context). Type to filter by name, id or provider; Enter picks.
#pragma once

#include "core/domain/ModelInfo.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace anyrouter {

class CatalogService;

class ModelPickerDialog : public QDialog
{
    Q_OBJECT
public:
    // With `preloaded` empty the catalog is fetched (loading and error states are shown).
    ModelPickerDialog(CatalogService* catalog, const QString& currentModelId,
                      const QList<ModelInfo>& preloaded = {}, QWidget* parent = nullptr);

    void setModels(const QList<ModelInfo>& models);
    QString selectedModelId() const;
    int visibleModelCount() const;
    bool isLoading() const { return m_loading; }

    QLineEdit* filterEdit() const { return m_filter; }
    QTableView* table() const { return m_table; }
    QLabel* stateLabel() const { return m_state; }

signals:
    void modelsLoaded(const QList<anyrouter::ModelInfo>& models); // so the page can cache them
    void modelPicked(const QString& modelId);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fetch();
    void applyFilter(const QString& text);

    CatalogService* m_catalog;
    QString m_currentId;
    QLineEdit* m_filter;
    QTableView* m_table;
    QLabel* m_state;
    QStandardItemModel* m_source;
    QSortFilterProxyModel* m_proxy;
    bool m_loading = false;
};

} // namespace anyrouter
